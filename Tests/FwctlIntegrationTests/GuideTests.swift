import Foundation
import FwctlTestSupport
import Testing

/// docs/GUIDE.md cannot go stale: every ```console block in it is a command (`$ fwctl ...`)
/// and its output, run here from the repository's root and compared after normalising what
/// changes from run to run (times, hashes, generations, process ids, the state directory). Blocks marked
/// ```console root are the server part: the guide runs them with
/// `sudo ip netns exec fwctl-guide` and `--state-dir /tmp/fwctl-guide`; here they run in a
/// namespace of the test's own and a temporary directory, in order (as root; else skipped).
/// `FWCTL_RECORD=1` writes the outputs of today's fwctl into the guide, then fails: read the
/// diff of GUIDE.md, fix the prose where the story changed, and run again.
@Suite(.serialized) struct GuideTests {
    static let guide = Repo.root.appendingPathComponent("docs/GUIDE.md")
    static let recording = ProcessInfo.processInfo.environment["FWCTL_RECORD"] == "1"

    struct Block: CustomStringConvertible {
        var line: Int
        var root: Bool
        var command: [String]
        var output: String
        var description: String { "GUIDE.md:\(line): \(command.joined(separator: " "))" }
    }

    static func blocks() throws -> [Block] {
        let lines = try String(contentsOf: guide, encoding: .utf8).components(separatedBy: "\n")
        var out: [Block] = [], i = 0
        while i < lines.count {
            let fence = lines[i]
            guard fence == "```console" || fence == "```console root" else { i += 1; continue }
            let start = i + 1
            var body: [String] = []
            i += 1
            while i < lines.count && lines[i] != "```" { body.append(lines[i]); i += 1 }
            i += 1
            guard let first = body.first, first.hasPrefix("$ ") else { continue }
            var words = first.dropFirst(2).split(separator: " ").map(String.init)
            if fence.hasSuffix("root") { words.removeFirst(5) }   // sudo ip netns exec fwctl-guide
            out.append(Block(line: start, root: fence.hasSuffix("root"), command: words, output: body.dropFirst().map { $0 + "\n" }.joined()))
        }
        return out
    }

    /// What differs between runs, replaced by a placeholder.
    static func normalise(_ text: String, state: String? = nil) -> String {
        // CSV lines end in CRLF (RFC 4180); a Markdown file keeps LF.
        var t = text.replacingOccurrences(of: "\r\n", with: "\n")
        if let state { t = t.replacingOccurrences(of: state, with: "/tmp/fwctl-guide") }
        for (pattern, with) in [(#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"#, "TIME"), (#"\b[0-9a-f]{12,64}\b(\+dirty)?"#, "HASH"),
                                (#"generation \d+"#, "generation N"), (#"pid \d+"#, "pid N"), (#"\d+(\.\d+)? ?ms\b"#, "N ms")] {
            t = t.replacingOccurrences(of: pattern, with: with, options: .regularExpression)
        }
        return t
    }

    @Test func guideHasCommands() throws {
        let blocks = try Self.blocks()
        #expect(blocks.filter { !$0.root }.count >= 5)
        #expect(blocks.filter(\.root).count >= 4)
    }

    /// The example at the top of the language reference is a policy that checks clean.
    @Test func languageReferenceExampleChecks() throws {
        let text = try String(contentsOf: Repo.root.appendingPathComponent("docs/POLICY-LANGUAGE.md"), encoding: .utf8)
        let example = try #require(text.components(separatedBy: "## The constructs, by example\n\n```\n").dropFirst().first?.components(separatedBy: "```").first)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-language-\(getpid())-\(UUID().uuidString).policy")
        defer { try? FileManager.default.removeItem(at: file) }
        try example.write(to: file, atomically: false, encoding: .utf8)
        let r = try CLI.run(["check", "--strict", "--policy", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try CLI.run(["test", "--policy", file.path]).status == 0)
    }

    @Test func offlineOutputsAreCurrent() throws {
        for b in try Self.blocks() where !b.root {
            #expect(b.command.first == "fwctl", "\(b)")
            let r = try CLI.run(Array(b.command.dropFirst()), in: Repo.root)
            if Self.recording { try Self.record(b, r.stdout + r.stderr); continue }
            #expect(Self.normalise(r.stdout + r.stderr) == Self.normalise(b.output), "\(b)\n--- got:\n\(r.stdout + r.stderr)")
        }
        #expect(!Self.recording, "recorded the outputs into GUIDE.md; unset FWCTL_RECORD and run again")
    }

    @Test(.enabled(if: TestNamespace.isRoot, "needs root: the server part applies a table in a network namespace"))
    func serverOutputsAreCurrent() throws {
        let ns = try TestNamespace(prefix: "fwctl-guide")
        defer { ns.remove() }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-guide-\(ns.name)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        for b in try Self.blocks() where b.root {
            let args = b.command.dropFirst().map { $0 == "/tmp/fwctl-guide" ? state : $0 }
            let argv = try CLI.argv(Array(args))
            let (_, out, err) = try runProcess(["ip", "netns", "exec", ns.name, "env", "-u", "SSH_CONNECTION", "-u", "SSH_CLIENT", "NO_COLOR=1", "sh", "-c", "cd \"$0\" && exec \"$@\"", Repo.root.path] + argv, stdin: nil)
            if Self.recording { try Self.record(b, (out + err).replacingOccurrences(of: state, with: "/tmp/fwctl-guide")); continue }
            #expect(Self.normalise(out + err, state: state) == Self.normalise(b.output), "\(b)\n--- got:\n\(out + err)")
        }
        #expect(!Self.recording, "recorded the outputs into GUIDE.md; unset FWCTL_RECORD and run again")
    }

    /// Replaces the output of block `b` in GUIDE.md (the file read again: earlier blocks may have grown).
    static func record(_ b: Block, _ output: String) throws {
        var lines = try String(contentsOf: guide, encoding: .utf8).components(separatedBy: "\n")
        let start = try #require(try blocks().first { $0.command == b.command && $0.root == b.root }).line
        var end = start + 1
        while lines[end] != "```" { end += 1 }
        let text = output.replacingOccurrences(of: "\r\n", with: "\n")
        lines.replaceSubrange(start + 1..<end, with: text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).map(String.init))
        try lines.joined(separator: "\n").write(to: guide, atomically: true, encoding: .utf8)
    }
}
