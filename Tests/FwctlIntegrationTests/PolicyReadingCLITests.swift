import Foundation
import Testing

/// Reading a policy as a user runs it, in the cases that went wrong: an editor's lock file
/// in the policy directory, a symlink loop, and a justification holding HTML in the Markdown
/// audit report.
@Suite struct PolicyReadingCLITests {
    static let policy = """
        service ssh = tcp/22
        role a { host a1 = 192.0.2.1 }
        role b { host b1 = 192.0.2.2 }
        allow a -> b : ssh { owner "ops" because "<script>alert(1)</script>" review 2030-01-01 }
        """

    static func withDirectory(_ body: (URL) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-reading-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try body(dir)
    }

    @Test func anEditorLockFileIsSkippedAndSaidWithVerbose() throws {
        try Self.withDirectory { dir in
            try Self.policy.write(to: dir.appendingPathComponent("web.policy"), atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(".#web.policy").path, withDestinationPath: "alice@host.4242:1700000000")
            for command in [["check"], ["compile", "--host", "a1"], ["test"], ["verify", "--all"]] {
                let quiet = try CLI.run(command + ["--policy", dir.path])
                #expect(quiet.status == 0 && !quiet.stderr.contains("skipped"), "\(command): \(quiet.stderr)")
                let verbose = try CLI.run(command + ["--policy", dir.path, "--verbose"])
                #expect(verbose.status == 0, "\(command): \(verbose.stderr)")
                #expect(verbose.stderr.contains("fwctl: skipped \(dir.path)/.#web.policy: hidden"), "\(command): \(verbose.stderr)")
            }
        }
    }

    @Test func aSymlinkLoopIsNamedAsOne() throws {
        try Self.withDirectory { dir in
            let a = dir.appendingPathComponent("a.policy").path, b = dir.appendingPathComponent("b.policy").path
            try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: b)
            try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: a)
            for r in [try CLI.run(["check", "--policy", a]), try CLI.run(["check", "--policy", dir.path]), try CLI.run(["diff", a, a])] {
                #expect(r.status == 1 && r.stderr.contains("too many levels of symbolic links (a symlink loop)"), "\(r.stderr)")
                #expect(!r.stderr.contains("no such file"), "\(r.stderr)")
            }
        }
    }

    @Test func markdownReportEscapesTheJustification() throws {
        try Self.withDirectory { dir in
            let file = dir.appendingPathComponent("p.policy")
            try Self.policy.write(to: file, atomically: false, encoding: .utf8)
            let r = try CLI.run(["audit", "export", "--policy", file.path, "--format", "md", "--log", "/dev/null"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(!r.stdout.contains("<script>") && r.stdout.contains(#"\<script\>alert(1)\</script\>"#), "\(r.stdout)")
        }
    }
}
