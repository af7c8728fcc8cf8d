#if canImport(Glibc)
import Glibc
#endif

/// A failure reported by the kernel (or by the socket) while talking nf_tables netlink.
///
/// `operation` names the call or batch message that failed ("add rule", "dump chains");
/// `object` the object it was about ("rule 3 of chain input"), with `attribute` when the
/// extended ack points into it ("expression 2 of the rule (kernel lookup)"); `extAckOffset` is
/// the kernel's NLMSGERR_ATTR_OFFS, the byte offset of the offending attribute inside the
/// failing message; `message` the kernel's extended-ack text when it sent one.
/// `operationIndex` is the index, in the committed `Transaction`, of the operation whose
/// message the kernel refused (nil when the refusal concerns the batch as a whole: a moved
/// generation, a missing permission, a failed commit).
public struct NetlinkError: Error, CustomStringConvertible, Sendable, Equatable {
    public var errno: Int32
    public var operation: String
    public var object: String?
    public var attribute: String?
    public var extAckOffset: UInt32?
    public var message: String?
    public var operationIndex: Int?

    public init(errno: Int32, operation: String, object: String? = nil, attribute: String? = nil, extAckOffset: UInt32? = nil,
                message: String? = nil, operationIndex: Int? = nil) {
        self.errno = errno
        self.operation = operation
        self.object = object
        self.attribute = attribute
        self.extAckOffset = extAckOffset
        self.message = message
        self.operationIndex = operationIndex
    }

    /// ERESTART: the batch carried a generation id and the ruleset changed since it was
    /// read. Nothing was applied; read again and re-plan.
    public var isGenerationConflict: Bool { errno == ERESTART }

    public var description: String {
        var s = "\(operation)"
        if let object { s += " (\(object))" }
        if isGenerationConflict {
            s += ": ruleset changed since it was read"
        } else {
            s += ": " + String(cString: strerror(errno))
        }
        if let message, !message.isEmpty { s += ": \(message)" }
        if let extAckOffset { s += " [attribute at offset \(extAckOffset)]" }
        return s
    }
}

/// A model value the codec cannot put into netlink (e.g. an `.unknown` expression or an
/// interface name that does not exist in the namespace). Raised before anything is sent;
/// `operationIndex` is the index of the transaction operation that could not be encoded.
public struct EncodingError: Error, CustomStringConvertible, Sendable, Equatable {
    public var object: String
    public var reason: String
    public var operationIndex: Int?

    public init(object: String, reason: String, operationIndex: Int? = nil) {
        self.object = object
        self.reason = reason
        self.operationIndex = operationIndex
    }

    public var description: String { "cannot encode \(object): \(reason)" }
}
