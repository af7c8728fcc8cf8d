import Foundation
import Testing
import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
@testable import FwctlPlanner

/// The planner on what the compiler really produces: every host of every bundled policy, and
/// the policy edits made to scale-up.policy (each keeping the other lines where they
/// are, as the rule comments carry line numbers).
@Suite struct BundledPolicyPlanTests {
    static let policies = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("policies")

    /// Every host's table of a policy given as text, compiled under the file name `name`.
    static func compile(_ text: String, name: String) throws -> [String: Table] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-planner-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let fleet = try #require(try PolicyFrontEnd.load(path: path, today: CalendarDate(year: 2026, month: 1, day: 1)).fleet,
                                 "\(name) does not check")
        return Dictionary(uniqueKeysWithValues: Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset.tables[0]) })
    }

    @Test(arguments: ["scale-up.policy", "stacked.policy", "ipv6-only.policy"])
    func everyHostCreatesAndThenMatches(policy: String) throws {
        let text = try String(contentsOf: Self.policies.appendingPathComponent(policy), encoding: .utf8)
        let tables = try Self.compile(text, name: policy)
        #expect(!tables.isEmpty)
        for (host, table) in tables {
            let backend = InMemoryBackend()
            let plan = try backend.plan(toward: table)
            #expect(plan.changes.first == .createTable(table.ref), "\(host)")
            _ = try backend.apply(plan)
            let loaded = try #require(try backend.read(table: table.ref).table)
            #expect(loaded.sameContent(as: table), "\(host)")
            #expect(try backend.plan(toward: table).isEmpty, "\(host)")
        }
    }

    /// An edit of scale-up.policy, the only kinds of change it may cause on any host, and
    /// the only sets, maps and chains it may add, delete or change the elements of: what the
    /// edited flow owns (a port's chain and its map element; never the rest of the map).
    struct Edit: CustomTestStringConvertible, Sendable {
        let name: String
        let from: String
        let to: String
        let allowed: Set<String>
        var objects: Set<String> = []
        var testDescription: String { name }
    }

    static let edits: [Edit] = [
        Edit(name: "host added to a role", from: "host web-02 = 192.0.2.22, 2001:db8:0:2::22 }",
             to: "host web-02 = 192.0.2.22, 2001:db8:0:2::22  host web-03 = 192.0.2.23, 2001:db8:0:2::23 }",
             allowed: ["addElements"], objects: ["role_web_v4", "role_web_v6", "fleet_v4", "fleet_v6"]),
        Edit(name: "port changed", from: "service app-tls       = tcp/8443", to: "service app-tls       = tcp/9443",
             allowed: ["deleteRule", "addRule", "deleteChain", "addChain", "removeElements", "addElements"],
             objects: ["in_tcp_8443", "out_tcp_8443", "in_tcp_9443", "out_tcp_9443", "in_ports", "out_ports"]),
        Edit(name: "flow removed", from: """
        allow monitor  -> *       : node-exporter {
          owner "ops"  because "Prometheus scrapes every server"  review 2027-03-31
        }
        """, to: "\n\n", allowed: ["deleteRule", "deleteSet", "deleteChain", "removeElements"],
             objects: ["in_tcp_9100", "out_tcp_9100", "in_ports", "out_ports", "role_monitor_v4", "role_monitor_v6", "fleet_v4", "fleet_v6"]),
        Edit(name: "deny added", from: "role monitor { host mon-01 = 192.0.2.51, 2001:db8:0:5::51 }\n\n",
             to: "role monitor { host mon-01 = 192.0.2.51, 2001:db8:0:5::51 }\ndeny ops-vpn -> db : mysql\n",
             allowed: ["addRule", "addSet"], objects: ["net_ops-vpn_v4", "net_ops-vpn_v6"]),
        Edit(name: "every line moved down by one", from: "# The scaled-up", to: "# (a new first line)\n# The scaled-up",
             allowed: ["replaceRule"]),
    ]

    @Test(arguments: edits)
    func policyEditTouchesOnlyWhatItMust(_ edit: Edit) throws {
        let text = try String(contentsOf: Self.policies.appendingPathComponent("scale-up.policy"), encoding: .utf8)
        #expect(text.contains(edit.from))
        let before = try Self.compile(text, name: "scale-up.policy")
        let after = try Self.compile(text.replacingOccurrences(of: edit.from, with: edit.to), name: "scale-up.policy")
        var changedHosts = 0
        for (host, old) in before.sorted(by: { $0.key < $1.key }) {
            let new = try #require(after[host])
            let backend = InMemoryBackend()
            backend.load(old)
            backend.modify(old.ref, commit: false, Fixture.countTraffic)
            let current = try #require(try backend.read(table: old.ref).table)
            let plan = try backend.plan(toward: new)
            let kinds = Set(plan.changes.map { String(String(describing: $0).prefix { $0 != "(" }) })
            #expect(kinds.isSubset(of: edit.allowed), "\(host): \(kinds.sorted())")
            for change in plan.changes {
                if let name = Self.object(of: change) { #expect(edit.objects.contains(name), "\(host): \(change.phrase)") }
            }
            if !plan.isEmpty { changedHosts += 1 }

            _ = try backend.apply(plan)
            let applied = try #require(try backend.read(table: old.ref).table)
            #expect(applied.sameContent(as: new), "\(host)")
            // Whatever the plan did not delete kept its handle and its counter values.
            let deleted = Set(plan.changes.compactMap { if case .deleteRule(_, let h, _) = $0 { h } else { nil } })
            let survivors = Dictionary(uniqueKeysWithValues: applied.chains.flatMap(\.rules).map { ($0.handle!, $0.expressions) })
            for rule in current.chains.flatMap(\.rules) where !deleted.contains(rule.handle!) {
                #expect(survivors[rule.handle!] == rule.expressions, "\(host): rule \(rule.handle!)")
            }
        }
        #expect(changedHosts > 0)
    }

    /// The set, map or chain a change adds, deletes or changes the elements of.
    static func object(of change: Change) -> String? {
        switch change {
        case .addSet(let s): s.name
        case .deleteSet(let name, _), .deleteChain(let name): name
        case .addElements(let name, _, _), .removeElements(let name, _, _): name
        case .addChain(let c): c.name
        default: nil
        }
    }
}
