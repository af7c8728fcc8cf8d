import FwctlNet

/// One rule as one line of nft text.
///
/// Canonical forms (what nft 1.0.6 lists back; the compiler should generate these so a
/// rule reads back equal to itself):
/// - `.nfproto(f)` anywhere before an `.address(family: f)`, an `.icmpType(family: f)` or the
///   family's own ICMP protocol (`.l4proto(1)` for v4, `.l4proto(58)` for v6) is a dependency
///   nft elides on listing (`meta nfproto ipv4 ip saddr 1.2.3.4` lists as `ip saddr 1.2.3.4`,
///   `meta nfproto ipv4 meta l4proto icmp` as `meta l4proto icmp`, also with other matches
///   in between). Beware: re-loading that listing drops the nfproto check, so the
///   compiler should not rely on `nfproto` + `l4proto icmp`; `icmp type` keeps the family
///   check in the kernel by itself. It is kept before ports, other protocols, `iif`, `ct`,
///   and when it comes after the match that implies it.
/// - `.l4proto(p)` before a `.port(proto:)` of protocol p, or before `.icmpType` (p = 1 for
///   v4, 58 for v6), is elided the same way (`meta l4proto tcp tcp dport 22` lists as
///   `tcp dport 22`). Both elisions are reproduced here, so such rules still round-trip,
///   but the shorter form is the canonical one.
/// - `.l4proto` always prints `meta l4proto NAME` (works in both families of an inet
///   table); nft would list an `ip protocol` / `ip6 nexthdr` match differently, and the
///   model has no such case. Names are /etc/protocols' (checked for all 256 numbers).
/// - An anonymous set with exactly one element lists as the plain value
///   (`tcp dport { 443 }` → `tcp dport 443`); this renderer prints it that way.
/// - Anonymous set elements are printed sorted (nft sorts them); address ranges print as a
///   prefix when they are one, otherwise `a-b`.
/// - Set lookups of ports and addresses use `@name`; ICMP type lists are sorted by number.
/// - Strings (comments, log prefixes, interface names) cannot contain `"`: nft has no
///   escape for it. nft's parser rejects comments longer than 128 bytes; the kernel
///   rejects log prefixes longer than 127 bytes and a limit burst of 0; `iif`/`oif` need
///   the interface to exist where the table is loaded (`lo` always does).
/// - A rule needs at least one expression: a line holding only `comment "..."` is a chain
///   comment to nft's parser.
/// - Conflicting matches (`meta l4proto udp tcp dport 22`, `meta nfproto ipv4 ip6 saddr ::1`)
///   render as written; nft refuses to load them.
extension NftText {
    /// The rule as nft lists it, without indentation:
    /// `ip saddr @x tcp dport 443 counter packets 0 bytes 0 accept comment "..."`.
    public static func render(rule: Rule) -> String {
        var words: [String] = []
        let exprs = rule.expressions
        for (i, e) in exprs.enumerated() where !isElidedDependency(e, before: exprs[(i + 1)...]) {
            words.append(render(expression: e))
        }
        if let comment = rule.comment { words.append("comment \"\(comment)\"") }
        return words.joined(separator: " ")
    }

    /// One expression as nft prints it inside a rule.
    public static func render(expression: Expression) -> String {
        switch expression {
        case .address(let family, let field, let match):
            return "\(family.nftKeyword) \(field.rawValue) \(render(addressMatch: match))"
        case .port(let proto, let field, let match):
            return "\(proto.rawValue) \(field.rawValue) \(render(portMatch: match))"
        case .l4proto(let p):
            return "meta l4proto \(NftNames.ipProtocol(p))"
        case .nfproto(let f):
            return "meta nfproto \(f == .v4 ? "ipv4" : "ipv6")"
        case .icmpType(let family, let types):
            let keyword = family == .v4 ? "icmp" : "icmpv6"
            let names = Set(types).sorted().map { NftNames.icmpType($0, family: family) }
            return "\(keyword) type \(anonymousSet(names))"
        case .ctState(let states):
            return "ct state \(NftNames.ctState(states))"
        case .originalDestination(let family, let set):
            return "ct original \(family.nftKeyword) daddr @\(set)"
        case .originalPort(let proto, let range):
            return "meta l4proto \(proto.rawValue) ct original proto-dst \(range)"
        case .sameLinkRoute:
            return "fib daddr . iif oif exists"
        case .interface(let direction, let name):
            return "\(direction.rawValue) \"\(name)\""
        case .counter(let packets, let bytes):
            return "counter packets \(packets) bytes \(bytes)"
        case .limit(let rate, let per, let burst):
            // nft's default burst is 5 packets and is not printed.
            let b = burst == 5 ? "" : " burst \(burst) packets"
            return "limit rate \(rate)/\(per.rawValue)\(b)"
        case .log(let prefix, let level):
            var s = "log"
            if let prefix { s += " prefix \"\(prefix)\"" }
            // warn is the kernel default level; nft omits it.
            if let level, level != .warn { s += " level \(level.rawValue)" }
            return s
        case .verdict(let v):
            return render(verdict: v)
        case .dispatch(let map):
            return "meta l4proto . th dport vmap @\(map)"
        case .unknown(let text):
            return text
        }
    }

    /// `accept`, `drop`, `jump NAME`, `goto NAME`, `return`.
    public static func render(verdict: Verdict) -> String {
        switch verdict {
        case .accept: "accept"
        case .drop: "drop"
        case .jump(let c): "jump \(c)"
        case .goto(let c): "goto \(c)"
        case .return: "return"
        }
    }

    /// A set element as nft prints it: `10.0.0.0/24`, `10.1.0.1-10.1.0.9`, `192.0.2.1`,
    /// `443`, `1000-2000`, `tcp`.
    public static func render(element: SetElement) -> String {
        switch element {
        case .address(let r): r.description
        case .port(let r): r.description
        case .proto(let p): NftNames.ipProtocol(p)
        case .dispatch(let p, let port, let v): "\(NftNames.ipProtocol(p)) . \(port) : \(render(verdict: v))"
        }
    }

    static func render(addressMatch match: AddressMatch) -> String {
        switch match {
        case .set(let name): return "@\(name)"
        case .range(let r): return r.description
        case .anonymousSet(let rs):
            let (elements, isSet) = anonymousAddresses(rs)
            return braces(elements.map(\.description), isSet)
        }
    }

    static func render(portMatch match: PortMatch) -> String {
        switch match {
        case .range(let r): return r.description
        case .anonymousSet(let rs):
            let (elements, isSet) = anonymousPorts(rs)
            return braces(elements.map(\.description), isSet)
        }
    }

    /// `{ a, b }`, or the bare value for one element (nft turns a one-element anonymous
    /// set into a plain compare).
    static func anonymousSet(_ items: [String]) -> String {
        braces(items, items.count > 1)
    }

    static func braces(_ items: [String], _ isSet: Bool) -> String {
        isSet ? "{ " + items.joined(separator: ", ") + " }" : items.joined(separator: ", ")
    }

    /// True when nft would not print `e` because a later expression implies it.
    static func isElidedDependency(_ e: Expression, before rest: ArraySlice<Expression>) -> Bool {
        switch e {
        case .nfproto(let f):
            return rest.contains {
                switch $0 {
                case .address(let family, _, _), .icmpType(let family, _): family == f
                case .l4proto(let p): p == (f == .v4 ? 1 : 58)
                default: false
                }
            }
        case .l4proto(let p):
            return rest.contains {
                switch $0 {
                case .port(let proto, _, _): proto.number == p
                case .icmpType(let family, _): p == (family == .v4 ? 1 : 58)
                default: false
                }
            }
        default:
            return false
        }
    }
}
