import FwctlNet
import FwctlRuleset

/// Hand-made mutations of one chain of a compiled table, as drift or a bad edit would make
/// them: drop a rule, widen an address match, move a port, swap two neighbours, flip a verdict.
enum ChainMutation: CustomStringConvertible {
    case drop(Int)
    case widen(Int)
    case shiftPort(Int)
    case swap(Int)
    case flip(Int)

    var description: String {
        switch self {
        case .drop(let i): "drop rule \(i)"
        case .widen(let i): "widen the address of rule \(i)"
        case .shiftPort(let i): "shift the port of rule \(i)"
        case .swap(let i): "swap rules \(i) and \(i + 1)"
        case .flip(let i): "flip the verdict of rule \(i)"
        }
    }

    /// Every mutation that applies to `chain`.
    static func all(_ chain: Chain) -> [ChainMutation] {
        var out: [ChainMutation] = []
        for (i, rule) in chain.rules.enumerated() {
            out.append(.drop(i))
            if rule.expressions.contains(where: { if case .address = $0 { true } else { false } }) { out.append(.widen(i)) }
            if rule.expressions.contains(where: { if case .port = $0 { true } else { false } }) { out.append(.shiftPort(i)) }
            if i + 1 < chain.rules.count { out.append(.swap(i)) }
            if rule.verdict == .accept || rule.verdict == .drop { out.append(.flip(i)) }
        }
        return out
    }

    /// The table with the mutation applied to the chain at `chainIndex`.
    func apply(to table: Table, chain chainIndex: Int) -> Table {
        var t = table
        var rules = t.chains[chainIndex].rules
        switch self {
        case .drop(let i): rules.remove(at: i)
        case .swap(let i): rules.swapAt(i, i + 1)
        case .widen(let i): rules[i].expressions = rules[i].expressions.map { Self.widen($0, table: table) }
        case .shiftPort(let i): rules[i].expressions = rules[i].expressions.map(Self.shift)
        case .flip(let i): rules[i].expressions = rules[i].expressions.map {
            if case .verdict(let v) = $0 { return .verdict(v == .accept ? .drop : .accept) }
            return $0
        }
        }
        t.chains[chainIndex].rules = rules
        return t
    }

    /// The first range of the match grown to its /16 (IPv4) or /48 (IPv6).
    static func widen(_ e: Expression, table: Table) -> Expression {
        guard case .address(let family, let field, let match) = e else { return e }
        var ranges: [AddressRange]
        switch match {
        case .range(let r): ranges = [r]
        case .anonymousSet(let rs): ranges = rs
        case .set(let name):
            ranges = table.set(named: name)?.elements.compactMap { if case .address(let r) = $0 { r } else { nil } } ?? []
        }
        guard !ranges.isEmpty else { return e }
        let keep = family == .v4 ? 2 : 6
        let lo = Array(ranges[0].lower.bytes.prefix(keep)) + Array(repeating: 0, count: family.bits / 8 - keep)
        let hi = Array(ranges[0].upper.bytes.prefix(keep)) + Array(repeating: 0xff, count: family.bits / 8 - keep)
        ranges[0] = AddressRange(lower: IPAddress(family: family, bytes: lo)!, upper: IPAddress(family: family, bytes: hi)!)
        return .address(family: family, field: field, match: ranges.count == 1 ? .range(ranges[0]) : .anonymousSet(ranges))
    }

    /// The first port range moved up by one (down at the top of the port space).
    static func shift(_ e: Expression) -> Expression {
        guard case .port(let proto, let field, let match) = e else { return e }
        func moved(_ r: PortRange) -> PortRange {
            r.upper < UInt16.max ? PortRange(r.lower + 1, r.upper + 1) : PortRange(r.lower - 1, r.upper - 1)
        }
        switch match {
        case .range(let r): return .port(proto: proto, field: field, match: .range(moved(r)))
        case .anonymousSet(let rs): return .port(proto: proto, field: field, match: .anonymousSet([moved(rs[0])] + rs.dropFirst()))
        }
    }
}
