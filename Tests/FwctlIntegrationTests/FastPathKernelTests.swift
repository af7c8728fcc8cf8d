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

    /// A host added to a role's block: the new table is derived from the cached compilation
    /// (no full compile), every flow line below the insertion moves down one, and what the
    /// kernel ends up with is exactly the fresh compilation, as --refresh confirms.
    @Test func hostAddedToARoleIsDerivedFromTheCachedCompilation() throws {
        let h = try Host()
        let edited = try ApplyKernelTests.editedScaleUp { $0 }
        defer { try? FileManager.default.removeItem(atPath: (edited as NSString).deletingLastPathComponent) }
        for host in ["web-01", "mon-01"] {
            #expect(try h.apply(edited, host, ["--no-confirm"]).status == 0)
            // The kernel now holds the table of `host`; the next edit is measured against it.
            let text = try String(contentsOfFile: edited, encoding: .utf8)
            let line = host == "web-01" ? "  host lb-03 = 192.0.2.12, 2001:db8::12\n" : "  host lb-04 = 192.0.2.14\n"
            let anchor = "  host lb-02 = 192.0.2.11, 2001:db8::11\n"
            try text.replacingOccurrences(of: anchor, with: anchor + line).write(toFile: edited, atomically: false, encoding: .utf8)
            let applied = try h.fwctl(["apply", "--policy", edited, "--host", host, "--state-dir", h.state, "--yes", "--no-confirm"], env: ["FWCTL_TIMINGS=1"])
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stderr.contains("derive from the previous compilation"), "\(applied.stderr)")
            #expect(!applied.stderr.contains("front end"), "\(applied.stderr)")
            #expect(try h.listedContent() == ApplyKernelTests.blocksSorted(normaliseCounters(try ApplyKernelTests.compiled(edited, host))))
            #expect(try h.plan(edited, host, ["--refresh", "--detailed-exitcode"]).status == 0)
        }
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

    /// A host line the front end refuses (its comment is not UTF-8) is not derived from the
    /// cached compilation: plan and apply report check's error, and the kernel keeps its table.
    @Test func hostLineTheFrontEndRefusesIsNotDerived() throws {
        let h = try Host()
        let edited = try ApplyKernelTests.editedScaleUp { $0 }
        defer { try? FileManager.default.removeItem(atPath: (edited as NSString).deletingLastPathComponent) }
        #expect(try h.apply(edited, "web-01", ["--no-confirm"]).status == 0)
        let before = try h.listed()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: edited)))
        let anchor = Array("  host lb-02 = 192.0.2.11, 2001:db8::11\n".utf8)
        let at = try #require(bytes.indices.first { bytes[$0...].starts(with: anchor) }) + anchor.count
        bytes.insert(contentsOf: Array("  host lb-03 = 192.0.2.99  # caf".utf8) + [0xE9, 0x0A], at: at)
        try Data(bytes).write(to: URL(fileURLWithPath: edited))

        let check = try h.fwctl(["check", "--policy", edited])
        #expect(check.status == 1 && check.stderr.contains("not UTF-8"), "\(check.stderr)")
        for _ in 0..<2 {
            let plan = try h.plan(edited, "web-01")
            #expect(plan.status == 1 && plan.stderr.contains("not UTF-8") && !plan.stdout.contains("192.0.2.99"), "\(plan.stdout)\(plan.stderr)")
            let applied = try h.apply(edited, "web-01", ["--no-confirm"])
            #expect(applied.status == 1 && applied.stderr.contains("not UTF-8"), "\(applied.stdout)\(applied.stderr)")
        }
        #expect(try h.listed() == before)
    }
}
