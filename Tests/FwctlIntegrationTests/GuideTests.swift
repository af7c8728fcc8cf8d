import Foundation
import FwctlTestSupport
import Testing

/// docs/GUIDE.md cannot go stale: every ```console block in it is a command (`$ fwctl ...`)
/// and its output, run here from the repository's root and compared after normalising what
/// changes from run to run (times, hashes, generations, process ids, the state directory). Blocks marked
/// ```console root are the server part: the guide runs them with
/// `sudo ip netns exec fwctl-guide` and `--state-dir /tmp/fwctl-guide`; here they run in a
/// namespace of the test's own and a temporary directory, in order (as root; else skipped).
@Suite(.serialized) struct GuideTests {
    static let guide = Repo.root.appendingPathComponent("docs/GUIDE.md")

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

    @Test func offlineOutputsAreCurrent() throws {
        for b in try Self.blocks() where !b.root {
            #expect(b.command.first == "fwctl", "\(b)")
            let r = try CLI.run(Array(b.command.dropFirst()), in: Repo.root)
            #expect(Self.normalise(r.stdout + r.stderr) == Self.normalise(b.output), "\(b)\n--- got:\n\(r.stdout + r.stderr)")
        }
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
            #expect(Self.normalise(out + err, state: state) == Self.normalise(b.output), "\(b)\n--- got:\n\(out + err)")
        }
    }
}
