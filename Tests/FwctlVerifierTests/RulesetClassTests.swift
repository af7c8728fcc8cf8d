import FwctlCompiler
import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlVerifier

/// `FleetModel` evaluates each distinct ruleset once: hosts share a class exactly when their
/// rulesets are equal, and every host's shared chains still answer for its own ruleset.
@Suite struct RulesetClassTests {
    static func fleets() throws -> [(String, Fleet)] {
        var out = [("generated", GeneratedFleet.make(hosts: 60, roles: 6, flows: 30))]
        for name in BundledPolicyTestsRun.names {
            out.append((name, try PolicyText.fleet(try PolicyFlowsExactnessTests.text(name), file: name)))
        }
        return out
    }

    @Test func classesAreRulesetEquality() throws {
        for (name, fleet) in try Self.fleets() {
            let rulesets = Dictionary(Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) }, uniquingKeysWith: { a, _ in a })
            let model = FleetModel(fleet: fleet, rulesets: rulesets)
            for a in model.hosts.indices {
                for b in model.hosts.indices where a < b {
                    let equal = rulesets[model.hosts[a].name] == rulesets[model.hosts[b].name]
                    #expect((model.rulesetClass[a] == model.rulesetClass[b]) == equal, "\(name): \(model.hosts[a].name), \(model.hosts[b].name)")
                }
            }
            if name == "generated" { #expect(Set(model.rulesetClass).count == 6, "one class per role") }
        }
    }

    /// Each host's (possibly shared) input and output chains give the per-packet interpreter's
    /// verdicts on its own ruleset, for packets from and to every host and a few outsiders.
    @Test func sharedChainsAnswerForEveryHost() throws {
        for (name, fleet) in try Self.fleets() {
            let rulesets = Dictionary(Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) }, uniquingKeysWith: { a, _ in a })
            let model = FleetModel(fleet: fleet, rulesets: rulesets)
            let peers = model.hosts.flatMap { [$0.addresses.v4.intervals.first.map { IPAddress.v4($0.lowerBound) },
                                               $0.addresses.v6.intervals.first.map { IPAddress.v6($0.lowerBound) }].compactMap { $0 } }
                + [.v4(0x0808_0808), .v6(0x2001_0db8_00ff << 80)]
            for host in model.hosts {
                let table = try #require(rulesets[host.name]?.tables.first)
                for (analysis, peerField, hook) in [(host.input, AddressField.saddr, Hook.input), (host.output, .daddr, .output)] {
                    let chain = try #require(table.chains.first { $0.hook?.hook == hook })
                    let shared = try #require(analysis)
                    // The analysis holds the chain with its dispatch map's chains inlined.
                    #expect(shared.chain == chain.inliningDispatch(in: table), "\(name) \(host.name) \(hook)")
                    for peer in peers {
                        let family: IPFamily = peer.family
                        for (proto, port) in [(UInt8(6), UInt16(22)), (6, 443), (17, 123), (6, 30_002), (6, 5432)] {
                            let p = Packet(family: family, source: peerField == .saddr ? peer : family.unspecified,
                                           destination: peerField == .daddr ? peer : family.unspecified, proto: proto, port: port)
                            #expect(shared.verdict(for: p).verdict == NaiveEvaluator.verdict(for: p, chain: chain, in: table, peerField: peerField).verdict,
                                    "\(name) \(host.name) \(hook) \(p)")
                        }
                    }
                }
            }
        }
    }
}
