import FwctlNet

/// A rule: an ordered list of expressions (matches, then statements, then a verdict), as
/// nft lists them.
public struct Rule: Hashable, Sendable, Codable {
    public var expressions: [Expression]
    /// The rule's comment (NFTNL_RULE_USERDATA). fwctl writes `file:line: <flow>` here.
    public var comment: String?
    /// Kernel handle, when read back from the kernel.
    public var handle: UInt64?

    public init(_ expressions: [Expression], comment: String? = nil, handle: UInt64? = nil) {
        self.expressions = expressions
        self.comment = comment
        self.handle = handle
    }

    /// Equality of what the rule does and says, ignoring handle and counter values.
    public func sameContent(as other: Rule) -> Bool {
        comment == other.comment && expressions.map(\.withoutState) == other.expressions.map(\.withoutState)
    }

    /// The final verdict of the rule, if it has one.
    public var verdict: Verdict? {
        for e in expressions.reversed() { if case .verdict(let v) = e { return v } }
        return nil
    }
}

/// One expression of a rule, at the level nft lists it (each lowers to a few kernel
/// expressions: payload/meta/ct loads, cmp, lookup, bitwise, counter, limit, log, immediate).
public enum Expression: Hashable, Sendable, Codable {
    /// `ip saddr @set`, `ip6 daddr 2001:db8::/64`, `ip saddr { 192.0.2.1, 192.0.2.5 }`.
    case address(family: IPFamily, field: AddressField, match: AddressMatch)
    /// `tcp dport 443`, `udp dport 30000-30100`, `tcp dport { 80, 443 }`.
    case port(proto: PortProtocol, field: PortField, match: PortMatch)
    /// `meta l4proto vrrp` (any family) — an IP protocol without ports.
    case l4proto(UInt8)
    /// `meta nfproto ipv4` — restrict a rule to one family.
    case nfproto(IPFamily)
    /// `icmp type echo-request`, `icmpv6 type { nd-neighbor-solicit, ... }`.
    case icmpType(family: IPFamily, types: [UInt8])
    /// `ct state established,related`, `ct state invalid`, `ct state new`.
    case ctState(CtStates)
    /// `ct original ip daddr @self_v4`: the destination the connection's first packet had
    /// before any DNAT (what the client asked for) is in a named set of the table.
    case originalDestination(family: IPFamily, set: String)
    /// `meta l4proto tcp ct original proto-dst 8080`: the protocol and the destination port
    /// before any DNAT. One range only: nft cannot list an anonymous set of `proto-dst`.
    case originalPort(proto: PortProtocol, range: PortRange)
    /// `fib daddr . iif oif exists`: the destination is routed out of the interface the
    /// packet came in by (traffic between two containers of one bridge).
    case sameLinkRoute
    /// `iif "lo"` / `oif "lo"`.
    case interface(direction: InterfaceDirection, name: String)
    /// `counter packets N bytes N`.
    case counter(packets: UInt64, bytes: UInt64)
    /// `limit rate 5/second` (burst in packets; nft omits the default 5).
    case limit(rate: UInt64, per: LimitUnit, burst: UInt32)
    /// `log prefix "..." level info`.
    case log(prefix: String?, level: LogLevel?)
    /// `accept`, `drop`, `jump chain`, `return`.
    case verdict(Verdict)
    /// `meta l4proto . th dport vmap @map` (`daddr`-side ports are the only kind fwctl
    /// dispatches on): the verdict of the map's element for the packet's protocol and
    /// destination port; no element, no verdict (the rule does not match).
    case dispatch(map: String)
    /// Something fwctl does not generate (read back from a hand-edited table): kept as the
    /// best description available so it can be shown and removed, never re-encoded.
    case unknown(String)

    /// The named address set the expression looks up, and the family of its keys: what the
    /// kernel requires to exist while the rule does.
    public var addressSetLookup: (family: IPFamily, set: String)? {
        switch self {
        case .address(let family, _, .set(let name)), .originalDestination(let family, let name): (family, name)
        default: nil
        }
    }

    /// The expression with kernel state (counter values) zeroed.
    public var withoutState: Expression {
        if case .counter = self { return .counter(packets: 0, bytes: 0) }
        return self
    }
}

public enum AddressField: String, Hashable, Sendable, Codable { case saddr, daddr }
public enum PortField: String, Hashable, Sendable, Codable { case sport, dport }
public enum InterfaceDirection: String, Hashable, Sendable, Codable { case iif, oif }

/// The right-hand side of an address match.
public enum AddressMatch: Hashable, Sendable, Codable {
    /// A lookup in a named set of the table: `@role_web_v4`.
    case set(String)
    /// One range (single address, prefix or `a-b`): a payload compare.
    case range(AddressRange)
    /// Several ranges: an anonymous set `{ ... }`.
    case anonymousSet([AddressRange])
}

/// The right-hand side of a port match.
public enum PortMatch: Hashable, Sendable, Codable {
    case range(PortRange)
    case anonymousSet([PortRange])
}

/// A set of conntrack states, as the kernel's bitmask.
public struct CtStates: OptionSet, Hashable, Sendable, Codable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let invalid = CtStates(rawValue: 1 << 0)
    public static let established = CtStates(rawValue: 1 << 1)
    public static let related = CtStates(rawValue: 1 << 2)
    public static let new = CtStates(rawValue: 1 << 3)
    public static let untracked = CtStates(rawValue: 1 << 6)
}

public enum LimitUnit: String, Hashable, Sendable, Codable, CaseIterable {
    case second, minute, hour, day, week
    public var seconds: UInt64 {
        switch self { case .second: 1; case .minute: 60; case .hour: 3600; case .day: 86400; case .week: 604800 }
    }
}

public enum LogLevel: String, Hashable, Sendable, Codable, CaseIterable {
    case emerg, alert, crit, err, warn, notice, info, debug
    /// syslog level number as the kernel stores it.
    public var number: UInt32 { UInt32(Self.allCases.firstIndex(of: self)!) }
}

public enum Verdict: Hashable, Sendable, Codable {
    case accept, drop
    case jump(String)
    case goto(String)
    case `return`
}
