import Foundation
import Testing

/// `fwctl audit log` on logs written by an independent implementation of the documented
/// format (Python, docs/AUDIT-LOG.md): fwctl must find them intact, list them, and report
/// each kind of damage with exit 2. No root needed.
@Suite struct AuditLogCLITests {
    /// Writes `count` chained entries the way docs/AUDIT-LOG.md defines them.
    static let writer = """
        import sys, json, hashlib
        path, count = sys.argv[1], int(sys.argv[2])
        prev = "0" * 64
        with open(path, "w") as f:
            for seq in range(1, count + 1):
                e = {"seq": seq, "time": "2026-11-28T12:%02d:00.000Z" % seq, "host": "web-01", "action": "apply",
                     "actor": {"user": "root", "uid": 0, "sudoUser": "alice", "sudoUID": 1000},
                     "policy": {"sha256": "a" * 64, "commit": "0123abcd" * 5, "dirty": False},
                     "summary": {"add": seq, "change": 0, "remove": 0},
                     "changes": ["+ add a rule to chain input from web/main.policy:%d: allow lb -> web : https" % seq],
                     "generationBefore": seq, "generationAfter": seq + 1,
                     "outcome": "started" if seq % 2 else "applied", "prev": prev}
                canonical = json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                e["hash"] = prev = hashlib.sha256(canonical.encode()).hexdigest()
                f.write(json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\\n")
        print(prev)
        """

    /// A fresh log of `count` entries; its path and head hash.
    static func log(_ count: Int) throws -> (path: String, head: String, dir: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-auditcli-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/apply-log.jsonl"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", writer, path, String(count)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let head = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        p.waitUntilExit()
        try #require(p.terminationStatus == 0 && head.count == 64)
        return (path, head, dir)
    }

    @Test func independentlyWrittenLogVerifiesAndLists() throws {
        let (path, head, dir) = try Self.log(4)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let v = try CLI.run(["audit", "log", "--verify", "--log", path])
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
        #expect(v.stdout.contains("intact, 4 entries") && v.stdout.contains("head \(head)"), "\(v.stdout)")
        let a = try CLI.run(["audit", "log", "--verify", "--anchor", head, "--log", path])
        #expect(a.status == 0)
        let list = try CLI.run(["audit", "log", "--log", path])
        #expect(list.status == 0)
        #expect(list.stdout.contains("#2 2026-11-28T12:02:00.000Z web-01 apply applied by root (sudo from alice) generation 2 -> 3"), "\(list.stdout)")
        #expect(list.stdout.contains("+ add a rule to chain input from web/main.policy:4: allow lb -> web : https"))
        let json = try CLI.run(["audit", "log", "--log", path, "--format", "json"])
        let entries = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(entries?.count == 4 && entries?.last?["hash"] as? String == head)
    }

    /// (name, edit of the lines, what --verify must say)
    static let damage: [(String, @Sendable ([String]) -> String, String)] = [
        ("altered", { l in var l = l; l[1] = l[1].replacingOccurrences(of: "\"alice\"", with: "\"bob\""); return l.joined(separator: "\n") + "\n" },
         "altered: line 2 (seq 2)"),
        ("removed", { l in var l = l; l.remove(at: 2); return l.joined(separator: "\n") + "\n" }, "removed: seq 3 is missing"),
        ("reordered", { l in var l = l; l.swapAt(0, 1); return l.joined(separator: "\n") + "\n" }, "reordered: line 2 (seq 1) comes after seq 2"),
        ("torn", { l in l.joined(separator: "\n") + "\n" + String(l[0].prefix(30)) }, "torn: line 5 is torn"),
    ]

    @Test(arguments: damage.indices)
    func damagedLogExitsTwoAndSaysWhere(_ i: Int) throws {
        let (name, edit, expected) = Self.damage[i]
        let (path, _, dir) = try Self.log(4)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        try edit(lines).write(toFile: path, atomically: false, encoding: .utf8)
        let v = try CLI.run(["audit", "log", "--verify", "--log", path])
        #expect(v.status == 2, "\(name): \(v.stdout)\(v.stderr)")
        #expect(v.stdout.contains(expected) && v.stdout.contains("BROKEN"), "\(name): \(v.stdout)")
    }

    @Test func entriesCutOffTheEndFailOnlyAgainstTheAnchor() throws {
        let (path, head, dir) = try Self.log(4)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(2).joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try CLI.run(["audit", "log", "--verify", "--log", path]).status == 0)
        let anchored = try CLI.run(["audit", "log", "--verify", "--anchor", head, "--log", path])
        #expect(anchored.status == 2 && anchored.stdout.contains("anchor-missing"), "\(anchored.stdout)")
    }

    @Test func missingLogIsAnError() throws {
        let r = try CLI.run(["audit", "log", "--verify", "--log", "/nonexistent/apply-log.jsonl"])
        #expect(r.status == 1 && r.stderr.contains("no apply log at /nonexistent/apply-log.jsonl"), "\(r.stderr)")
    }
}
