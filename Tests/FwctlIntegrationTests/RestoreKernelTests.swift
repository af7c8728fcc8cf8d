import Foundation
import Testing
import FwctlTestSupport

/// Which table `fwctl restore` brings back, with the real kernel: the one an apply without
/// confirm window or a confirmed apply left, never a provisional one, restored into an empty
/// namespace (a reboot) exactly as `nft list` printed it before.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in network namespaces"), .serialized)
struct RestoreKernelTests {
    typealias Host = ApplyKernelTests.Host

    static func snapshot(_ h: Host) -> Data? { FileManager.default.contents(atPath: h.state + "/confirmed-table.snap") }

    /// `fwctl restore` in a fresh namespace with a copy of `h`'s state directory (restore
    /// discards a pending apply: the copy leaves `h`'s for the rest of the test); its listing.
    static func restoredElsewhere(_ h: Host) throws -> (status: Int32, stderr: String, listing: String) {
        let boot = try TestNamespace(prefix: "fwctl-boot")
        let copy = h.state + "-boot"
        defer {
            boot.remove()
            try? FileManager.default.removeItem(atPath: copy)
        }
        try FileManager.default.copyItem(atPath: h.state, toPath: copy)
        let r = try boot.run([CLI.binary.path, "restore", "--state-dir", copy, "--policy", "/nonexistent", "--host", "web-01"])
        let listing = r.status == 0 ? normaliseCounters(try boot.nft(["list", "table", "inet", "fwctl"])) : ""
        return (r.status, r.stderr, listing)
    }

    @Test func onlyAKeptTableIsWhatRestoreLoads() throws {
        let h = try Host()
        let policy = ApplyKernelTests.path("scale-up.policy")
        let edited = try ApplyKernelTests.editedScaleUp { $0 + "\nallow ops-vpn -> web : app-tls\n" }
        defer { try? FileManager.default.removeItem(atPath: (edited as NSString).deletingLastPathComponent) }

        #expect(try h.apply(policy, "web-01", ["--no-confirm"]).status == 0)
        let first = try #require(Self.snapshot(h), "an apply without confirm window keeps its table")
        let applied = try h.listed()

        // Provisional: the kept table stays the previous one.
        #expect(try h.apply(edited, "web-01", ["--confirm", "60"]).status == 0)
        #expect(Self.snapshot(h) == first)
        let whilePending = try Self.restoredElsewhere(h)
        #expect(whilePending.status == 0, "\(whilePending.stderr)")
        #expect(whilePending.listing == applied)

        // Confirmed: now it is the edited table.
        #expect(try h.fwctl(["confirm", "--state-dir", h.state]).status == 0)
        #expect(Self.snapshot(h) != first)
        let confirmed = try h.listed()
        #expect(confirmed != applied)
        let afterConfirm = try Self.restoredElsewhere(h)
        #expect(afterConfirm.status == 0, "\(afterConfirm.stderr)")
        #expect(afterConfirm.listing == confirmed)
    }
}
