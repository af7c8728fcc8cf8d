import Foundation
import Testing
import FwctlTestSupport

/// Guards that must not fail open, each run through the CLI in a fresh network namespace: the
/// lock-out guard with every `SSH_CONNECTION` sshd writes (and ones it cannot be read from),
/// and an apply killed between its commit and its result entry.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in network namespaces"), .serialized)
struct GuardKernelTests {
    typealias Host = ApplyKernelTests.Host

    static let scaleUp = ApplyKernelTests.path("scale-up.policy")

    func apply(_ h: Host, ssh: String, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try h.fwctl(["apply", "--policy", Self.scaleUp, "--host", "web-01", "--state-dir", h.state, "--yes"] + extra,
                    env: ["SSH_CONNECTION=\(ssh)"])
    }

    /// sshd's form for a link-local client carries zone ids; scale-up admits SSH only from the
    /// ops VPN, so a link-local client is locked out and the guard must say so.
    @Test(arguments: ["fe80::1%eth0 50000 fe80::2%eth0 22", "fe80::1%2 50000 fe80::2%2 22", "  fe80::1%eth0\t50000  fe80::2%eth0 22\n"])
    func linkLocalClientIsGuarded(ssh: String) throws {
        let h = try Host()
        let r = try apply(h, ssh: ssh)
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("would drop new SSH connections from your address (fe80::1 -> fe80::2 port 22)"), "\(r.stderr)")
        #expect(try h.ns.nft(["list", "ruleset"]).isEmpty, "applied although the guard should have refused")
    }

    /// A client the policy admits, written with a zone id: applied, provisionally.
    @Test func linkLocalServerWithAdmittedClientOpensTheConfirmWindow() throws {
        let h = try Host()
        let r = try apply(h, ssh: "2001:db8:ff::5 50000 fe80::2%eth0 22")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Run `fwctl confirm` within 15 s"), "\(r.stdout)")
        #expect(try h.fwctl(["confirm", "--state-dir", h.state]).status == 0)
    }

    /// Set but unreadable: the guard cannot check, so it assumes the worst: a warning, and
    /// the apply is provisional (the confirm window opens).
    @Test(arguments: ["garbage", "198.51.100.5 50522 22", "198.51.100.5 50522 192.0.2.21 ssh", "198.51.100.5 50522 2001:db8::1 22", ""])
    func unparsableConnectionAssumesTheWorst(ssh: String) throws {
        let h = try Host()
        let r = try apply(h, ssh: ssh)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("fwctl: warning: SSH_CONNECTION is set but cannot be read"), "\(r.stderr)")
        #expect(r.stdout.contains("Run `fwctl confirm` within 15 s"), "no confirm window: \(r.stdout)")
        #expect(try h.fwctl(["confirm", "--state-dir", h.state]).status == 0)
    }

    /// --no-confirm would leave nothing between an unchecked ruleset and a lock-out: it takes
    /// --force as well.
    @Test func unparsableConnectionWithNoConfirmNeedsForce() throws {
        let h = try Host()
        let refused = try apply(h, ssh: "garbage", ["--no-confirm"])
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try h.ns.nft(["list", "ruleset"]).isEmpty)
        let forced = try apply(h, ssh: "garbage", ["--no-confirm", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(!forced.stdout.contains("fwctl confirm"))
    }

    /// A state directory others can write is refused before anything is read or applied.
    @Test func worldWritableStateDirectoryIsRefused() throws {
        let h = try Host()
        try FileManager.default.createDirectory(atPath: h.state, withIntermediateDirectories: true)
        chmod(h.state, 0o777)
        let r = try h.apply(Self.scaleUp, "web-01", ["--no-confirm"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("state directory \(h.state) is writable by group or others (mode 0777)"), "\(r.stderr)")
        #expect(r.stderr.contains("chmod go-w \(h.state)"), "\(r.stderr)")
        #expect(try h.ns.nft(["list", "ruleset"]).isEmpty)
    }

    /// SIGKILL between the commit and the result entry: the next run that takes the lock
    /// finds the `started` entry without a result, reads the kernel, and records what is
    /// loaded; `status` then names that entry as the last apply and the chain verifies.
    @Test func applyKilledAfterItsCommitIsRecoveredByTheNextRun() throws {
        let h = try Host()
        let log = h.state + "/apply-log.jsonl"
        #expect(try h.apply(ApplyKernelTests.path("stacked.policy"), "s1", ["--no-confirm"]).status == 0)
        let marker = h.state + ".paused"
        defer { unlink(marker) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        p.arguments = ["netns", "exec", h.ns.name, "env", "FWCTL_TEST_PAUSE_AFTER_COMMIT=\(marker)", CLI.binary.path, "apply",
                       "--policy", Self.scaleUp, "--host", "web-01", "--state-dir", h.state, "--yes", "--no-confirm"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        var paused = false
        for _ in 0..<300 where !paused {   // 30 s at most
            usleep(100_000)
            paused = access(marker, F_OK) == 0
        }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        #expect(paused, "the apply never paused after its commit")
        let after = try ApplyLogKernelTests.entries(log)
        #expect(after.map(ApplyLogKernelTests.summary) == ["1 apply started", "2 apply applied", "3 apply started"])

        // Nothing to do (the commit went through), yet the unfinished apply is recovered.
        let again = try h.apply(Self.scaleUp, "web-01", ["--no-confirm"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("No changes"), "\(again.stdout)")
        #expect(again.stderr.contains("seq 3"), "\(again.stderr)")
        let e = try ApplyLogKernelTests.entries(log)
        #expect(e.map(ApplyLogKernelTests.summary) == ["1 apply started", "2 apply applied", "3 apply started", "4 apply recovered"])
        let recovered = try #require(e.last)
        #expect(recovered["host"] as? String == "web-01")
        #expect(recovered["loaded"] as? String == "the table the apply announced", "\(recovered)")
        #expect((recovered["policy"] as? [String: Any])?["tableSHA256"] as? String
                == (e[2]["policy"] as? [String: Any])?["tableSHA256"] as? String)
        #expect(recovered["generationAfter"] as? Int != nil)

        let status = try h.fwctl(["status", "--policy", Self.scaleUp, "--host", "web-01", "--state-dir", h.state])
        #expect(status.stdout.contains("In sync"), "\(status.stdout)")
        #expect(status.stdout.contains("Last apply: \(recovered["time"] as? String ?? "?")"), "\(status.stdout)")
        let verify = try CLI.run(["audit", "log", "--verify", "--state-dir", h.state])
        #expect(verify.status == 0 && verify.stdout.contains("intact, 4 entries"), "\(verify.stdout)\(verify.stderr)")
        #expect(!verify.stdout.contains("recorded no result"), "\(verify.stdout)")

        // Recovered once: the next run has nothing more to record.
        #expect(try h.apply(Self.scaleUp, "web-01", ["--no-confirm"]).status == 0)
        #expect(try ApplyLogKernelTests.entries(log).count == 4)
    }
}
