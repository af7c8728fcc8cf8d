import Foundation
import Testing
@testable import FwctlSystem

@Suite struct AtomicFileTests {
    func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-atomic-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func replacesTheFileAndLeavesNothingElse() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.json"
        try AtomicFile.write("old\n", to: path)
        try AtomicFile.write("new\n", to: path, mode: 0o600, sync: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["plan.json"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aMissingDirectoryIsAClearError() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: AtomicFile.Failure(path: dir + "/missing/plan.json", reason: "ENOENT (no such file or directory)")) {
            try AtomicFile.write("x", to: dir + "/missing/plan.json")
        }
    }

    /// The rename fails (the target is a directory): the temporary file is removed again and
    /// the target is untouched.
    @Test func aFailedRenameLeavesNoTemporaryFile() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/target", withIntermediateDirectories: false)
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.write("x", to: dir + "/target") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["target"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/target").isEmpty)
    }
}
