import FwctlTestSupport
import FwctlNet
@testable import FwctlRuleset

/// Seeded random rules in the shapes nft accepts (one family and one transport protocol
/// per rule), to check the renderers on combinations nobody thought to write down.
/// Deterministic: the same seed gives the same table.
struct RandomRules {
    var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ xs: [T]) -> T { xs.randomElement(using: &rng)! }

    mutating func address(_ f: IPFamily) -> AddressRange {
        switch f {
        case .v4:
            let a = UInt32.random(in: 0x0A00_0000...0x0A00_FFFF, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: return AddressRange(.v4(a))
            case 1: return AddressRange(prefix: .v4(a), length: Int.random(in: 16...31, using: &rng))!
            default: return AddressRange(lower: .v4(a), upper: .v4(a + UInt32.random(in: 1...300, using: &rng)))
            }
        case .v6:
            let a = (UInt128(0x2001_0db8) << 96) | UInt128(UInt32.random(in: 0...0xFFFF, using: &rng)) << 64 | UInt128(UInt16.random(in: 0...0xFFFF, using: &rng))
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: return AddressRange(.v6(a))
            case 1: return AddressRange(prefix: .v6(a), length: Int.random(in: 48...127, using: &rng))!
            default: return AddressRange(lower: .v6(a), upper: .v6(a + UInt128(UInt16.random(in: 1...500, using: &rng))))
            }
        }
    }

    mutating func ports() -> PortRange {
        let lo = UInt16.random(in: 1...60000, using: &rng)
        return chance(0.7) ? PortRange(lo) : PortRange(lo, lo + UInt16.random(in: 1...500, using: &rng))
    }

    mutating func rule(sets: [IPFamily: [String]]) -> Rule {
        let f: IPFamily = chance(0.5) ? .v4 : .v6
        var e: [Expression] = []
        if chance(0.2) { e.append(.nfproto(f)) }
        if chance(0.2) { e.append(.ctState(CtStates(rawValue: pick([1, 2, 4, 6, 8, 9, 64, 79])))) }
        if chance(0.15) { e.append(.interface(direction: pick([.iif, .oif]), name: "lo")) }
        for field in [AddressField.saddr, .daddr] where chance(0.5) {
            let match: AddressMatch
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: match = .set(pick(sets[f]!))
            case 1: match = .range(address(f))
            default: match = .anonymousSet((0..<Int.random(in: 1...6, using: &rng)).map { _ in address(f) })
            }
            e.append(.address(family: f, field: field, match: match))
        }
        switch Int.random(in: 0..<4, using: &rng) {
        case 0:
            let proto = pick(PortProtocol.allCases)
            if chance(0.3) { e.append(.l4proto(proto.number)) }
            for field in [PortField.sport, .dport] where chance(0.6) {
                let match: PortMatch = chance(0.5) ? .range(ports()) : .anonymousSet((0..<Int.random(in: 1...6, using: &rng)).map { _ in ports() })
                e.append(.port(proto: proto, field: field, match: match))
            }
        case 1:
            if chance(0.3) { e.append(.l4proto(f == .v4 ? 1 : 58)) }
            let names = Array((f == .v4 ? NftNames.icmpTypes : NftNames.icmpv6Types).keys) + [200]
            e.append(.icmpType(family: f, types: (0..<Int.random(in: 1...5, using: &rng)).map { _ in pick(names) }))
        case 2:
            e.append(.l4proto(pick([1, 2, 6, 17, 47, 50, 58, 112, 132, 253])))
        default:
            break
        }
        if chance(0.5) { e.append(.counter(packets: 0, bytes: 0)) }
        if chance(0.15) { e.append(.limit(rate: UInt64.random(in: 1...100, using: &rng), per: pick(LimitUnit.allCases), burst: pick([1, 5, 10]))) }
        if chance(0.15) { e.append(.log(prefix: chance(0.5) ? "fwctl \(Int.random(in: 0...99, using: &rng)): " : nil, level: chance(0.5) ? pick(LogLevel.allCases) : nil)) }
        if chance(0.9) { e.append(.verdict(pick([.accept, .drop, .jump("sub"), .goto("sub"), .return]))) }
        // A rule needs a statement: a bare `comment "..."` line is a chain comment to nft.
        if e.isEmpty { e.append(.verdict(.accept)) }
        let comment: String? = chance(0.5) ? "policy.fw:\(Int.random(in: 1...999, using: &rng)): rule" : nil
        return Rule(e, comment: comment)
    }

    /// A table of `count` random rules, plus the sets and the jump target they use.
    mutating func table(name: String, count: Int) -> Table {
        let sets: [IPFamily: [String]] = [.v4: ["r_v4_a", "r_v4_b"], .v6: ["r_v6_a"]]
        return Table(name: name, sets: [
            NamedSet(name: "r_v4_a", keyType: .ipv4Addr, elements: F.addressElements(.v4, count: 7)),
            NamedSet(name: "r_v4_b", keyType: .ipv4Addr, elements: F.addressElements(.v4, count: 1)),
            NamedSet(name: "r_v6_a", keyType: .ipv6Addr, elements: F.addressElements(.v6, count: 4)),
        ], chains: [
            Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop), rules: (0..<count).map { _ in rule(sets: sets) }),
            Chain(name: "sub", rules: [Rule([.verdict(.return)])]),
        ])
    }
}
