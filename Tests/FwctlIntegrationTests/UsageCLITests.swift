import Foundation
import FwctlTestSupport
import Testing

/// What a new user meets first: usage errors exit 64 with the help on standard error, a
/// repeated option is refused rather than silently replaced, and every error reads
/// `fwctl: error: …`.
@Suite struct UsageCLITests {
    @Test(arguments: [[], ["audit"], ["help", "nosuch"], ["help", "audit", "nosuch"]])
    func incompleteCommandIsAUsageError(args: [String]) throws {
        let r = try CLI.run(args)
        #expect(r.status == 64, "\(args): \(r.stderr)")
        #expect(r.stderr.contains("fwctl: error: "), "\(args): \(r.stderr)")
        #expect(r.stderr.contains("USAGE: fwctl"), "\(args): the help goes to standard error")
        #expect(r.stdout.isEmpty)
    }

    @Test(arguments: [["--help"], ["help"], ["help", "audit", "log"], ["audit", "--help"]])
    func askingForHelpIsNotAnError(args: [String]) throws {
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        #expect(r.stdout.contains("USAGE: fwctl"))
    }

    @Test(arguments: [
        (["check", "--policy", "/nonexistent/a.policy", "--policy", "/nonexistent/b.policy"], "--policy is given 2 times"),
        (["check", "--policy=/nonexistent/a.policy", "--policy", "/nonexistent/b.policy"], "--policy is given 2 times"),
        (["compile", "--policy", "/nonexistent/a.policy", "--host", "a", "--host", "b"], "--host is given 2 times"),
        (["audit", "export", "--policy", "/nonexistent/a", "--log", "/nonexistent/l", "-o", "x", "-o", "y"], "-o is given 2 times"),
    ])
    func singleValuedOptionGivenTwiceIsAUsageError(args: [String], message: String) throws {
        let r = try CLI.run(args)
        #expect(r.status == 64, "\(args): \(r.stderr)")
        #expect(r.stderr.contains("fwctl: error: \(message); it takes one value"), "\(r.stderr)")
    }

    /// `audit export --host` is a list: repeating it is how several hosts are named.
    @Test func repeatableOptionMayRepeat() throws {
        let policy = Repo.policies.appendingPathComponent("scale-up.policy").path
        let r = try CLI.run(["audit", "export", "--policy", policy, "--log", "/dev/null", "--host", "web-01", "--host", "db-primary", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("web-01") && r.stdout.contains("db-primary"))
    }

    @Test func stateDirHelpSaysWhatItHolds() throws {
        let r = try CLI.run(["plan", "--help"])
        let help = r.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        for part in ["host lock", "pending confirmation", "confirmed table", "caches", "apply log"] {
            #expect(help.contains(part), "--state-dir's help does not mention \(part): \(r.stdout)")
        }
    }

    /// An error from the apply machinery reads like every other command's.
    @Test(.enabled(if: TestNamespace.isRoot, "needs root: confirm checks for root before anything else"))
    func confirmWithNothingPendingPrintsAnFwctlError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-usage-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["confirm", "--state-dir", dir.path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("fwctl: error: "), "\(r.stderr)")
        #expect(!r.stderr.contains("Error: "), "\(r.stderr)")
    }
}
