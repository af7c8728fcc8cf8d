import Foundation
import Testing
import FwctlTestSupport

/// `defaults { table = NAME }` naming a table fwctl did not create: plan, apply, status and
/// verify --live refuse it with a clear error and change nothing.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: loads tables in network namespaces"), .serialized)
struct ForeignTableKernelTests {
    /// Debian's stock /etc/nftables.conf, plus what an administrator added to it.
    static let debianFilter = """
        table inet filter {
        \tchain input {
        \t\ttype filter hook input priority filter;
        \t\ttcp dport 2222 accept comment "admin-added"
        \t}
        \tchain forward {
        \t\ttype filter hook forward priority filter;
        \t}
        \tchain output {
        \t\ttype filter hook output priority filter;
        \t}
        \tchain mychain {
        \t}
        }

        """

    @Test func debiansStockFilterTableIsNotTakenOver() throws {
        let h = try ApplyKernelTests.Host()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-foreign-\(h.ns.name)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = dir.appendingPathComponent("filter.policy").path
        let text = try String(contentsOfFile: ApplyKernelTests.path("scale-up.policy"), encoding: .utf8)
        try ("defaults { table = filter }\n" + text).write(toFile: policy, atomically: true, encoding: .utf8)

        try h.ns.nft(["-f", "-"], stdin: Self.debianFilter)
        let before = try h.ns.nft(["list", "ruleset"])
        let common = ["--policy", policy, "--host", "web-01", "--state-dir", h.state]
        for args in [["plan"], ["apply", "--yes", "--no-confirm"], ["status"], ["plan", "--refresh"]] {
            let r = try h.fwctl(args + common)
            #expect(r.status != 0 && r.status != 2, "\(args): exit \(r.status)\n\(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains("table inet filter exists but fwctl did not create it"), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("nothing was changed"), "\(args): \(r.stderr)")
            #expect(!r.stdout.contains("- chain"), "\(args): \(r.stdout)")
        }
        let v = try h.fwctl(["verify", "--live", "--policy", policy, "--host", "web-01"])
        #expect(v.status == 2 && v.stderr.contains("fwctl did not create it"), "\(v.stdout)\(v.stderr)")
        #expect(try h.ns.nft(["list", "ruleset"]) == before, "the foreign table was changed")
    }

    /// A table that fwctl created keeps its mark: the kernel ignores a new comment on an
    /// existing table, so `nft add table inet fwctl { comment "x"; }` changes nothing, and a
    /// table re-created under fwctl's name without the mark is someone else's.
    @Test func fwctlsMarkSurvivesAndAReplacedTableIsForeign() throws {
        let h = try ApplyKernelTests.Host()
        let policy = ApplyKernelTests.path("scale-up.policy")
        try #require(try h.apply(policy, "web-01", ["--no-confirm"]).status == 0)
        #expect(try h.listed().contains("\tcomment \"managed by fwctl\"\n"))
        try h.ns.nft(["add", "table", "inet", "fwctl", "{ comment \"x\"; }"])
        #expect(try h.plan(policy, "web-01", ["--detailed-exitcode"]).status == 0)

        let replaced = try ApplyKernelTests.compiled(policy, "web-01").replacingOccurrences(of: "\tcomment \"managed by fwctl\"\n", with: "")
        try h.ns.nft(["-f", "-"], stdin: "delete table inet fwctl\n" + replaced)
        let p = try h.plan(policy, "web-01")
        #expect(p.status == 1 && p.stderr.contains("fwctl did not create it (it has no comment"), "\(p.stdout)\(p.stderr)")
    }
}
