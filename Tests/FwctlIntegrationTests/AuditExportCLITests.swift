import Foundation
import Testing
import FwctlLog
import FwctlTestSupport

/// `fwctl audit export` as a user runs it: every bundled policy in every format, the JSON
/// validated against docs/audit-schema-2.json (and with --schema 1 against
/// docs/audit-schema.json; python3-jsonschema), the CSV read back, the
/// HTML parsed as XML; host selection, -o, git state, and --live in a network namespace.
@Suite struct AuditExportCLITests {
    static func path(_ policy: String) -> String { Repo.policies.appendingPathComponent(policy).path }
    static let schema = Repo.root.appendingPathComponent("docs/audit-schema-2.json").path
    static let schema1 = Repo.root.appendingPathComponent("docs/audit-schema.json").path
    /// An apply log with no entries (not the machine's: tests never read /var/lib/fwctl).
    static let noLog = "/dev/null"

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func everyBundledPolicyInEveryFormat() throws {
        let dir = try ScratchDirectory(prefix: "fwctl-audit")
        defer { dir.remove() }
        var jsonFiles: [String] = [], json1Files: [String] = []
        #expect(Repo.bundledPolicies.count >= 3)
        // A log of the test's own, written as apply writes it (times with milliseconds): one
        // host of each policy has a last apply, so the schema sees `last_apply` filled in.
        let log = ApplyLog(path: dir.file("apply-log.jsonl").path)
        var applied: [String: String] = [:]
        for p in Repo.bundledPolicies {
            let host = try #require(try Repo.fleet(p).hosts.first?.name)
            applied[p] = host
            for outcome in ["started", "applied"] {
                try log.append(ApplyLogEntry(host: host, action: .apply, actor: .init(user: "alice", uid: 1000),
                                             policy: .init(sha256: String(repeating: "ab", count: 32)),
                                             generationBefore: 6, generationAfter: 7, outcome: outcome))
            }
        }
        for p in Repo.bundledPolicies {
            let j = try CLI.run(["audit", "export", "--policy", Self.path(p), "--all", "--format", "json", "--log", log.path])
            #expect(j.status == 0, "\(p): \(j.stderr)")
            let doc = try Self.json(j.stdout)
            let summary = try #require(doc["summary"] as? [String: Any])
            let last = (doc["hosts"] as? [[String: Any]])?.first { $0["name"] as? String == applied[p] }?["last_apply"] as? [String: Any]
            #expect((last?["time"] as? String)?.contains(".") == true && last?["outcome"] as? String == "applied", "\(p): \(String(describing: last))")
            let file = dir.file("\(p).json")
            try j.stdout.write(to: file, atomically: false, encoding: .utf8)
            jsonFiles.append(file.path)
            #expect(doc["schema"] as? String == "fwctl-audit/2", "\(p)")

            let j1 = try CLI.run(["audit", "export", "--policy", Self.path(p), "--all", "--format", "json", "--schema", "1", "--log", log.path])
            #expect(j1.status == 0, "\(p): \(j1.stderr)")
            #expect(try Self.json(j1.stdout)["schema"] as? String == "fwctl-audit/1", "\(p)")
            let file1 = dir.file("\(p).v1.json")
            try j1.stdout.write(to: file1, atomically: false, encoding: .utf8)
            json1Files.append(file1.path)

            let c = try CLI.run(["audit", "export", "--policy", Self.path(p), "--format", "csv", "--log", log.path])
            #expect(c.status == 0, "\(p): \(c.stderr)")
            let records = try CSVRecords.parse(c.stdout)
            #expect(records.first?.first == "host" && records.first?.last == "policy_sha256")
            #expect(records.count - 1 == summary["flows"] as? Int, "\(p): one CSV row per host flow")
            #expect(Set(records.map(\.count)).count == 1, "\(p): every record has the header's column count")

            let h = try CLI.run(["audit", "export", "--policy", Self.path(p), "--format", "html", "--log", log.path])
            #expect(h.status == 0, "\(p): \(h.stderr)")
            let elements = try XMLElements.parse(h.stdout)
            #expect(elements.contains("table.matrix") && elements.contains("svg") && elements.contains("g.node"), "\(p)")

            let m = try CLI.run(["audit", "export", "--policy", Self.path(p), "--format", "md", "--log", log.path])
            #expect(m.status == 0 && m.stdout.hasPrefix("# Firewall audit report\n") && m.stdout.contains("\n## Reachability matrix\n"), "\(p)")
        }
        // One python3 run validates every document against the schema (and the schema itself).
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            for f in sys.argv[2:]:
                jsonschema.Draft202012Validator(schema).validate(json.load(open(f)))
            print("valid", len(sys.argv) - 2)
            """
        for (schema, files) in [(Self.schema, jsonFiles), (Self.schema1, json1Files)] {
            let r = try runProcess(["/usr/bin/python3", "-c", script, schema] + files, stdin: nil)
            #expect(r.status == 0, "schema validation of \(schema) (needs python3-jsonschema: make deps): \(r.stderr)")
            #expect(r.stdout == "valid \(files.count)\n")
        }
        let csvSchema = try CLI.run(["audit", "export", "--policy", Self.path("scale-up.policy"), "--format", "csv", "--schema", "1", "--log", Self.noLog])
        #expect(csvSchema.status == 64 && csvSchema.stderr.contains("--schema"), "\(csvSchema.stderr)")
    }

    @Test func outputFileHostSelectionAndGitState() throws {
        let dir = try ScratchDirectory(prefix: "fwctl-audit-git")
        defer { dir.remove() }
        let policy = try dir.copy(Repo.policies.appendingPathComponent("scale-up.policy"), to: "site.policy")
        let out = dir.file("report.json")
        let args = ["audit", "export", "--policy", policy.path, "--host", "web-01", "--host", "db-primary", "-o", out.path, "--log", Self.noLog]

        // Outside a git work tree: no commit, not an error.
        let plain = try CLI.run(args)
        #expect(plain.status == 0 && plain.stdout.isEmpty && plain.stderr.contains("wrote the audit report"), "\(plain.stderr)")
        var doc = try Self.json(try String(contentsOf: out, encoding: .utf8))
        #expect((doc["hosts"] as? [[String: Any]])?.map { $0["name"] as? String } == ["web-01", "db-primary"])
        #expect((doc["policy"] as? [String: Any])?["git"] is NSNull)
        #expect(!FileManager.default.fileExists(atPath: out.path + ".tmp"))

        for step in [["init", "-q"], ["add", "site.policy"], ["commit", "-qm", "policy"]] { try dir.git(step) }
        let head = try dir.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        for (edit, dirty) in [(false, false), (true, true)] {
            if edit { try "# edited\n".appendLine(to: policy) }
            #expect(try CLI.run(args).status == 0)
            doc = try Self.json(try String(contentsOf: out, encoding: .utf8))
            let state = (doc["policy"] as? [String: Any])?["git"] as? [String: Any]
            #expect(state?["commit"] as? String == head && state?["dirty"] as? Bool == dirty, "\(String(describing: state))")
        }
    }

    @Test(arguments: [
        (["--all", "--host", "web-01"], Int32(64), "exclude each other"),
        (["--format", "yaml"], 64, "yaml"),
        (["--this-host", "web-01"], 64, "--live"),
        (["--host", "web-1"], 1, "Did you mean 'web-01'?"),
    ])
    func usageAndUnknownHosts(extra: [String], status: Int32, message: String) throws {
        let r = try CLI.run(["audit", "export", "--policy", Self.path("scale-up.policy"), "--log", Self.noLog] + extra)
        #expect(r.status == status && r.stderr.contains(message), "\(r.status) \(r.stderr)")
    }

    @Test func helpOfTheGroupAndTheCommand() throws {
        let group = try CLI.run(["audit", "--help"])
        #expect(group.status == 0 && group.stdout.contains("USAGE: fwctl audit") && group.stdout.contains("export"), "\(group.stdout)")
        let export = try CLI.run(["audit", "export", "--help"])
        #expect(export.status == 0 && export.stdout.contains("USAGE: fwctl audit export"), "\(export.stdout)")
        // Help text is wrapped at the terminal width: compare with whitespace collapsed.
        let flat = export.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("Exit status: 0 the report was written (findings are not errors), 1 error, 64 usage."), "\(flat)")
    }

    @Test func liveNamesWhyItWasNotChecked() throws {
        let r = try CLI.run(["audit", "export", "--policy", Self.path("scale-up.policy"), "--host", "web-01", "--live", "--this-host", "no-such-host", "--log", Self.noLog])
        #expect(r.status == 0, "\(r.stderr)")
        let live = try #require(((try Self.json(r.stdout))["hosts"] as? [[String: Any]])?.first?["live"] as? [String: Any])
        #expect(live["state"] as? String == "not-checked")
        #expect((live["reason"] as? String)?.contains("not a host of the policy") == true)
    }

    /// Not loaded: drift (everything to add); loaded from the compiled text: matched; a hand
    /// edit: drift again. Other hosts are not checked from this machine.
    @Test(.enabled(if: TestNamespace.isRoot, "needs root: loads a table into a network namespace"))
    func liveDriftInANamespace() throws {
        let ns = try TestNamespace(prefix: "fwctl-audit")
        defer { ns.remove() }
        let policy = Self.path("scale-up.policy")
        let export = try CLI.argv(["audit", "export", "--policy", policy, "--host", "db-primary", "--host", "app-01", "--live", "--this-host", "db-primary", "--log", Self.noLog])
        func live() throws -> [[String: Any]] {
            let r = try ns.run(export)
            try #require(r.status == 0, "\(r.stderr)")
            // Nothing on stderr: no run-loop noise from spawning git in a namespace without loopback.
            #expect(r.stderr.isEmpty, "\(r.stderr)")
            return try #require((try Self.json(r.stdout))["hosts"] as? [[String: Any]]).map { try #require($0["live"] as? [String: Any]) }
        }
        var states = try live()
        #expect(states[0]["state"] as? String == "drift" && (states[0]["reason"] as? String)?.contains("not loaded") == true)
        #expect(((states[0]["changes"] as? [String: Any])?["add"] as? Int ?? 0) > 0)
        #expect(states[1]["state"] as? String == "not-checked")

        let compiled = try CLI.run(["compile", "--policy", policy, "--host", "db-primary"])
        try #require(compiled.status == 0)
        try ns.nft(["-f", "-"], stdin: compiled.stdout)
        states = try live()
        #expect(states[0]["state"] as? String == "matched", "\(states[0])")

        try ns.nft(["add", "rule", "inet", "fwctl", "input", "tcp", "dport", "8080", "accept"])
        states = try live()
        #expect(states[0]["state"] as? String == "drift" && (states[0]["changes"] as? [String: Any])?["remove"] as? Int == 1, "\(states[0])")
    }
}

extension String {
    fileprivate func appendLine(to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(utf8))
    }
}
