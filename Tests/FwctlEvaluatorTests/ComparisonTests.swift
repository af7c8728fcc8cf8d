import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlEvaluator

/// Two versions of a chain compared over one partition.
@Suite struct ComparisonTests {
    static func compare(_ old: Chain, _ new: Chain, oldSets: [NamedSet] = [], newSets: [NamedSet] = []) -> [String] {
        ChainEvaluator.compare(old, in: Table(name: "fwctl", sets: oldSets), with: new, in: Table(name: "fwctl", sets: newSets), peerField: .saddr)
            .map(\.description)
    }

    @Test func narrowedPrefixDropsTheRest() {
        let old = B.chain(.drop, [[B.saddr("10.0.0.0/8"), B.tcp(22...22), B.accept]])
        let new = B.chain(.drop, [[B.saddr("10.0.0.0/9"), B.tcp(22...22), B.accept]])
        #expect(Self.compare(old, new) == ["ip saddr 10.128.0.0/9 tcp dport 22: accept (rule 0) -> drop (policy)"])
    }

    @Test func sameBehaviourWrittenDifferentlyIsNoDifference() {
        let old = B.chain(.drop, [[B.saddr("10.0.0.0/8"), B.tcp(22...22), B.accept]])
        let new = B.chain(.drop, [[B.saddr("10.128.0.0/9"), B.tcp(22...22), B.accept], [B.saddr("10.0.0.0/9"), B.tcp(20...22), B.drop],
                                  [B.saddr("10.0.0.0/9"), B.tcp(22...22), B.accept]])
        #expect(Self.compare(old, old).isEmpty)
        #expect(Self.compare(old, new) == ["ip saddr 10.0.0.0/9 tcp dport 22: accept (rule 0) -> drop (rule 1)"])
        let split = B.chain(.drop, [[B.saddr("10.128.0.0/9"), B.tcp(22...22), B.accept], [B.saddr("10.0.0.0/9"), B.tcp(22...22), B.accept]])
        #expect(Self.compare(old, split).isEmpty)
    }

    @Test func aSetThatGainedAMemberIsFound() {
        let chain = B.chain(.drop, [[B.saddrSet("role_web_v4"), B.tcp(443...443), B.accept]])
        let diff = Self.compare(chain, chain, oldSets: [B.set("role_web_v4", "10.0.0.1")], newSets: [B.set("role_web_v4", "10.0.0.1", "10.0.0.2")])
        #expect(diff == ["ip saddr 10.0.0.2 tcp dport 443: drop (policy) -> accept (rule 0)"])
    }

    /// Random chains and random single mutations: a packet's verdicts differ exactly when a
    /// reported class holds it (checked with the naive interpreter on both versions).
    @Test func mutationsAreFoundExactly() {
        var changed = 0, round = 0
        RandomChains.rounds(seed: 4, 300) { gen, table in
            defer { round += 1 }
            let old = table.chains[0]
            var new = old
            let i = gen.int(old.rules.count)
            switch round % 4 {
            case 0: new.rules.remove(at: i)
            case 1: new.rules.swapAt(i, gen.int(old.rules.count))
            case 2:
                new.rules[i].expressions = new.rules[i].expressions.map {
                    if case .verdict(.accept) = $0 { return .verdict(.drop) }
                    if case .verdict(.drop) = $0 { return .verdict(.accept) }
                    return $0
                }
            default: new.rules.insert(gen.rule(peer: .saddr), at: i)
            }
            let diffs = ChainEvaluator.compare(old, in: table, with: new, in: table, peerField: .saddr)
            if !diffs.isEmpty { changed += 1 }
            for d in diffs {
                let p = d.packets.example(local: d.packets.family.unspecified)
                #expect(NaiveEvaluator.verdict(for: p, chain: old, in: table, peerField: .saddr).verdict == d.old.verdict)
                #expect(NaiveEvaluator.verdict(for: p, chain: new, in: table, peerField: .saddr).verdict == d.new.verdict)
            }
            for _ in 0..<200 {
                let p = gen.packet(peer: .saddr)
                let a = NaiveEvaluator.verdict(for: p, chain: old, in: table, peerField: .saddr).verdict
                let b = NaiveEvaluator.verdict(for: p, chain: new, in: table, peerField: .saddr).verdict
                let holder = diffs.first { $0.packets.contains(p) }
                #expect((a != b) == (holder != nil), "\(p): \(a) -> \(b), reported \(String(describing: holder))")
                if let holder { #expect(holder.old.verdict == a && holder.new.verdict == b) }
            }
        }
        #expect(changed > 50)   // many random mutations change nothing (dead or same-verdict rules)
    }
}
