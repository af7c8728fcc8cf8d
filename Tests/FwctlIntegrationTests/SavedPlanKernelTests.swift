import Foundation
import Testing
import FwctlNet
import FwctlRuleset
import FwctlTestSupport

/// A saved plan is untrusted input: `fwctl apply FILE` plans again against the kernel and the
/// policy and applies only if that plan is the saved one. Each test edits a plan file (or
/// changes the kernel behind it) as someone might, in a fresh namespace, and checks that the
/// apply is refused as stale with the kernel untouched.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in network namespaces"), .serialized)
struct SavedPlanKernelTests {
    typealias Host = ApplyKernelTests.Host
    static let host = "app-01"

    /// scale-up with web-03 added (new elements in the web sets) and the monitoring flow gone
    /// (rules deleted): a plan from the original to this has both kinds of change.
    static func edited() throws -> String {
        try ApplyKernelTests.editedScaleUp {
            $0.replacingOccurrences(of: "host web-02 = 192.0.2.22, 2001:db8:0:2::22 }",
                                    with: "host web-02 = 192.0.2.22, 2001:db8:0:2::22\n               host web-03 = 192.0.2.23, 2001:db8:0:2::23 }")
                .replacingOccurrences(of: "allow monitor  -> *       : node-exporter {", with: "allow monitor  -> lb      : node-exporter {")
        }
    }

    /// A host running the original scale-up table, a plan to `edited` saved in `planFile`.
    struct Setup {
        let h: Host
        let policy: String
        let planFile: String

        init() throws {
            h = try Host()
            #expect(try h.apply(ApplyKernelTests.path("scale-up.policy"), SavedPlanKernelTests.host).status == 0)
            policy = try SavedPlanKernelTests.edited()
            planFile = h.state + "/saved.plan.json"
            let p = try h.plan(policy, SavedPlanKernelTests.host, ["--out", planFile])
            #expect(p.status == 0, "\(p.stderr)")
        }

        func cleanUp() { try? FileManager.default.removeItem(atPath: (policy as NSString).deletingLastPathComponent) }

        func apply() throws -> (status: Int32, stdout: String, stderr: String) {
            try h.fwctl(["apply", planFile, "--policy", policy, "--host", SavedPlanKernelTests.host, "--state-dir", h.state, "--yes"])
        }

        /// The plan file's JSON object, edited by `body` and written back.
        func edit(_ body: (inout [String: Any]) throws -> Void) throws {
            var json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: planFile))) as? [String: Any])
            try body(&json)
            try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: URL(fileURLWithPath: planFile))
        }

        /// Applies and expects a refusal that names the plan stale, with the ruleset unchanged.
        func expectRefusedAsStale(_ what: Comment) throws {
            let before = try h.ns.nft(["list", "ruleset"])
            let a = try apply()
            #expect(a.status == 1, "\(what): \(a.stdout)\(a.stderr)")
            #expect(a.stderr.contains("Saved plan is stale"), "\(what): \(a.stderr)")
            #expect(try h.ns.nft(["list", "ruleset"]) == before, "\(what)")
        }
    }

    static func changes(_ json: [String: Any]) -> [[String: Any]] { json["changes"] as? [[String: Any]] ?? [] }

    @Test func elementsReplacedByTheWholeInternetAreRefused() throws {
        let s = try Setup()
        defer { s.cleanUp() }
        let everything = try JSONSerialization.jsonObject(with: JSONEncoder().encode(
            SetElement.address(AddressRange(lower: .v4(0), upper: .v4(UInt32.max)))))
        var edited = 0
        try s.edit { json in
            json["changes"] = Self.changes(json).map { c in
                guard c["op"] as? String == "addElements", c["keyType"] as? String == "ipv4_addr" else { return c }
                var c = c
                c["elements"] = [everything]
                edited += 1
                return c
            }
        }
        #expect(edited > 0, "the plan adds no IPv4 elements: the test tests nothing")
        try s.expectRefusedAsStale("elements replaced by 0.0.0.0/0")
        // Nothing recorded as applied: the log can only name what was really loaded.
        let log = try String(contentsOfFile: s.h.state + "/apply-log.jsonl", encoding: .utf8)
        #expect(log.components(separatedBy: "\"outcome\":\"applied\"").count == 2, "only the setup's apply: \(log)")
    }

    @Test func removedDeleteRuleChangesAreRefused() throws {
        let s = try Setup()
        defer { s.cleanUp() }
        var removed = 0
        try s.edit { json in
            let all = Self.changes(json)
            json["changes"] = all.filter { $0["op"] as? String != "deleteRule" }
            removed = all.count - (json["changes"] as? [Any] ?? []).count
        }
        #expect(removed > 0, "the plan deletes no rule: the test tests nothing")
        try s.expectRefusedAsStale("deleteRule changes removed")
    }

    @Test(arguments: ["bumped", "deleted", "null"])
    func editedGenerationCannotPutAStalePlanOnAChangedKernel(edit: String) throws {
        let s = try Setup()
        defer { s.cleanUp() }
        // The kernel's table changes after the plan was made ...
        try s.h.ns.nft(["add", "element", "inet", "fwctl", "role_web_v4", "{ 203.0.113.9 }"])
        // ... and the generation in the file is edited to hide it.
        try s.edit { json in
            switch edit {
            case "bumped": json["generation"] = ((json["generation"] as? Int) ?? 0) + 1
            case "deleted": json["generation"] = nil
            default: json["generation"] = NSNull()
            }
        }
        let before = try s.h.ns.nft(["list", "ruleset"])
        let a = try s.apply()
        #expect(a.status == 1, "generation \(edit): \(a.stdout)\(a.stderr)")
        #expect(try s.h.ns.nft(["list", "ruleset"]) == before, "generation \(edit)")
    }

    @Test func anUneditedEmptyPlanOverAChangedTableIsStale() throws {
        let h = try Host()
        let policy = ApplyKernelTests.path("scale-up.policy")
        #expect(try h.apply(policy, Self.host).status == 0)
        let planFile = h.state + "/empty.plan.json"
        let p = try h.plan(policy, Self.host, ["--out", planFile])
        #expect(p.status == 0 && p.stdout.contains("No changes"), "\(p.stdout)\(p.stderr)")
        try h.ns.nft(["add", "element", "inet", "fwctl", "role_web_v4", "{ 203.0.113.9 }"])
        let listing = try h.ns.nft(["-a", "list", "chain", "inet", "fwctl", "input"])
        let handle = try #require(listing.split(separator: "\n").last { $0.contains("# handle") && $0.contains("accept") }
            .flatMap { $0.components(separatedBy: "# handle ").last })
        try h.ns.nft(["delete", "rule", "inet", "fwctl", "input", "handle", handle.trimmingCharacters(in: .whitespaces)])
        let before = try h.ns.nft(["list", "ruleset"])
        let a = try h.fwctl(["apply", planFile, "--policy", policy, "--host", Self.host, "--state-dir", h.state, "--yes"])
        #expect(a.status == 1, "\(a.stdout)\(a.stderr)")
        #expect(!a.stdout.contains("No changes"), "\(a.stdout)")
        #expect(a.stderr.contains("Saved plan is stale"), "\(a.stderr)")
        #expect(try h.ns.nft(["list", "ruleset"]) == before)
    }

    @Test func anUneditedPlanAppliesAndTheLogNamesTheTableLoaded() throws {
        let s = try Setup()
        defer { s.cleanUp() }
        // Another table committing meanwhile does not make the plan stale: fwctl's own
        // table is what the plan is about.
        try s.h.ns.nft(["add", "table", "ip", "other"])
        let a = try s.apply()
        #expect(a.status == 0, "\(a.stdout)\(a.stderr)")
        #expect(try s.h.listedContent() == ApplyKernelTests.blocksSorted(normaliseCounters(try ApplyKernelTests.compiled(s.policy, Self.host))))
        #expect(try s.h.ns.nft(["list", "table", "ip", "other"]).contains("table ip other"))
        let entries = try ApplyLogKernelTests.entries(s.h.state + "/apply-log.jsonl")
        let report = try CLI.run(["audit", "export", "--policy", s.policy, "--host", Self.host, "--log", s.h.state + "/apply-log.jsonl"])
        let reportJSON = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
        #expect((entries.last?["policy"] as? [String: Any])?["tableSHA256"] as? String == ApplyLogKernelTests.rulesetSHA256(reportJSON, host: Self.host))
    }

    /// The plan names its host and policy: the host applied is the one `plan` would take
    /// (--host, else this machine), never the file's; a plan for another host, or a policy
    /// whose files changed (even where the table does not), is refused.
    @Test func theHostIsNeverTheFilesAndAnEditedPolicyIsRefused() throws {
        let s = try Setup()
        defer { s.cleanUp() }
        let before = try s.h.ns.nft(["list", "ruleset"])
        let other = try s.h.fwctl(["apply", s.planFile, "--policy", s.policy, "--host", "web-01", "--state-dir", s.h.state, "--yes"])
        #expect(other.status == 1 && other.stderr.contains("the saved plan is for host app-01, not web-01"), "\(other.stderr)")
        // Without --host this machine is the host, as for `plan`: a file naming app-01 (made
        // with --host app-01, or edited to say so) must not make this machine app-01.
        var buf = [CChar](repeating: 0, count: 256)
        try #require(gethostname(&buf, buf.count - 1) == 0)
        let machine = String(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: ".").first ?? "")
        try #require(machine != Self.host)
        let implicit = try s.h.fwctl(["apply", s.planFile, "--policy", s.policy, "--state-dir", s.h.state, "--yes"])
        #expect(implicit.status == 1 && implicit.stderr.contains("the saved plan is for host app-01, not \(machine)"), "\(implicit.stdout)\(implicit.stderr)")
        #expect(try s.h.ns.nft(["list", "ruleset"]) == before)
        // A comment appended: same compiled table, other policy bytes.
        let text = try String(contentsOfFile: s.policy, encoding: .utf8)
        try (text + "# reviewed\n").write(toFile: s.policy, atomically: false, encoding: .utf8)
        let edited = try s.h.fwctl(["apply", s.planFile, "--policy", s.policy, "--host", Self.host, "--state-dir", s.h.state, "--yes"])
        #expect(edited.status == 1 && edited.stderr.contains("the policy has changed since the plan was made"), "\(edited.stderr)")
        #expect(try s.h.ns.nft(["list", "ruleset"]) == before)
        try text.write(toFile: s.policy, atomically: false, encoding: .utf8)
        let a = try s.h.fwctl(["apply", s.planFile, "--policy", s.policy, "--host", Self.host, "--state-dir", s.h.state, "--yes"])
        #expect(a.status == 0, "\(a.stdout)\(a.stderr)")
        #expect(try s.h.listedContent() == ApplyKernelTests.blocksSorted(normaliseCounters(try ApplyKernelTests.compiled(s.policy, Self.host))))
    }
}
