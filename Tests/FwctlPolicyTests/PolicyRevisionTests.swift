import Foundation
import FwctlPolicy
import FwctlSystem
import Testing

/// `git:REV:path` read from a repository made in the test's own temporary directory.
@Suite struct PolicyRevisionTests {
    let repo: String

    init() throws {
        repo = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-revision-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: repo + "/fleet", withIntermediateDirectories: true)
        try "role web { host w1 10.0.0.1 }\n".write(toFile: repo + "/one.policy", atomically: true, encoding: .utf8)
        try "role db { host d1 10.0.0.2 }\n".write(toFile: repo + "/fleet/a.policy", atomically: true, encoding: .utf8)
        try "# b\n".write(toFile: repo + "/fleet/b.policy", atomically: true, encoding: .utf8)
        try git(["init", "-q"])
        try git(["add", "."])
        try git(["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "first"])
        try "changed\n".write(toFile: repo + "/one.policy", atomically: true, encoding: .utf8)
    }

    func git(_ args: [String]) throws {
        let r = try Subprocess.run(["git", "-C", repo] + args)
        try #require(r.succeeded, "git \(args): \(r.errorText)")
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: repo) }

    @Test func aPathIsReadAsItIs() throws {
        defer { cleanUp() }
        let r = try PolicyRevision(repo + "/one.policy", gitDirectory: repo)
        #expect(r.path == repo + "/one.policy" && r.temporary == nil)
    }

    @Test func aFileIsCopiedAsCommittedUnderItsOwnName() throws {
        defer { cleanUp() }
        let r = try PolicyRevision("git:HEAD:one.policy", gitDirectory: repo)
        #expect((r.path as NSString).lastPathComponent == "one.policy")
        #expect(try String(contentsOfFile: r.path, encoding: .utf8) == "role web { host w1 10.0.0.1 }\n")
        r.remove()
        #expect(!FileManager.default.fileExists(atPath: r.temporary!.path))
    }

    @Test func aDirectoryIsCopiedWithItsFiles() throws {
        defer { cleanUp() }
        let r = try PolicyRevision("git:HEAD:fleet/", gitDirectory: repo)
        defer { r.remove() }
        #expect((r.path as NSString).lastPathComponent == "fleet")
        #expect(try FileManager.default.contentsOfDirectory(atPath: r.path).sorted() == ["a.policy", "b.policy"])
        #expect(try String(contentsOfFile: r.path + "/a.policy", encoding: .utf8) == "role db { host d1 10.0.0.2 }\n")
    }

    @Test(arguments: ["git:HEAD", "git::one.policy", "git:HEAD:"])
    func aMalformedRevisionSaysTheForm(spec: String) throws {
        defer { cleanUp() }
        #expect(throws: PolicyRevisionError("'\(spec)': expected git:REV:path")) { try PolicyRevision(spec, gitDirectory: repo) }
    }

    @Test func aMissingObjectNamesTheRevisionAndGitsReason() throws {
        defer { cleanUp() }
        do {
            _ = try PolicyRevision("git:HEAD:nosuch.policy", gitDirectory: repo)
            Issue.record("read a file that is not in the commit")
        } catch let e as PolicyRevisionError {
            #expect(e.description.hasPrefix("git:HEAD:nosuch.policy: git cat-file failed: "), "\(e)")
            #expect(e.description.count > "git:HEAD:nosuch.policy: git cat-file failed: ".count)
        }
    }
}
