import Foundation
import Testing
import FwctlTestSupport

/// `apply --confirm` promises the previous table back unless confirmed. The rollback is made
/// by the planner, which can only write what fwctl models: a table holding anything else
/// (a hand-made rule with an expression fwctl does not generate, a named counter, a set
/// with extras) cannot be put back. Such an apply is refused before anything is touched,
/// instead of removing the hand-made part and failing to restore it at the deadline.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in network namespaces"), .serialized)
struct RollbackDriftKernelTests {
    typealias Host = ApplyKernelTests.Host
    static let policy = ApplyKernelTests.path("scale-up.policy")
    static let host = "web-01"

    @Test(arguments: [
        "insert rule inet fwctl input tcp flags syn meta mark set 7 accept",
        "add counter inet fwctl c1",
        "delete element inet fwctl role_lb_v4 { 192.0.2.10 }\nadd element inet fwctl role_lb_v4 { 192.0.2.10 comment \"x\" }",
    ])
    func applyWithConfirmOverWhatARollbackCannotRestoreIsRefused(_ edit: String) throws {
        let h = try Host()
        try #require(try h.apply(Self.policy, Self.host, ["--no-confirm"]).status == 0)
        try h.ns.nft(["-f", "-"], stdin: edit + "\n")
        let before = try h.ns.nft(["list", "ruleset"])
        let a = try h.apply(Self.policy, Self.host, ["--confirm", "2"])
        #expect(a.status == 1 && a.stderr.contains("a rollback could not put back"), "\(a.stdout)\(a.stderr)")
        #expect(!FileManager.default.fileExists(atPath: h.state + "/pending-confirm.json"))
        #expect(try h.ns.nft(["list", "ruleset"]) == before)
        // Without the promise of a rollback the drift is removed as usual.
        let b = try h.apply(Self.policy, Self.host, ["--no-confirm"])
        #expect(b.status == 0, "\(b.stdout)\(b.stderr)")
        #expect(try h.plan(Self.policy, Self.host, ["--detailed-exitcode", "--refresh"]).status == 0)
    }

    /// The rollback of an apply that created the table deletes fwctl's table, and only that:
    /// a table re-created under the same name by someone else before the deadline is theirs.
    @Test func rollbackNeverDeletesATableFwctlDidNotCreate() throws {
        let h = try Host()
        let a = try h.apply(Self.policy, Self.host, ["--confirm", "1"])
        try #require(a.status == 0, "\(a.stdout)\(a.stderr)")
        try h.ns.nft(["-f", "-"], stdin: "delete table inet fwctl\nadd table inet fwctl { comment \"mine\"; }\nadd chain inet fwctl c\n")
        var rolledBack = false
        for _ in 0..<50 where !rolledBack {
            usleep(200_000)
            rolledBack = (try? String(contentsOfFile: h.state + "/apply-log.jsonl", encoding: .utf8))?.contains("\"action\":\"rollback\"") == true
        }
        #expect(rolledBack, "the watchdog logged no rollback")
        #expect(try h.ns.nft(["list", "table", "inet", "fwctl"]).contains("chain c"), "the watchdog deleted a table fwctl did not create")
    }

    /// What fwctl models (its own rules, a policy flip, a dormant flag) is restored as before.
    @Test func modelledDriftStillRollsBack() throws {
        let h = try Host()
        try #require(try h.apply(Self.policy, Self.host, ["--no-confirm"]).status == 0)
        try h.ns.nft(["add", "chain", "inet", "fwctl", "input", "{ policy accept; }"])
        let before = try h.listed()
        let a = try h.apply(Self.policy, Self.host, ["--confirm", "1"])
        #expect(a.status == 0, "\(a.stdout)\(a.stderr)")
        var restored = false
        for _ in 0..<50 where !restored {
            usleep(200_000)
            restored = try h.listed() == before
        }
        #expect(restored, "the previous table did not come back")
    }
}
