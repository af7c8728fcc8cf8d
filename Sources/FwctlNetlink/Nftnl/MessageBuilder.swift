import CNftnl
import FwctlRuleset

/// nf_tables message types (enum nf_tables_msg_types) and netlink flags used by fwctl, as
/// the kernel headers define them.
enum NftMsg {
    private static func type(_ t: nf_tables_msg_types) -> UInt16 { UInt16(t.rawValue) }
    static let newTable = type(NFT_MSG_NEWTABLE), getTable = type(NFT_MSG_GETTABLE), delTable = type(NFT_MSG_DELTABLE)
    static let newChain = type(NFT_MSG_NEWCHAIN), getChain = type(NFT_MSG_GETCHAIN), delChain = type(NFT_MSG_DELCHAIN)
    static let newRule = type(NFT_MSG_NEWRULE), getRule = type(NFT_MSG_GETRULE), delRule = type(NFT_MSG_DELRULE)
    static let newSet = type(NFT_MSG_NEWSET), getSet = type(NFT_MSG_GETSET), delSet = type(NFT_MSG_DELSET)
    static let newSetElem = type(NFT_MSG_NEWSETELEM), getSetElem = type(NFT_MSG_GETSETELEM), delSetElem = type(NFT_MSG_DELSETELEM)
    static let getGen = type(NFT_MSG_GETGEN)
    static let getObj = type(NFT_MSG_GETOBJ), delObj = type(NFT_MSG_DELOBJ)
    static let getFlowtable = type(NFT_MSG_GETFLOWTABLE), delFlowtable = type(NFT_MSG_DELFLOWTABLE)

    static let ack = UInt16(NLM_F_ACK)
    static let dump = UInt16(NLM_F_DUMP)
    static let replace = UInt16(NLM_F_REPLACE)
    static let create = UInt16(NLM_F_CREATE)
    static let append = UInt16(NLM_F_APPEND)
}

/// One encoded message of a batch and what it is about, so a kernel error (which names the
/// message by its sequence number) can be reported as "add rule (rule 3 of chain input)".
struct BatchMessage {
    var bytes: [UInt8]
    var seq: UInt32
    var operation: String
    var object: String?
    /// For rules: how many kernel expressions each model expression lowered to.
    var expressionSpans: [Int] = []
}

extension BatchMessage {
    /// Refuses a message whose attributes do not frame it exactly. A nest that outgrew the
    /// 16-bit netlink attribute length (65,535 bytes) is written with a wrapped length: its
    /// children then run past its end, or the walk goes on into them and meets a top-level
    /// type twice (a list element has the type of the table name). The kernel would read
    /// something else than fwctl meant.
    func checkFraming() throws {
        let ok = bytes.withUnsafeBytes { raw in
            var seen = Set<UInt16>()
            return NetlinkAttributes.forEach(raw, from: ExtAck.payloadStart, to: raw.count) { a in
                guard seen.insert(a.type).inserted else { return false }
                return !a.isNested || NetlinkAttributes.forEach(nestedIn: a, of: raw) { _ in true }
            }
        }
        guard !ok else { return }
        throw EncodingError(object: object ?? operation, reason: "its \(operation) message of \(bytes.count) bytes has an attribute "
                            + "larger than netlink's limit of 65535 bytes")
    }
}

/// Builds netlink messages with libnftnl into a scratch buffer and copies each out.
///
/// libnftnl writes attributes without bounds checks, so before each object is written the
/// scratch buffer is grown to an upper bound of the message's size (`NftnlObject.messageBound`).
final class MessageBuilder {
    static let defaultCapacity = 1 << 20
    /// Room for BATCH_BEGIN (header, nfgenmsg and the generation attribute) or BATCH_END.
    private static let batchMessageBound = 64
    private var scratch: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private(set) var nextSeq: UInt32

    init(firstSeq: UInt32, capacity: Int = MessageBuilder.defaultCapacity) {
        nextSeq = firstSeq
        self.capacity = max(capacity, Self.batchMessageBound)
        scratch = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }
    deinit { scratch.deallocate() }

    /// The scratch buffer, at least `bytes` long, its first `bytes` zeroed: libnftnl leaves
    /// some attribute padding unwritten, and a message must not carry the previous one's bytes.
    private func buffer(for bytes: Int) -> UnsafeMutablePointer<CChar> {
        if bytes > capacity {
            scratch.deallocate()
            capacity = max(bytes, capacity * 2)
            scratch = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
        scratch.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        return scratch.assumingMemoryBound(to: CChar.self)
    }

    private func finish(_ nlh: UnsafeMutablePointer<nlmsghdr>, seq: UInt32, bound: Int, _ operation: String, _ object: String?) -> BatchMessage {
        let len = Int(nlh.pointee.nlmsg_len)
        // Unreachable while the bound holds; a broken bound must not go unnoticed.
        precondition(len <= bound, "netlink message of \(len) bytes exceeds its computed bound of \(bound)")
        return BatchMessage(bytes: Array(UnsafeRawBufferPointer(start: scratch, count: len)), seq: seq, operation: operation, object: object)
    }

    /// An nf_tables message whose payload is one libnftnl object.
    func message(_ type: UInt16, family: TableFamily?, flags: UInt16, object: NftnlObject?, elements: Bool = false,
                 operation: String, describing: String?) -> BatchMessage {
        let seq = nextSeq
        nextSeq &+= 1
        let bound = object?.messageBound(elements: elements) ?? Self.batchMessageBound
        let nlh = nftnl_nlmsg_build_hdr(buffer(for: bound), type, family?.nfproto ?? 0, flags, seq)!
        object?.buildPayload(nlh, elements: elements)
        return finish(nlh, seq: seq, bound: bound, operation, describing)
    }

    /// NFNL_MSG_BATCH_BEGIN, carrying NFNL_BATCH_GENID when the caller expects a generation.
    func batchBegin(generation: UInt32?) -> BatchMessage {
        let seq = nextSeq
        nextSeq &+= 1
        let nlh = nftnl_batch_begin(buffer(for: Self.batchMessageBound), seq)!
        if let generation {
            // NFNL_BATCH_GENID is a u32 in network byte order; mnl_attr_put_u32 does not swap.
            mnl_attr_put_u32(nlh, UInt16(NFNL_BATCH_GENID.rawValue), generation.bigEndian)
        }
        return finish(nlh, seq: seq, bound: Self.batchMessageBound, "commit batch", nil)
    }

    func batchEnd() -> BatchMessage {
        let seq = nextSeq
        nextSeq &+= 1
        return finish(nftnl_batch_end(buffer(for: Self.batchMessageBound), seq)!, seq: seq, bound: Self.batchMessageBound,
                      "commit batch", nil)
    }
}
