import FwctlNet

extension NftJSON {
    /// One expression as nft's JSON prints it.
    static func expression(_ e: Expression) -> JSONValue {
        switch e {
        case .address(let family, let field, let m):
            let right: JSONValue
            switch m {
            case .set(let name): right = .string("@" + name)
            case .range(let r): right = address(r)
            case .anonymousSet(let rs):
                let (elements, isSet) = NftText.anonymousAddresses(rs)
                right = isSet ? .object([("set", .array(elements.map(address)))]) : address(elements[0])
            }
            return match(payload(family.nftKeyword, field.rawValue), right)
        case .port(let proto, let field, let m):
            let right: JSONValue
            switch m {
            case .range(let r): right = port(r)
            case .anonymousSet(let rs):
                let (elements, isSet) = NftText.anonymousPorts(rs)
                right = isSet ? .object([("set", .array(elements.map(port)))]) : port(elements[0])
            }
            return match(payload(proto.rawValue, field.rawValue), right)
        case .l4proto(let p):
            return match(meta("l4proto"), proto(p))
        case .nfproto(let f):
            return match(meta("nfproto"), .string(f == .v4 ? "ipv4" : "ipv6"))
        case .icmpType(let family, let types):
            let names: [JSONValue] = Set(types).sorted().map { t in
                let name = NftNames.icmpType(t, family: family)
                return name == String(t) ? .int(Int64(t)) : .string(name)
            }
            return match(payload(family == .v4 ? "icmp" : "icmpv6", "type"), anonymousSet(names))
        case .ctState(let states):
            let names = NftNames.ctState(states).split(separator: ",").map { JSONValue.string(String($0)) }
            // A bitmask test: nft writes `in` with a plain list (not an anonymous set).
            return match(.object([("ct", .object([("key", .string("state"))]))]),
                         names.count == 1 ? names[0] : .array(names), op: "in")
        case .originalDestination(let family, let set):
            return match(originalCt("\(family.nftKeyword) daddr"), .string("@" + set))
        case .originalPort(_, let range):
            // Its `meta l4proto` match comes first, from `objects(_:)`.
            return match(originalCt("proto-dst"), port(range))
        case .sameLinkRoute:
            return match(.object([("fib", .object([("result", .string("oif")), ("flags", .array([.string("daddr"), .string("iif")]))]))]), .bool(true))
        case .interface(let direction, let name):
            return match(meta(direction.rawValue), .string(name))
        case .counter(let packets, let bytes):
            return .object([("counter", .object([("packets", .int(Int64(clamping: packets))), ("bytes", .int(Int64(clamping: bytes)))]))])
        case .limit(let rate, let per, let burst):
            return .object([("limit", .object([("rate", .int(Int64(clamping: rate))), ("burst", .int(Int64(burst))), ("per", .string(per.rawValue))]))])
        case .log(let prefix, let level):
            var f: [(String, JSONValue)] = []
            if let prefix { f.append(("prefix", .string(prefix))) }
            if let level, level != .warn { f.append(("level", .string(level.rawValue))) }
            return .object([("log", f.isEmpty ? .null : .object(f))])
        case .verdict(let v):
            switch v {
            case .accept: return .object([("accept", .null)])
            case .drop: return .object([("drop", .null)])
            case .return: return .object([("return", .null)])
            case .jump(let c): return .object([("jump", .object([("target", .string(c))]))])
            case .goto(let c): return .object([("goto", .object([("target", .string(c))]))])
            }
        case .dispatch(let map):
            let key = JSONValue.object([("concat", .array([meta("l4proto"), payload("th", "dport")]))])
            return .object([("vmap", .object([("key", key), ("data", .string("@" + map))]))])
        case .unknown(let text):
            return .object([("fwctl-unknown", .string(text))])
        }
    }

    static func match(_ left: JSONValue, _ right: JSONValue, op: String = "==") -> JSONValue {
        .object([("match", .object([("op", .string(op)), ("left", left), ("right", right)]))])
    }

    /// The JSON objects of one expression: one, but two for `.originalPort`, whose protocol
    /// match nft lists as a match of its own.
    static func objects(_ e: Expression) -> [JSONValue] {
        if case .originalPort(let proto, _) = e { return [match(meta("l4proto"), .string(proto.rawValue)), expression(e)] }
        return [expression(e)]
    }

    static func originalCt(_ key: String) -> JSONValue {
        .object([("ct", .object([("key", .string(key)), ("dir", .string("original"))]))])
    }

    static func payload(_ proto: String, _ field: String) -> JSONValue {
        .object([("payload", .object([("protocol", .string(proto)), ("field", .string(field))]))])
    }

    static func meta(_ key: String) -> JSONValue {
        .object([("meta", .object([("key", .string(key))]))])
    }

    /// `{"set": [...]}`, or the one value itself, as nft turns a one-element set into a compare.
    static func anonymousSet(_ items: [JSONValue]) -> JSONValue {
        items.count == 1 ? items[0] : .object([("set", .array(items))])
    }
}
