/// Something a table holds that fwctl never generates and the model keeps only by kind and
/// name: a stateful object (NFT_MSG_GETOBJ), a flowtable, or a set the model cannot hold
/// (a map, a concatenation, another key type). The planner deletes each.
public struct TableObject: Hashable, Sendable, CustomStringConvertible {
    public var kind: Kind
    public var name: String

    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// nft's word for the kind; stateful objects carry their NFT_OBJECT_* number.
    public enum Kind: Hashable, Sendable, CustomStringConvertible {
        case object(type: UInt32)
        case flowtable
        case set
        case map

        public var description: String {
            switch self {
            case .object(let type): Self.objectNames[type] ?? "object type \(type)"
            case .flowtable: "flowtable"
            case .set: "set"
            case .map: "map"
            }
        }

        /// NFT_OBJECT_* numbers (linux/netfilter/nf_tables.h) and nft's keyword for each.
        static let objectNames: [UInt32: String] = [
            1: "counter", 2: "quota", 3: "ct helper", 4: "limit", 5: "connlimit", 6: "tunnel",
            7: "ct timeout", 8: "secmark", 9: "ct expectation", 10: "synproxy",
        ]
    }

    public var description: String { "\(kind) \(name)" }
}

extension TableObject.Kind {
    /// The kind named by nft's word (`description`), as plan files write it.
    public init?(word: String) {
        switch word {
        case "flowtable": self = .flowtable
        case "set": self = .set
        case "map": self = .map
        default:
            if let (type, _) = Self.objectNames.first(where: { $0.value == word }) {
                self = .object(type: type)
            } else if word.hasPrefix("object type "), let type = UInt32(word.dropFirst(12)) {
                self = .object(type: type)
            } else {
                return nil
            }
        }
    }
}

// {"kind": "counter", "name": "c1"}: nft's words, as the plan's JSON shows them.
extension TableObject: Codable {
    private enum Key: String, CodingKey { case kind, name }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let word = try c.decode(String.self, forKey: .kind)
        guard let kind = Kind(word: word) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown object kind \(word)")
        }
        self.init(kind: kind, name: try c.decode(String.self, forKey: .name))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(kind.description, forKey: .kind)
        try c.encode(name, forKey: .name)
    }
}
