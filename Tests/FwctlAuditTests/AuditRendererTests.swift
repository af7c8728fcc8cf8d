import Foundation
import Testing
@testable import FwctlAudit
import FwctlTestSupport
import FwctlVerifier

@Suite struct AuditRendererTests {
    static func report(_ policy: String = "scale-up.policy") throws -> AuditReport {
        try Fixtures.bundled(policy).builder.build(now: Fixtures.now)
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("crlf\r\nline", "\"crlf\r\nline\""),
        ("=cmd()", "'=cmd()"),
        ("-1", "'-1"),
        ("", ""),
    ])
    func csvFields(input: String, expected: String) {
        #expect(AuditCSV.field(input) == expected)
    }

    @Test func csvHasAHeaderAndOneRowPerHostFlow() throws {
        let r = try Self.report()
        let records = try CSVRecords.parse(AuditCSV.render(r))
        #expect(records.first == AuditCSV.columns)
        #expect(records.count == 1 + r.flowCount)
        #expect(records.allSatisfy { $0.count == AuditCSV.columns.count })
        let col = Dictionary(uniqueKeysWithValues: AuditCSV.columns.enumerated().map { ($1, $0) })
        let overdue = records.dropFirst().filter { $0[col["flags"]!].contains("overdue") }
        #expect(!overdue.isEmpty && overdue.allSatisfy { $0[col["owner"]!] == "ops" && $0[col["review_by"]!] == "2027-03-31" })
    }

    @Test func jsonIsValidJSONWithTheSchemaVersionAndNullsForAbsentValues() throws {
        let text = AuditJSON.render(try Self.report("stacked.policy"))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(doc["schema"] as? String == "fwctl-audit/1")
        let flows = try #require(((doc["hosts"] as? [[String: Any]])?.first?["flows"]) as? [[String: Any]])
        #expect(flows.contains { $0["owner"] is NSNull && ($0["flags"] as? [String])?.contains("no-owner") == true })
        #expect((doc["policy"] as? [String: Any])?["git"] is NSNull)
    }

    @Test func markdownListsFlaggedStatementsOnceWithTheirHosts() throws {
        let md = AuditMarkdown.render(try Self.report())
        #expect(md.contains("| `allow ops-vpn -> * : ssh` | policies/scale-up.policy:48 | lb-01, lb-02, web-01, web-02, app-01, db-primary, db-replica, mon-01 | ops | 2027-03-31 | **overdue** |"))
        #expect(md.contains("| from \\ to | lb | web |"))
        #expect(md.components(separatedBy: "\n### ").count == 9)
    }

    /// Well-formed XML, the matrix table and the diagram, nothing fetched from anywhere.
    @Test(arguments: Fixtures.bundledNames)
    func htmlIsWellFormedAndSelfContained(policy: String) throws {
        let html = AuditHTML.render(try Self.report(policy))
        let found = try XMLElements.parse(html)
        #expect(found.contains("svg") && found.contains("table.matrix") && found.contains("path.flow"))
        for forbidden in ["<script", "http://", "https://", "src=", "@import", "url(http"] {
            let allowed = ["http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"]
            var rest = html
            for a in allowed { rest = rest.replacingOccurrences(of: a, with: "") }
            #expect(!rest.contains(forbidden), "\(policy): \(forbidden)")
        }
    }

    @Test(arguments: [("<a & 'b'>", "&lt;a &amp; &#39;b&#39;&gt;"), ("x\u{1}y\tz", "xy\tz"), ("\"q\"", "&quot;q&quot;")])
    func htmlEscaping(input: String, expected: String) {
        #expect(XMLText.escape(input) == expected)
    }

    /// Tiers by longest path: the scale-up chain reads lb, web, app, db; self flows and
    /// fleet-wide flows are notes, outside senders left and receivers right.
    @Test func tiersOfScaleUp() throws {
        let tiers = AuditTiers(try Self.report())
        func place(_ name: String, _ kind: String = "role") -> AuditTiers.Node.Place? {
            tiers.nodes.first { $0.name == name && $0.kind == kind }?.place
        }
        #expect(tiers.fleetColumns == 4)
        #expect([place("lb"), place("web"), place("app"), place("db"), place("monitor")] ==
                [.fleet(column: 0), .fleet(column: 1), .fleet(column: 2), .fleet(column: 3), .fleet(column: 0)])
        #expect(tiers.nodes.filter { $0.name == "internet" }.map(\.place) == [.left, .right])
        #expect(tiers.nodes.first { $0.name == "lb" }?.notes == ["↻ vrrp"])
        #expect(tiers.nodes.first { $0.name == "monitor" }?.notes == ["→ all hosts: node-exporter"])
        // internet -> lb, ops-vpn -> fleet, lb -> web -> app -> db, fleet -> resolvers, fleet -> internet.
        #expect(tiers.arrows.count == 7 && tiers.captions.isEmpty)
        #expect(tiers.arrows.filter { $0.from == nil || $0.to == nil }.count == 3)
    }

    /// A policy with no flow: every format still renders, the matrix says it is empty.
    @Test func aPolicyWithoutFlows() throws {
        let r = try Fixtures.load("role solo { host x1 = 192.0.2.1 }\n").builder.build(now: Fixtures.now)
        #expect(r.matrix.isEmpty && r.diagram.isEmpty && r.flowCount == 0)
        let html = AuditHTML.render(r)
        #expect(try XMLElements.parse(html).contains("svg"))
        #expect(html.contains("admit no flow") && AuditMarkdown.render(r).contains("admit no flow"))
        #expect(try CSVRecords.parse(AuditCSV.render(r)) == [AuditCSV.columns])
    }

    @Test func aCycleIsCutNotLooped() throws {
        let r = try Fixtures.load("""
            service s = tcp/1
            role a { host a1 = 192.0.2.1 }
            role b { host b1 = 192.0.2.2 }
            role c { host c1 = 192.0.2.3 }
            allow a -> b : s
            allow b -> c : s
            allow c -> a : s
            """).builder.build(now: Fixtures.now)
        let tiers = AuditTiers(r)
        #expect(tiers.fleetColumns == 3 && tiers.arrows.count == 3)
        #expect(AuditSVG.render(r).contains("<path class=\"flow\""))
    }

    @Test(arguments: [("a b c", 10, ["a b c"]), ("→ all hosts: node-exporter", 22, ["→ all hosts:", "  node-exporter"])])
    func wrapping(text: String, width: Int, expected: [String]) {
        #expect(AuditSVG.wrap(text, width) == expected)
    }
}
