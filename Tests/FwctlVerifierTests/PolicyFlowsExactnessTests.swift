import Foundation
import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import Testing
@testable import FwctlVerifier

/// `PolicyFlows` (hosts in groups) and `PolicyDiff` against the pair-by-pair oracle
/// (`BruteFlows`) on the bundled policies and on seeded random edits of them.
@Suite struct PolicyFlowsExactnessTests {
    static func text(_ name: String) throws -> String {
        try String(contentsOf: BundledPolicyTestsRun.policies.appendingPathComponent(name), encoding: .utf8)
    }

    /// A parsed and compiled policy, its fast flows and the oracle's sets.
    struct Version {
        var flows: PolicyFlows
        var admitted: [PolicyFlows.Key: IntervalSet<UInt16>]
        var domains: [PolicyFlows.Key: IntervalSet<UInt16>]

        init(_ text: String, file: String) throws {
            let fleet = try PolicyText.fleet(text, file: file)
            let model = PolicyText.model(fleet)
            flows = PolicyFlows(fleet: fleet, model: model)
            (admitted, domains) = BruteFlows.flows(fleet: fleet, model: model)
        }

        /// Every difference between the fast flows and the oracle.
        func mismatches() -> [String] {
            var out: [String] = []
            for key in Set(admitted.keys).union(flows.admitted.keys).sorted() where admitted[key] != flows.admitted[key] {
                out.append("\(key): oracle \(String(describing: admitted[key])), fast \(String(describing: flows.admitted[key]))")
            }
            for key in domains.keys.sorted() {
                let fast = flows.domain(key, families: flows.families(source: key.source, destination: key.destination))
                if fast != domains[key] { out.append("domain \(key): oracle \(String(describing: domains[key])), fast \(String(describing: fast))") }
            }
            return out
        }
    }

    /// Seeded edits: flows added (allow or deny, between roles, networks and `*`, on named
    /// or inline services) and single-line flows removed.
    static func edit(_ text: String, seed: UInt64) throws -> String {
        let fleet = try PolicyText.fleet(text)
        var rng = SeededGenerator(seed: seed)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        let ends = fleet.roles.map(\.name) + fleet.networks.map(\.name) + ["*"]
        let services = fleet.services.map(\.name) + ["tcp/22", "tcp/8000-8010", "udp/53", "proto gre", "icmp echo-request", "icmpv6", "sctp/9", "any"]
        var lines = text.components(separatedBy: "\n")
        for _ in 0..<(1 + Int(rng.next() % 3)) {
            if rng.next() % 3 == 0 {
                let flows = lines.indices.filter { (lines[$0].hasPrefix("allow ") || lines[$0].hasPrefix("deny ")) && !lines[$0].contains("{") }
                if !flows.isEmpty { lines.remove(at: pick(flows)) }
            } else {
                let action = rng.next() % 4 == 0 ? "deny" : "allow"
                lines.append("\(action) \(pick(ends)) -> \(pick(ends)) : \(pick(services)), \(pick(services))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(arguments: BundledPolicyTestsRun.names) func bundledFlowsMatchTheOracle(_ name: String) throws {
        let v = try Version(try Self.text(name), file: name)
        #expect(!v.flows.admitted.isEmpty)
        #expect(v.mismatches() == [])
    }

    /// Roles of many hosts (groups of several), a host in two roles, an IPv4-only host, and a
    /// change of one role's flows: the generated fleet scaled down, against the oracle.
    @Test func generatedFleetMatchesTheOracle() throws {
        var old = GeneratedFleet.make(hosts: 40, roles: 4, flows: 12)
        old.roles[1].hosts.append("h0")
        old.hosts[0].roles.append("r1")
        old.hosts[5].addresses = AddressSet(v4: old.hosts[5].addresses.v4, v6: IntervalSet())
        var new = old
        for i in new.flows.indices where new.flows[i].sources == [.role("r0")] {
            new.flows[i].destinations.insert(.role("r3"), at: 0)
            new.flows[i].text += " (and r3)"
        }
        var versions: [(PolicyFlows, [PolicyFlows.Key: IntervalSet<UInt16>])] = []
        for fleet in [old, new] {
            let model = PolicyText.model(fleet)
            let flows = PolicyFlows(fleet: fleet, model: model)
            let (admitted, domains) = BruteFlows.flows(fleet: fleet, model: model)
            #expect(flows.admitted == admitted)
            for (key, domain) in domains {
                #expect(flows.domain(key, families: flows.families(source: key.source, destination: key.destination)) == domain, "\(key)")
            }
            versions.append((flows, admitted))
        }
        let diff = PolicyDiff(old: versions[0].0, new: versions[1].0)
        let expected = BruteFlows.rows(added: true, in: versions[1].0, versions[1].1, notIn: versions[0].1)
            + BruteFlows.rows(added: false, in: versions[0].0, versions[0].1, notIn: versions[1].1)
        #expect(!diff.rows.isEmpty)
        #expect(diff.rows.map(\.text).sorted() == expected.map(\.text).sorted())
    }

    @Test(arguments: BundledPolicyTestsRun.names) func editedPoliciesDiffLikeTheOracle(_ name: String) throws {
        let original = try Self.text(name)
        let old = try Version(original, file: "old.policy")
        var compared = 0
        for seed in UInt64(1)...8 {
            let edited = try Self.edit(original, seed: seed ^ UInt64(name.utf8.count) << 8)
            // Some random edits are not valid policies (a flow between two networks): skip those.
            guard let new = try? Version(edited, file: "new.policy") else { continue }
            compared += 1
            #expect(new.mismatches() == [], "seed \(seed)")
            let diff = PolicyDiff(old: old.flows, new: new.flows)
            for (added, a, b) in [(true, new, old), (false, old, new)] {
                let rows = diff.rows.filter { $0.added == added }
                // An `any` row stands for every protocol whole: check that against the oracle's sets.
                let whole = Set(rows.filter { $0.service == "any" }.map { [$0.source, $0.destination] })
                for pair in whole {
                    let keys = (0...255).map { PolicyFlows.Key(source: pair[0], destination: pair[1], proto: UInt8($0)) }
                    #expect(keys.allSatisfy { a.admitted[$0] != nil && a.admitted[$0] == a.domains[$0] }, "seed \(seed) \(pair)")
                }
                let expected = BruteFlows.rows(added: added, in: a.flows, a.admitted.filter { !whole.contains([$0.key.source, $0.key.destination]) },
                                               notIn: b.admitted)
                #expect(rows.filter { $0.service != "any" }.map(\.text).sorted() == expected.map(\.text).sorted(), "seed \(seed)\n\(edited)")
            }
        }
        #expect(compared >= 4)
    }
}
