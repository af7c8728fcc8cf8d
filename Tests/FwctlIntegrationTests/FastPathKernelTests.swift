import Foundation
import Testing
import FwctlRuleset
import FwctlTestSupport

/// plan/apply's fast paths as a user meets them: the compiled table cached in the state
/// directory follows every edit of the policy, and the applied record never hides a change
/// made to the kernel by hand; --refresh plans the same as without.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in network namespaces"), .serialized)
struct FastPathKernelTests {
    typealias Host = ApplyKernelTests.Host
    static let newHost = "host web-02 = 192.0.2.22, 2001:db8:0:2::22\n               host web-03 = 192.0.2.23, 2001:db8:0:2::23 }"

    @Test func cachedCompilationFollowsEditsOfThePolicy() throws {
        let h = try Host()
        let edited = try ApplyKernelTests.editedScaleUp { $0 }
        defer { try? FileManager.default.removeItem(atPath: (edited as NSString).deletingLastPathComponent) }
        #expect(try h.apply(edited, "app-01").status == 0)
        #expect(FileManager.default.fileExists(atPath: h.state + "/compiled-table.cache"))
        #expect(try h.plan(edited, "app-01", ["--detailed-exitcode"]).status == 0)

        // Same path, new content: the plan must see the new host.
        let text = try String(contentsOfFile: edited, encoding: .utf8)
        try text.replacingOccurrences(of: "host web-02 = 192.0.2.22, 2001:db8:0:2::22 }", with: Self.newHost)
            .write(toFile: edited, atomically: false, encoding: .utf8)
        let p = try h.plan(edited, "app-01")
        #expect(p.stdout.contains("+ element 192.0.2.23"), "\(p.stdout)\(p.stderr)")
        #expect(try h.plan(edited, "app-01") == p)
        #expect(try h.plan(edited, "app-01", ["--refresh"]) == p)
        #expect(try h.apply(edited, "app-01").status == 0)
        #expect(try h.listedContent() == ApplyKernelTests.blocksSorted(normaliseCounters(try ApplyKernelTests.compiled(edited, "app-01"))))

        // Another host of the same policy is not served the cached table.
        let other = try h.plan(edited, "db-primary", ["--detailed-exitcode"])
        #expect(other.status == 2, "\(other.stdout)")
    }

    @Test func elementAddedByHandIsSeenThroughTheRecord() throws {
        let h = try Host()
        let policy = ApplyKernelTests.path("scale-up.policy")
        #expect(try h.apply(policy, "app-01").status == 0)
        #expect(try h.plan(policy, "app-01", ["--detailed-exitcode"]).status == 0)
        let set = try #require(try h.ns.nft(["list", "sets", "inet"]).split(separator: "\n")
            .first { $0.contains("set role_") && $0.contains("_v4") }?.split(separator: " ").dropFirst().first.map(String.init))
        try h.ns.nft(["add", "element", "inet", "fwctl", set, "{ 10.99.99.99 }"])
        let p = try h.plan(policy, "app-01", ["--detailed-exitcode"])
        #expect(p.status == 2 && p.stdout.contains("- element 10.99.99.99"), "\(p.stdout)\(p.stderr)")
        #expect(try h.apply(policy, "app-01").status == 0)
        #expect(try h.plan(policy, "app-01", ["--detailed-exitcode"]).status == 0)
        #expect(try h.listed() == normaliseCounters(try ApplyKernelTests.compiled(policy, "app-01")))
    }
}
