import Foundation
import Testing
import FwctlTestSupport

/// `fwctl verify` as a user runs it: compiled rulesets of the bundled policies, the JSON
/// output, and `--live` against a table loaded with `nft -f` in a network namespace.
@Suite
struct VerifyCLITests {
    static func path(_ policy: String) -> String { Repo.policies.appendingPathComponent(policy).path }

    @Test func bundledPoliciesVerifyClean() throws {
        for p in Repo.bundledPolicies {
            let r = try CLI.run(["verify", "--policy", Self.path(p), "--all"])
            #expect(r.status == 0, "\(p): \(r.stdout)\(r.stderr)")
            #expect(r.stdout.contains(": ok: compiled ruleset admits exactly the policy's flows"))
            #expect(!r.stdout.contains("FAILED"))
        }
    }

    @Test func jsonAndMatrices() throws {
        let r = try CLI.run(["verify", "--policy", Self.path("scale-up.policy"), "--host", "web-01", "--format", "json", "--matrix", "--hosts"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(doc["clean"] as? Bool == true && doc["source"] as? String == "compiled")
        #expect((doc["hosts"] as? [[String: Any]])?.map { $0["host"] as? String } == ["web-01"])
        let matrix = try #require(doc["matrix"] as? [[String: Any]])
        #expect(matrix.contains { $0["source"] as? String == "lb" && $0["destination"] as? String == "web" && $0["admits"] as? String == "tcp/443" })
        #expect((doc["host_matrix"] as? [[String: Any]])?.isEmpty == false)
    }

    @Test(arguments: [["--live", "--all"], ["--format", "yaml"]])
    func usageErrorsExit64(extra: [String]) throws {
        let r = try CLI.run(["verify", "--policy", Self.path("scale-up.policy")] + extra)
        #expect(r.status == 64, "\(r.stderr)")
    }

    @Test func unknownHostExitsOne() throws {
        let r = try CLI.run(["verify", "--policy", Self.path("scale-up.policy"), "--host", "web-1"])
        #expect(r.status == 1 && r.stderr.contains("Did you mean 'web-01'?"), "\(r.stderr)")
    }

    /// The compiled table loaded by nft verifies clean live; a hand-added rule is a discrepancy
    /// naming the rule; a missing table is an error.
    @Test(.enabled(if: TestNamespace.isRoot, "needs root: loads a table into a network namespace"))
    func liveTableInANamespace() throws {
        let ns = try TestNamespace(prefix: "fwctl-verify")
        defer { ns.remove() }
        let policy = Self.path("scale-up.policy")
        let verify = [CLI.binary.path, "verify", "--live", "--policy", policy, "--host", "db-primary"]

        let none = try ns.run(verify)
        #expect(none.status == 1 && none.stderr.contains("not loaded"), "\(none.stdout)\(none.stderr)")

        let compiled = try CLI.run(["compile", "--policy", policy, "--host", "db-primary"])
        try #require(compiled.status == 0)
        try ns.nft(["-f", "-"], stdin: compiled.stdout)
        let clean = try ns.run(verify)
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("db-primary: ok: live ruleset"))

        try ns.nft(["add", "rule", "inet", "fwctl", "input", "tcp", "dport", "8080", "accept"])
        let drift = try ns.run(verify + ["--format", "json"])
        #expect(drift.status == 2, "\(drift.stdout)\(drift.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(drift.stdout.utf8)) as? [String: Any])
        let found = try #require((doc["hosts"] as? [[String: Any]])?.first?["discrepancies"] as? [[String: Any]])
        #expect(!found.isEmpty)
        for d in found {
            #expect(d["kind"] as? String == "admits more")
            #expect((d["packet"] as? [String: Any])?["port"] as? Int == 8080)
            #expect(((d["rule"] as? [String: Any])?["text"] as? String)?.contains("8080") == true)
        }
    }
}
