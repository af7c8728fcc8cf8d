import FwctlTestSupport
import FwctlNet
import FwctlRuleset


/// Random but valid fwctl tables drawn from small pools of names, addresses and rules, so
/// two draws share a lot and the diff has something to keep.
struct RandomTables {
    var rng: SeededGenerator

    private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    mutating func table() -> Table {
        var t = Table(name: "fwctl")
        for name in ["role_a_v4", "role_b_v4", "role_c_v6", "svc_ports"] where chance(0.75) {
            t.sets.append(set(name))
        }
        for name in ["r1", "r2"] where chance(0.6) {
            t.chains.append(Chain(name: name, comment: chance(0.1) ? "regular" : nil))
        }
        t.chains.insert(Chain(name: "input", hook: hook(.input)), at: 0)
        if chance(0.7) { t.chains.insert(Chain(name: "output", hook: hook(.output)), at: 1) }
        for i in t.chains.indices {
            t.chains[i].rules = (0..<Int.random(in: 0...7, using: &rng)).compactMap { _ in rule(in: t, chain: t.chains[i]) }
        }
        return t
    }

    private mutating func hook(_ h: Hook) -> BaseChainHook {
        BaseChainHook(hook: h, priority: chance(0.1) ? 10 : 0, policy: chance(0.5) ? .drop : .accept)
    }

    private mutating func set(_ name: String) -> NamedSet {
        switch name {
        case "role_c_v6":
            var s = IntervalSet<UInt128>()
            for _ in 0..<Int.random(in: 0...4, using: &rng) { s.insert(0x2001_0db8 << 96 | UInt128.random(in: 1...8, using: &rng)) }
            return NamedSet(name: name, keyType: .ipv6Addr, elements: AddressSet(v6: s).ranges(.v6).map { .address($0) })
        case "svc_ports":
            var s = IntervalSet<UInt16>()
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let p = UInt16.random(in: 20...40, using: &rng)
                s.insert(p...(p + (chance(0.3) ? 3 : 0)))
            }
            return NamedSet(name: name, keyType: .inetService, elements: s.intervals.map { .port(PortRange($0.lowerBound, $0.upperBound)) })
        default:
            let interval = chance(0.85)
            var s = IntervalSet<UInt32>()
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                let a: UInt32 = 0x0A00_0000 | UInt32.random(in: 1...16, using: &rng)
                s.insert(a...(a + (interval && chance(0.3) ? 2 : 0)))
            }
            // Without the interval flag only single addresses fit; merged neighbours are split back.
            let ranges = interval ? AddressSet(v4: s).ranges(.v4)
                : s.intervals.flatMap { $0.map { AddressRange(.v4($0)) } }
            return NamedSet(name: name, keyType: .ipv4Addr, isInterval: interval,
                            comment: chance(0.1) ? "members" : nil, elements: ranges.map { .address($0) })
        }
    }

    /// A rule from a pool of ten, if what it refers to exists in `t` and suits the chain.
    private mutating func rule(in t: Table, chain: Chain) -> Rule? {
        let line = Int.random(in: 0..<10, using: &rng)
        let counter = Expression.counter(packets: 0, bytes: 0)
        // Now and then the same rule comes from another policy line: a comment-only change.
        let c = "p.policy:\(line)" + (chance(0.15) ? " (moved)" : "")
        switch line {
        case 0: return Rule([.ctState([.established, .related]), .verdict(.accept)], comment: c)
        case 1: return Rule([.interface(direction: .iif, name: "lo"), .verdict(.accept)], comment: c)
        case 2, 3:
            let set = line == 2 ? "role_a_v4" : "role_b_v4"
            guard t.set(named: set) != nil else { return nil }
            return Rule([.address(family: .v4, field: .saddr, match: .set(set)),
                         .port(proto: .tcp, field: .dport, match: .range(PortRange(UInt16(5000 + line)))), counter, .verdict(.accept)], comment: c)
        case 4:
            guard t.set(named: "role_c_v6") != nil else { return nil }
            return Rule([.address(family: .v6, field: .daddr, match: .set("role_c_v6")), counter, .verdict(.drop)], comment: c)
        case 5: return Rule([.port(proto: .udp, field: .dport, match: .anonymousSet([PortRange(53), PortRange(123)])), counter, .verdict(.accept)], comment: c)
        case 6, 7:
            let target = line == 6 ? "r1" : "r2"
            guard chain.hook != nil, t.chain(named: target) != nil else { return nil }
            return Rule([.l4proto(112), .verdict(.jump(target))], comment: c)
        case 8: return Rule([.limit(rate: 5, per: .second, burst: 5), .log(prefix: "drop ", level: .info), counter, .verdict(.drop)], comment: c)
        default: return Rule([.icmpType(family: .v4, types: [8]), .verdict(.accept)], comment: nil)
        }
    }

    /// `t` with a few policy-like edits: rules dropped, swapped in, elements changed.
    mutating func edited(_ t: Table) -> Table {
        var d = t
        let other = table()
        for i in d.sets.indices where chance(0.4) {
            if let replacement = other.set(named: d.sets[i].name) { d.sets[i] = replacement }
        }
        for i in d.chains.indices {
            var rules = d.chains[i].rules
            if !rules.isEmpty && chance(0.5) { rules.remove(at: Int.random(in: rules.indices, using: &rng)) }
            if chance(0.5), let r = rule(in: d, chain: d.chains[i]) { rules.insert(r, at: Int.random(in: 0...rules.count, using: &rng)) }
            if chance(0.2), var h = d.chains[i].hook { h.policy = h.policy == .drop ? .accept : .drop; d.chains[i].hook = h }
            d.chains[i].rules = rules
        }
        return d
    }
}
