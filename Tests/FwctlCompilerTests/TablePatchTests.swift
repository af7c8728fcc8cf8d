import Foundation
import Testing
import FwctlNet
import FwctlPolicy
import FwctlRuleset
@testable import FwctlCompiler

/// `TablePatch` against its oracle: whenever it derives a table from an edit, compiling the
/// edited policy from scratch must give exactly that table; and it must derive the usual
/// "a host joins a role" edits (or it would be a fast path nobody takes).
@Suite struct TablePatchTests {
    static let today = CalendarDate(year: 2026, month: 11, day: 28)
    static let path = "policies/p.policy"

    static func compile(_ text: String, host: String) -> (table: Table, dependencies: TableDependencies)? {
        let result = PolicyFrontEnd.check(files: [SourceFile(path: path, text: text)], today: today, warnings: false)
        guard let fleet = result.fleet else { return nil }
        return try? Compiler(fleet: fleet).compileWithDependencies(host: host)
    }

    static func hosts(_ text: String) -> [String] {
        PolicyFrontEnd.check(files: [SourceFile(path: path, text: text)], today: today, warnings: false).fleet?.hosts.map(\.name) ?? []
    }

    /// `lines` inserted before line `at` (1-based; one past the last line appends).
    static func inserting(_ lines: String, at: Int, into text: String) -> String {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        parts.insert(contentsOf: lines.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), at: at - 1)
        return parts.joined(separator: "\n")
    }

    static func derive(_ old: String, _ new: String, _ base: (table: Table, dependencies: TableDependencies)) -> Table? {
        TablePatch.derive(from: [(path, Array(old.utf8))], to: [(path, Array(new.utf8))], table: base.table, dependencies: base.dependencies)
    }

    /// Every insertion at every line of `text`, for each of `hosts`: a derived table equals the
    /// compiled one; returns how many were derived.
    static func checkAgainstOracle(_ text: String, insertions: [String], hosts: [String]) -> Int {
        var derived = 0
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
        for host in hosts {
            guard let base = compile(text, host: host) else {
                Issue.record("the base policy does not compile for \(host)")
                continue
            }
            for insertion in insertions {
                for at in 1...lineCount {
                    let new = inserting(insertion, at: at, into: text)
                    guard let table = derive(text, new, base) else { continue }
                    derived += 1
                    let truth = compile(new, host: host)
                    #expect(truth?.table == table, "host \(host), \(insertion.debugDescription) at line \(at)")
                }
            }
        }
        return derived
    }

    static let insertions = [
        "  host newh = 10.9.9.9",
        "  host newh = 192.0.2.10",                 // an address another host has
        "  host newh = 192.0.2.12",                 // next to one: kept as its own element
        "  host newh = 192.0.2.0/28",               // covers several hosts: merged
        "  host newh = 2001:db8::99",
        "  host newh = 10.9.9.9, 2001:db8::77 # with a comment",
        "  host n1 = 10.9.9.1\n\n  # two hosts\n  host n2 = 10.9.9.2",
        "  host lb-01 = 10.1.1.1",                  // a name already defined
        "  host web = 10.1.1.1",                    // a role's name
        "  host internet = 10.1.1.1",               // a network's name
        "  host https = 10.1.1.1",                  // a service's name (legal, but textually used)
        "  host newh = 10.9.9.9,",                  // a trailing comma
        "  host newh = 300.1.1.1",                  // not an address
        "  host role = 10.1.1.1",                   // a keyword
        "  host newh = 10.9.9.9 }",                 // closes the block
        "  10.9.9.9,",                              // an address continuing an item
        "  host newh = 10.9.9.9\n  host newh = 10.9.9.8",  // listed twice
        "  host newh = 10.9.9.9,\n    2001:db8::99",   // an item over two lines
        "  host n1 = 10.9.9.1  host n2 = 10.9.9.2",   // two items on a line
    ]

    @Test(arguments: ["scale-up.policy", "stacked.policy", "ipv6-only.policy"])
    func bundledPoliciesAgreeWithTheCompiler(_ name: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("policies/\(name)"), encoding: .utf8)
        let hosts = Self.hosts(text)
        try #require(!hosts.isEmpty)
        // Three hosts of different roles keep the run short; every line and insertion is tried.
        let picked = [hosts.first!, hosts[hosts.count / 2], hosts.last!]
        let derived = Self.checkAgainstOracle(text, insertions: Self.insertions, hosts: Array(Set(picked)).sorted())
        if name == "scale-up.policy" { #expect(derived > 0, "role lb is written one host per line") }
    }

    /// A fleet like the benchmark's (flows first, big roles), and the same with the flows
    /// last, so inserted lines move every rule's comment.
    static func fleet(flowsFirst: Bool, withV6: Bool = false) -> String {
        var flows = "allow r0 -> target : tcp/10000\nallow r1 -> target : tcp/10001 { owner \"o\" because \"b\" }\n"
        flows += "allow * -> target : tcp/22\nallow target -> r2 : tcp/443\ndeny r3 -> target : tcp/23\n"
        var roles = "role target { host t = 192.0.2.1 }\n"
        for r in 0..<4 {
            roles += "role r\(r) {\n"
            for i in 0..<6 { roles += "  host r\(r)h\(i) = 10.\(64 + r).0.\(i * 2)\n" }
            if withV6 && r == 1 { roles += "  host r1v6 = 2001:db8::1\n" }
            roles += "}\n"
        }
        return flowsFirst ? "# generated\n" + flows + roles : "# generated\n" + roles + flows
    }

    @Test(arguments: [(true, false), (false, false), (false, true)])
    func generatedFleetsAgreeWithTheCompiler(_ flowsFirst: Bool, _ withV6: Bool) {
        let text = Self.fleet(flowsFirst: flowsFirst, withV6: withV6)
        let derived = Self.checkAgainstOracle(text, insertions: Self.insertions, hosts: ["t", "r0h0", "r2h3", "r3h5"])
        #expect(derived > 100)
    }

    @Test func aHostAddedToARoleChangesOnlyItsSets() throws {
        let text = Self.fleet(flowsFirst: false)
        let base = try #require(Self.compile(text, host: "t"))
        // After r0's last host (line 9): every flow line below moves down one.
        let new = Self.inserting("  host r0new = 10.200.0.1", at: 9, into: text)
        let table = try #require(Self.derive(text, new, base))
        #expect(table == Self.compile(new, host: "t")?.table)
        let changedSets = zip(base.table.sets, table.sets).filter { $0 != $1 }.map(\.0.name)
        #expect(changedSets == ["fleet_v4", "role_r0_v4"])
        let flowLine = new.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("allow r0") }! + 1
        // The flow's rule (in its port's chain) names its new line.
        #expect(table.chains.flatMap(\.rules).contains { $0.comment?.hasPrefix("p.policy:\(flowLine): allow r0 -> target") == true })
        #expect(base.table.chains.flatMap(\.rules).contains { $0.comment?.hasPrefix("p.policy:\(flowLine - 1): allow r0 -> target") == true })
        #expect(table.sets.first { $0.isVerdictMap } == base.table.sets.first { $0.isVerdictMap } && table.sets.contains { $0.isVerdictMap },
                "the dispatch map is not rewritten for a host")
    }

    @Test func editsThatAreNotHostInsertionsAreNotDerived() throws {
        let text = Self.fleet(flowsFirst: true)
        let base = try #require(Self.compile(text, host: "t"))
        let cases: [(String, String)] = [
            ("a removed host", text.replacingOccurrences(of: "  host r0h1 = 10.64.0.2\n", with: "")),
            ("a changed address", text.replacingOccurrences(of: "10.64.0.2\n", with: "10.64.0.3\n")),
            ("a new flow", text + "allow r0 -> target : tcp/1\n"),
            ("a host in a one-line role", text.replacingOccurrences(of: "host t = 192.0.2.1", with: "host t = 192.0.2.1\n host t2 = 192.0.2.2")),
            ("a name used in a comment", Self.inserting("  host generated = 10.1.1.1", at: 9, into: text)),
            ("the same text", text),
        ]
        for (what, new) in cases {
            #expect(Self.derive(text, new, base) == nil, "\(what)")
        }
        // The first IPv6 host of a role whose sets an IPv6 host's table uses: new rules.
        let dual = text.replacingOccurrences(of: "host t = 192.0.2.1", with: "host t = 192.0.2.1, 2001:db8::100")
        let dualBase = try #require(Self.compile(dual, host: "t"))
        #expect(Self.derive(dual, Self.inserting("  host v6 = 2001:db8::5", at: 9, into: dual), dualBase) == nil)
        // ... while an IPv4 host there is derived.
        #expect(Self.derive(dual, Self.inserting("  host v4 = 10.1.2.3", at: 9, into: dual), dualBase) != nil)
        // Two files: an insertion in one whose host name the other file uses is refused.
        let other = Array("allow r0 -> newh : tcp/1\n".utf8)
        let new = Self.inserting("  host newh = 10.1.1.1", at: 9, into: text)
        #expect(TablePatch.derive(from: [(Self.path, Array(text.utf8)), ("policies/q.policy", other)],
                                  to: [(Self.path, Array(new.utf8)), ("policies/q.policy", other)],
                                  table: base.table, dependencies: base.dependencies) == nil)
    }

    @Test func aCommentCutAtTheLimitIsNotRewritten() {
        #expect(RuleComment.moved("p.policy:3: allow a -> b : x", file: "p.policy", from: 2, by: 1) == .moved("p.policy:4: allow a -> b : x"))
        #expect(RuleComment.moved("p.policy:3: allow a -> b : x", file: "p.policy", from: 4, by: 1) == .unchanged)
        #expect(RuleComment.moved("q.policy:3: allow a -> b : x", file: "p.policy", from: 1, by: 1) == .unchanged)
        #expect(RuleComment.moved("fwctl: loopback", file: "p.policy", from: 1, by: 1) == .unchanged)
        let cut = RuleComment.clip("p.policy:3: allow " + String(repeating: "a, ", count: 60) + "b -> c : x")
        #expect(cut.hasSuffix("..."))
        #expect(RuleComment.moved(cut, file: "p.policy", from: 1, by: 1) == .unknown)
    }
}
