import Foundation
import Testing
import FwctlTestSupport

/// The apply log as fwctl writes it on a host (a fresh network namespace each): every apply,
/// confirm and rollback recorded, --check not, and a log that cannot be written stopping the
/// apply before the kernel is touched.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in network namespaces"), .serialized)
struct ApplyLogKernelTests {
    typealias Host = ApplyKernelTests.Host

    /// The compiled table's hash an audit export (`fwctl-audit/2`) gives `host`: through the
    /// host's class.
    static func rulesetSHA256(_ report: [String: Any]?, host: String) -> String? {
        let entry = (report?["hosts"] as? [[String: Any]])?.first { $0["name"] as? String == host }
        guard let id = entry?["class"] as? Int else { return nil }
        let c = (report?["classes"] as? [[String: Any]])?.first { $0["id"] as? Int == id }
        return c?["ruleset_sha256"] as? String
    }

    static func entries(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    static func summary(_ e: [String: Any]) -> String {
        "\(e["seq"] ?? "?") \(e["action"] ?? "?") \(e["outcome"] ?? "?")"
    }

    @Test func applyConfirmAndRollbackAreLoggedCheckIsNot() throws {
        let h = try Host()
        let log = h.state + "/apply-log.jsonl"
        let policy = ApplyKernelTests.path("scale-up.policy")
        #expect(try h.apply(policy, "web-01", ["--no-confirm"]).status == 0)
        var e = try Self.entries(log)
        #expect(e.map(Self.summary) == ["1 apply started", "2 apply applied"])
        #expect(e[1]["host"] as? String == "web-01")
        #expect(e[1]["generationAfter"] as? Int != nil && (e[1]["summary"] as? [String: Int])?["add"] ?? 0 > 0)
        #expect(((e[1]["policy"] as? [String: Any])?["sha256"] as? String)?.count == 64)
        // The log's policy and table hashes (worked out while the apply runs) are the audit
        // report's for the same policy and host.
        let report = try CLI.run(["audit", "export", "--policy", policy, "--host", "web-01", "--log", log])
        let reportJSON = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
        let logged = e[1]["policy"] as? [String: Any]
        #expect(logged?["sha256"] as? String == (reportJSON?["policy"] as? [String: Any])?["sha256"] as? String)
        #expect(logged?["tableSHA256"] as? String == Self.rulesetSHA256(reportJSON, host: "web-01"), "\(String(describing: logged))")
        #expect((logged?["tableSHA256"] as? String)?.count == 64)

        let edited = try ApplyKernelTests.editedScaleUp { $0.replacingOccurrences(of: "service https         = tcp/443", with: "service https         = tcp/8444") }
        defer { try? FileManager.default.removeItem(atPath: (edited as NSString).deletingLastPathComponent) }
        #expect(try h.apply(edited, "web-01", ["--check"]).status == 0)
        #expect(try Self.entries(log).count == 2, "--check must not be logged")

        // Unconfirmed: the watchdog rolls back after 1 s and logs it under the same id.
        #expect(try h.apply(edited, "web-01", ["--confirm", "1"]).status == 0)
        for _ in 0..<100 where (try? Self.entries(log).count) ?? 0 < 5 { usleep(100_000) }
        e = try Self.entries(log)
        #expect(e.map(Self.summary) == ["1 apply started", "2 apply applied", "3 apply started", "4 apply applied", "5 rollback rolled-back"])
        #expect(e.count == 5 && e[4]["confirmationID"] as? String == e[2]["confirmationID"] as? String && e[4]["host"] as? String == "web-01")

        #expect(try h.apply(edited, "web-01", ["--confirm", "60"]).status == 0)
        #expect(try h.fwctl(["confirm", "--state-dir", h.state]).status == 0)
        e = try Self.entries(log)
        #expect(e.map(Self.summary).suffix(3) == ["6 apply started", "7 apply applied", "8 confirm confirmed"])

        let verify = try CLI.run(["audit", "log", "--verify", "--state-dir", h.state])
        #expect(verify.status == 0 && verify.stdout.contains("intact, 8 entries"), "\(verify.stdout)\(verify.stderr)")

        // The audit export reports each host's latest concluded entry from the log.
        let export = try CLI.run(["audit", "export", "--policy", edited, "--host", "web-01", "--host", "lb-01", "--log", log])
        #expect(export.status == 0, "\(export.stderr)")
        let hosts = (try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])?["hosts"] as? [[String: Any]] ?? []
        let last = Dictionary(uniqueKeysWithValues: hosts.map { ($0["name"] as? String ?? "", $0["last_apply"]) })
        let web = last["web-01"] as? [String: Any]
        #expect(web?["outcome"] as? String == "confirm: confirmed", "\(String(describing: web))")
        // One policy hash everywhere: the log's is the report's.
        let reportPolicy = (try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])?["policy"] as? [String: Any]
        #expect(web?["policy_sha256"] as? String == reportPolicy?["sha256"] as? String)
        #expect((web?["policy_sha256"] as? String)?.count == 64)
        #expect(last["lb-01"] is NSNull, "lb-01 was never applied: \(String(describing: last["lb-01"]))")

        // Altering an outcome by hand is found and located.
        var lines = try String(contentsOfFile: log, encoding: .utf8).components(separatedBy: "\n")
        lines[3] = lines[3].replacingOccurrences(of: "\"outcome\":\"applied\"", with: "\"outcome\":\"failed: nothing\"")
        try lines.joined(separator: "\n").write(toFile: log, atomically: false, encoding: .utf8)
        let broken = try CLI.run(["audit", "log", "--verify", "--log", log])
        #expect(broken.status == 2)
        #expect(broken.stdout.contains("altered: line 4 (seq 4)"), "\(broken.stdout)")
    }

    /// Ways the log write fails. Each runs fwctl under `unshare -m` (a private mount
    /// namespace, so the mounts vanish with it) after `setup` prepared `dir`.
    struct Failure: CustomTestStringConvertible, Sendable {
        let name: String
        /// Shell commands run in the private mount namespace first; `$D` is the directory.
        let setup: String
        /// The log path (`$D` expanded).
        let log: String
        let message: String
        /// More apply flags (`--confirm`: the intent entry comes before the watchdog).
        var extra: [String] = ["--no-confirm"]
        var testDescription: String { name }
    }

    static let failures = [
        Failure(name: "full device", setup: ":", log: "/dev/full", message: "No space left on device"),
        Failure(name: "read-only bind mount", setup: "mount --bind \"$D\" \"$D\" && mount -o remount,bind,ro \"$D\"",
                log: "$D/apply-log.jsonl", message: "Read-only file system"),
        Failure(name: "full tmpfs", setup: "mount -t tmpfs -o size=8k,mode=0700 tmpfs \"$D\" && { dd if=/dev/zero of=\"$D/fill\" bs=1k count=64 2>/dev/null; true; }",
                log: "$D/apply-log.jsonl", message: "No space left on device"),
        Failure(name: "full device, provisional apply", setup: ":", log: "/dev/full", message: "No space left on device",
                extra: ["--confirm", "30"]),
        Failure(name: "torn last line", setup: "printf '{\"action\":\"app' > \"$D/apply-log.jsonl\"",
                log: "$D/apply-log.jsonl", message: "torn line (line 1"),
    ]

    @Test(arguments: failures)
    func logWriteFailureStopsTheApplyWithTheKernelUnchanged(_ failure: Failure) throws {
        let h = try Host()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-logfail-\(h.ns.name)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try h.ns.nft(["-f", "-"], stdin: try ApplyKernelTests.compiled(ApplyKernelTests.path("stacked.policy"), "s1"))
        let before = try h.ns.nft(["list", "ruleset"])
        let log = failure.log.replacingOccurrences(of: "$D", with: dir)
        let apply = [CLI.binary.path, "apply", "--policy", ApplyKernelTests.path("scale-up.policy"), "--host", "web-01",
                     "--state-dir", h.state, "--yes", "--log", log] + failure.extra
        let script = "D='\(dir)'; \(failure.setup) && exec ip netns exec \(h.ns.name) \"$@\""
        let (status, out, err) = try runProcess(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"] + apply, stdin: nil)
        #expect(status == 1, "\(out)\(err)")
        #expect(err.contains("nothing was applied") && err.contains(failure.message), "\(err)")
        #expect(try h.ns.nft(["list", "ruleset"]) == before, "the kernel changed although the log could not be written")
        #expect(!FileManager.default.fileExists(atPath: h.state + "/pending-confirm.json"), "a pending confirmation was left behind")
    }
}
