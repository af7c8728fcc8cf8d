import FwctlNet
import FwctlRuleset

/// An anonymous set (`{ 80, 443 }`) a rule needs; created in the same batch as the rule,
/// which refers to it by the placeholder name `__set%d` and the batch-local set id.
struct AnonymousSet: Hashable, Sendable {
    var id: UInt32
    var key: SetKeyFormat
    var origin: KeyOrigin
    var isInterval: Bool
    var elements: [KernelSetElement]

    static let placeholderName = "__set%d"
}

/// The payload field an anonymous set's keys come from, which nft records in the set's
/// udata (NFTNL_UDATA_SET_KEY_TYPEOF): nft's protocol description id and field index.
struct KeyOrigin: Hashable, Sendable {
    var proto: UInt32
    var field: UInt32

    // proto_desc ids and template indexes of nft 1.0.6 (observed with --debug=mnl).
    static func address(_ f: IPFamily, _ field: AddressField) -> KeyOrigin {
        f == .v4 ? KeyOrigin(proto: 12, field: field == .saddr ? 11 : 12) : KeyOrigin(proto: 13, field: field == .saddr ? 8 : 9)
    }

    static func port(_ p: PortProtocol, _ field: PortField) -> KeyOrigin {
        let desc: UInt32 = switch p { case .tcp: 8; case .udp: 6; case .sctp: 10 }
        return KeyOrigin(proto: desc, field: field == .sport ? 1 : 2)
    }

    static func icmpType(_ f: IPFamily) -> KeyOrigin { KeyOrigin(proto: f == .v4 ? 4 : 14, field: 1) }

    /// {TYPEOF_EXPR: payload (7), TYPEOF_DATA: {desc, field}}.
    var userData: UserData {
        var data = UserData()
        data.append(0, u32: proto)
        data.append(1, u32: field)
        var typeof = UserData()
        typeof.append(0, u32: 7)
        typeof.append(1, nested: data)
        return typeof
    }
}

/// What lowering a rule needs besides the rule: batch-wide set ids, and the namespace's
/// interface indexes (`iif "lo"` is an ifindex compare).
struct EncodeContext {
    var nextSetID: UInt32 = 1
    var anonymousSets: [AnonymousSet] = []
    var interfaceIndex: (String) -> UInt32?

    init(interfaceIndex: @escaping (String) -> UInt32?) { self.interfaceIndex = interfaceIndex }

    mutating func addAnonymousSet(key: SetKeyFormat, origin: KeyOrigin, ranges: [ClosedRange<UInt128>]) -> KernelExpr {
        let interval = ranges.contains { $0.lowerBound != $0.upperBound }
        let set = AnonymousSet(id: nextSetID, key: key, origin: origin, isInterval: interval,
                               elements: SetElementCodec.kernelElements(ranges, keyLength: key.length, interval: interval))
        nextSetID += 1
        anonymousSets.append(set)
        return .lookup(sreg: NFT.reg1, set: AnonymousSet.placeholderName, setID: set.id)
    }
}

/// What decoding a rule needs: the table's anonymous sets (by kernel name) and interface names.
struct DecodeContext {
    var anonymousSets: [String: (key: SetKeyFormat, elements: [KernelSetElement], interval: Bool)] = [:]
    var interfaceName: (UInt32) -> String? = { _ in nil }

    /// The key ranges of an anonymous set of the expected key type and length; nil otherwise
    /// (so a hand-made set of another shape decodes as `.unknown`, never as a bad value).
    func anonymousRanges(_ name: String, key: SetKeyFormat) -> [ClosedRange<UInt128>]? {
        guard let s = anonymousSets[name], s.key.datatype == key.datatype, s.key.length == key.length,
              s.elements.allSatisfy({ $0.key.count == key.length }) else { return nil }
        return SetElementCodec.ranges(s.elements, interval: s.interval)
    }
}

/// A read position in a rule's kernel expressions; decoders work on a copy and the driver
/// keeps it only when the whole pattern matched.
struct ExprCursor {
    let exprs: [KernelExpr]
    var index = 0
    /// The family an earlier expression of the rule already checked (an `ip saddr` match,
    /// `meta nfproto`): nft then leaves out the `meta nfproto` of later family-bound matches.
    var establishedFamily: IPFamily?

    var atEnd: Bool { index >= exprs.count }
    mutating func next() -> KernelExpr? {
        guard index < exprs.count else { return nil }
        defer { index += 1 }
        return exprs[index]
    }
}

/// Lowers model expressions to kernel expressions exactly as nft 1.0.6 does, and decodes
/// kernel expressions back. Each expression kind has its encoder and mirror-image decoder
/// side by side in its own file (`Codec/*Codec.swift`).
enum RuleCodec {
    static func encode(_ rule: Rule, context: inout EncodeContext) throws -> [KernelExpr] {
        try encodeEach(rule, context: &context).flatMap { $0 }
    }

    /// The kernel expressions of each model expression, in order (to map a kernel error's
    /// attribute offset back to the model expression that caused it).
    static func encodeEach(_ rule: Rule, context: inout EncodeContext) throws -> [[KernelExpr]] {
        var groups: [[KernelExpr]] = []
        var established: IPFamily?
        for e in rule.expressions {
            var out: [KernelExpr] = []
            switch e {
            case .address(let family, let field, let match):
                out += AddressMatchCodec.encode(family: family, field: field, match: match, context: &context)
            case .port(let proto, let field, let match):
                out += PortMatchCodec.encode(proto: proto, field: field, match: match, context: &context)
            case .l4proto(let p): out += MetaMatchCodec.encodeL4proto(p)
            case .nfproto(let f): out += MetaMatchCodec.encodeNfproto(f)
            case .icmpType(let family, let types):
                out += IcmpTypeCodec.encode(family: family, types: types, familyChecked: established == family, context: &context)
            case .ctState(let s): out += CtStateCodec.encode(s)
            case .originalDestination(let family, let set): out += OriginalMatchCodec.encodeDestination(family: family, set: set)
            case .originalPort(let proto, let range): out += OriginalMatchCodec.encodePort(proto: proto, range: range)
            case .sameLinkRoute: out += OriginalMatchCodec.encodeSameLinkRoute()
            case .interface(let dir, let name):
                guard let index = context.interfaceIndex(name) else {
                    throw EncodingError(object: "\(dir.rawValue) \"\(name)\"", reason: "no such interface in the namespace")
                }
                out += MetaMatchCodec.encodeInterface(dir, index: index)
            case .counter, .limit, .log, .verdict:
                out += StatementCodec.encode(e)
            case .unknown(let text):
                throw EncodingError(object: "expression \(text)", reason: "fwctl does not generate it and cannot re-encode it")
            case .dispatch(let map):
                out += DispatchCodec.encode(map: map)
            }
            switch e {
            case .address(let f, _, _), .nfproto(let f): established = f
            default: break
            }
            groups.append(out)
        }
        return groups
    }

    /// Decoders in the order they are tried: longer patterns before their prefixes
    /// (an address match starts like `meta nfproto`, a port match like `meta l4proto`).
    static var decoders: [(inout ExprCursor, DecodeContext) -> Expression?] {
        [
            DispatchCodec.decode, AddressMatchCodec.decode, IcmpTypeCodec.decode, MetaMatchCodec.decodeNfproto,
            OriginalMatchCodec.decodePort, PortMatchCodec.decode, MetaMatchCodec.decodeL4proto, MetaMatchCodec.decodeInterface,
            CtStateCodec.decode, OriginalMatchCodec.decodeDestination, OriginalMatchCodec.decodeSameLinkRoute, StatementCodec.decode,
        ]
    }

    /// Never fails: what no decoder recognises becomes `.unknown` (consecutive kernel
    /// expressions joined into one description).
    static func decode(_ exprs: [KernelExpr], context: DecodeContext) -> [Expression] {
        var cursor = ExprCursor(exprs: exprs)
        var out: [Expression] = []
        var unknown: [String] = []
        func flush() {
            if !unknown.isEmpty { out.append(.unknown(unknown.joined(separator: "; "))) }
            unknown = []
        }
        while !cursor.atEnd {
            var matched: Expression?
            for d in decoders {
                var probe = cursor
                if let e = d(&probe, context) {
                    matched = e
                    cursor = probe
                    break
                }
            }
            if let m = matched {
                flush()
                out.append(m)
                switch m {
                case .address(let f, _, _), .nfproto(let f): cursor.establishedFamily = f
                default: break
                }
            } else if let k = cursor.next() {
                unknown.append(k.text)
            }
        }
        flush()
        return out
    }
}
