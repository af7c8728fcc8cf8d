import Foundation
import FwctlCompiler
import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlVerifier

/// What `PolicyVerifier` reports for specific edits, policy defaults and broken chains.
@Suite struct PolicyVerificationCaseTests {
    static func compiled(_ host: String, fleet: Fleet = TestFleet.fleet) throws -> Table {
        try Compiler(fleet: fleet).compile(host: host).tables[0]
    }

    static func edit(_ table: Table, chain: String, _ change: (inout [Rule]) -> Void) -> Table {
        var t = table
        let c = t.chains.firstIndex { $0.name == chain }!
        change(&t.chains[c].rules)
        return t
    }

    /// Where the first rule whose comment names the policy line sits: its chain (a base
    /// chain, or a port chain of the dispatch map) and its index there.
    static func rule(_ table: Table, line: Int) throws -> (chain: String, index: Int) {
        let names = { (r: Rule) in r.comment?.hasPrefix("t.policy:\(line):") == true }
        let chain = try #require(table.chains.first { $0.rules.contains(where: names) }, "no rule names line \(line)")
        return (chain.name, chain.rules.firstIndex(where: names)!)
    }

    /// That rule's index as the verifier reports it: in the input chain with the dispatch
    /// map's chains inlined (`Chain.inliningDispatch`).
    static func reportedIndex(_ table: Table, line: Int) throws -> Int {
        let input = try #require(table.chain(named: "input")).inliningDispatch(in: table)
        return try #require(input.rules.firstIndex { $0.comment?.hasPrefix("t.policy:\(line):") == true })
    }

    @Test func handRuleAdmitsMore() throws {
        let table = Self.edit(try Self.compiled("db-01"), chain: "input") { rules in
            rules.insert(Rule([.port(proto: .tcp, field: .dport, match: .range(PortRange(8080))), .verdict(.accept)]), at: 3)
        }
        let v = PolicyVerifier.verify(fleet: TestFleet.fleet, host: "db-01", ruleset: Ruleset(tables: [table]))
        #expect(!v.isClean)
        #expect(v.discrepancies.count == 2)   // one per family
        for d in v.discrepancies {
            #expect(d.kind == .admitsMore && d.direction == .input)
            #expect(d.example.proto == 6 && d.example.port == 8080)
            #expect(d.actualRule?.index == 3 && d.actualRule?.comment == nil && d.actualRule?.text.contains("8080") == true)
            #expect(d.intended == .drop && d.intendedBy.hasPrefix("default"))
        }
        #expect(v.discrepancies.map(\.example.family).sorted() == [.v4, .v6])
    }

    @Test func removedAllowAdmitsLessAndNamesThePolicyLine() throws {
        let base = try Self.compiled("db-01")
        let at = try Self.rule(base, line: 23)
        #expect(at.chain == "in_tcp_5432", "the flow's port chain")
        let table = Self.edit(base, chain: at.chain) { $0.remove(at: at.index) }
        let v = PolicyVerifier.verify(fleet: TestFleet.fleet, host: "db-01", ruleset: Ruleset(tables: [table]))
        #expect(v.discrepancies.count == 1)
        let d = try #require(v.discrepancies.first)
        #expect(d.kind == .admitsLess && d.intended == .accept && d.intendedBy == "t.policy:23: allow line 23")
        #expect(d.actualRule == nil && d.actualPolicy == .drop)
        // web-02's address is denied on line 22: the example is web-01, the only other web host with IPv4.
        #expect(d.example.source == B.ip("192.0.2.21") && d.example.destination == B.ip("192.0.2.31") && d.example.port == 5432)
    }

    /// Compiled rulesets verify clean whatever the defaults (egress filtering, echo, logging).
    @Test(arguments: [(true, true, true), (false, true, true), (true, false, true), (true, true, false), (false, false, false)])
    func defaultsVariantsVerifyClean(egress: Bool, echo: Bool, log: Bool) throws {
        var fleet = TestFleet.fleet
        fleet.defaults.egressFiltering = egress
        fleet.defaults.echoRequest = echo
        fleet.defaults.logDrops = log
        for (host, ruleset) in Compiler(fleet: fleet).compileAll() {
            let v = PolicyVerifier.verify(fleet: fleet, host: host, ruleset: ruleset)
            #expect(v.isClean, "\(host): \(v.discrepancies.map(\.description))")
        }
    }

    /// Echo-request is expected only up to a rate: a plain accept of it is a discrepancy.
    @Test func unlimitedEchoIsARateDifference() throws {
        let table = Self.edit(try Self.compiled("db-01"), chain: "input") { rules in
            let i = rules.firstIndex { $0.expressions.contains(.icmpType(family: .v4, types: [8])) }!
            rules[i].expressions.removeAll { if case .limit = $0 { true } else { false } }
        }
        let v = PolicyVerifier.verify(fleet: TestFleet.fleet, host: "db-01", ruleset: Ruleset(tables: [table]))
        #expect(v.discrepancies.map(\.kind) == [.rateDiffers])
        #expect(v.discrepancies.first?.example.icmpType == 8)
    }

    @Test func brokenConntrackAndUnverifiableRulesAreProblems() throws {
        let table = Self.edit(try Self.compiled("web-01"), chain: "output") { rules in
            rules[0].expressions = rules[0].expressions.map { if case .verdict = $0 { .verdict(.drop) } else { $0 } }
            rules.insert(Rule([.interface(direction: .oif, name: "eth0"), .verdict(.accept)]), at: 3)
        }
        let v = PolicyVerifier.verify(fleet: TestFleet.fleet, host: "web-01", ruleset: Ruleset(tables: [table]))
        #expect(v.discrepancies.isEmpty)
        #expect(v.problems.map(\.kind) == [.conntrack, .unverifiable])
        #expect(v.problems.allSatisfy { $0.direction == .output })
        #expect(v.problems[0].message.contains("established"))
        #expect(v.problems[1].rules.map(\.index) == [3])
    }

    @Test func missingChainAdmitsEverything() throws {
        var table = try Self.compiled("db-02")
        table.chains.removeAll { $0.name == "output" }
        let v = PolicyVerifier.verify(fleet: TestFleet.fleet, host: "db-02", ruleset: Ruleset(tables: [table]))
        #expect(v.problems.map(\.kind) == [.missingChain])
        #expect(!v.discrepancies.isEmpty && v.discrepancies.allSatisfy { $0.kind == .admitsMore && $0.direction == .output })
    }

    @Test func anomaliesAreReportedButClean() throws {
        // A second copy of an allow is redundant (line 23 would be shadowed: the deny on line
        // 22 takes part of its packets); the copy of line 24 is hidden by the original alone.
        let base = try Self.compiled("db-01")
        let at = try Self.rule(base, line: 24)
        let table = Self.edit(base, chain: at.chain) { rules in rules.insert(rules[at.index], at: at.index + 1) }
        let i = try Self.reportedIndex(base, line: 24)
        let v = PolicyVerifier.verify(fleet: TestFleet.fleet, host: "db-01", ruleset: Ruleset(tables: [table]))
        #expect(v.isClean)
        let a = try #require(v.anomalies.first { $0.rule.index == i + 1 })
        #expect(a.kind == .redundant && a.hiddenBy.map(\.index) == [i])
    }

    @Test func jsonReportIsStable() throws {
        let table = Self.edit(try Self.compiled("db-01"), chain: "input") { rules in
            rules.insert(Rule([.port(proto: .udp, field: .dport, match: .range(PortRange(53))), .verdict(.accept)], comment: "hand \"edit\""), at: 3)
        }
        let v = PolicyVerifier.verify(fleet: TestFleet.fleet, host: "db-01", ruleset: Ruleset(tables: [table]))
        let report = VerificationReport(source: "live", hosts: [v])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        #expect(doc["source"] as? String == "live" && doc["clean"] as? Bool == false)
        let host = try #require((doc["hosts"] as? [[String: Any]])?.first)
        let d = try #require((host["discrepancies"] as? [[String: Any]])?.first)
        #expect(d["kind"] as? String == "admits more" && d["chain"] as? String == "input" && d["verdict"] as? String == "accept")
        let packet = try #require(d["packet"] as? [String: Any])
        #expect(packet["protocol"] as? String == "udp" && packet["port"] as? Int == 53)
        #expect((d["rule"] as? [String: Any])?["comment"] as? String == "hand \"edit\"")
        #expect(report.text.contains("db-01: FAILED: 2 discrepancies"))
        #expect(report.text.contains("input admits more"))
    }
}
