import FwctlNet

/// Renders a `Ruleset` in nftables' own JSON schema (libnftables-json(5)), as
/// `nft -j list ruleset` would print it minus handles, so that `nft -j -f FILE` loads it.
///
/// Each table, set, chain and rule is one top-level object (an implicit `add` command when
/// loaded), in the order nft lists them. Matches use nft's canonical forms, the same ones
/// the text renderer prints (see `NftText.render(rule:)`): elided dependencies, one-element
/// anonymous sets as plain values, sorted set elements. `.unknown` expressions have no JSON
/// form; they render as `{"fwctl-unknown": TEXT}`, which nft refuses to load, on purpose:
/// fwctl never re-encodes what it did not generate.
///
/// Known nft 1.0.6 limitation: its JSON parser ignores `comment` on tables, sets and chains,
/// so a table loaded from this JSON lacks those comments — among them the table comment that
/// marks fwctl's own table, so fwctl will not take over a table loaded that way; rule
/// comments load fine. Load the text render when they matter.
public enum NftJSON {
    /// The whole ruleset, pretty-printed with two-space indentation, ending in a newline.
    public static func render(_ ruleset: Ruleset) -> String {
        var items: [JSONValue] = [.object([("metainfo", .object([("json_schema_version", .int(1))]))])]
        for table in ruleset.tables { items += objects(table) }
        return JSONValue.object([("nftables", .array(items))]).pretty() + "\n"
    }

    /// The table's objects: the table, its sets, its chains, then every chain's rules.
    static func objects(_ table: Table) -> [JSONValue] {
        let family = JSONValue.string(table.family.rawValue)
        let tableName = JSONValue.string(table.name)
        var head: [(String, JSONValue)] = [("family", family), ("name", tableName)]
        if let c = table.comment { head.append(("comment", .string(c))) }
        var out: [JSONValue] = [.object([("table", .object(head))])]
        for set in table.sets {
            let type: JSONValue = set.isVerdictMap ? .array([.string("inet_proto"), .string("inet_service")]) : .string(set.keyType.rawValue)
            var f: [(String, JSONValue)] = [("family", family), ("name", .string(set.name)), ("table", tableName), ("type", type)]
            if set.isVerdictMap { f.append(("map", .string("verdict"))) }
            if let c = set.comment { f.append(("comment", .string(c))) }
            if set.isInterval { f.append(("flags", .array([.string("interval")]))) }
            // A map's elements jump to chains: they follow the chains (below).
            if !set.elements.isEmpty && !set.isVerdictMap { f.append(("elem", .array(NftText.sortedElements(set.elements).map(element)))) }
            out.append(.object([(set.isVerdictMap ? "map" : "set", .object(f))]))
        }
        for chain in table.chains {
            var f: [(String, JSONValue)] = [("family", family), ("table", tableName), ("name", .string(chain.name))]
            if let c = chain.comment { f.append(("comment", .string(c))) }
            if let h = chain.hook {
                f += [("type", .string(h.type.rawValue)), ("hook", .string(h.hook.rawValue)),
                      ("prio", .int(Int64(h.priority))), ("policy", .string(h.policy.rawValue))]
            }
            out.append(.object([("chain", .object(f))]))
        }
        for map in table.sets where map.isVerdictMap && !map.elements.isEmpty {
            let f: [(String, JSONValue)] = [("family", family), ("table", tableName), ("name", .string(map.name)),
                                            ("elem", .array(NftText.sortedElements(map.elements).map(element)))]
            out.append(.object([("element", .object(f))]))
        }
        for chain in table.chains {
            for rule in chain.rules {
                var f: [(String, JSONValue)] = [("family", family), ("table", tableName), ("chain", .string(chain.name))]
                if let c = rule.comment { f.append(("comment", .string(c))) }
                f.append(("expr", .array(expressions(rule.expressions))))
                out.append(.object([("rule", .object(f))]))
            }
        }
        return out
    }

    static func expressions(_ exprs: [Expression]) -> [JSONValue] {
        exprs.enumerated()
            .filter { !NftText.isElidedDependency($0.element, before: exprs[($0.offset + 1)...]) }
            .flatMap { objects($0.element) }
    }

    /// A set element or match value: `"10.0.0.1"`, `{"prefix": ...}`, `{"range": [a, b]}`.
    static func element(_ e: SetElement) -> JSONValue {
        switch e {
        case .address(let r): address(r)
        case .port(let r): port(r)
        case .proto(let p): proto(p)
        case .dispatch(let p, let port, let v):
            .array([.object([("concat", .array([proto(p), .int(Int64(port))]))]), expression(.verdict(v))])
        }
    }

    static func address(_ r: AddressRange) -> JSONValue {
        if r.isSingle { return .string(r.lower.description) }
        if let len = r.prefixLength {
            return .object([("prefix", .object([("addr", .string(r.lower.description)), ("len", .int(Int64(len)))]))])
        }
        return .object([("range", .array([.string(r.lower.description), .string(r.upper.description)]))])
    }

    static func port(_ r: PortRange) -> JSONValue {
        r.isSingle ? .int(Int64(r.lower)) : .object([("range", .array([.int(Int64(r.lower)), .int(Int64(r.upper))]))])
    }

    /// A protocol by the name nft prints, or its number when it has none.
    static func proto(_ p: UInt8) -> JSONValue {
        IPProtocolNames.names[p].map { .string($0) } ?? .int(Int64(p))
    }
}
