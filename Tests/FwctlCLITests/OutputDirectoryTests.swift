import Foundation
import FwctlCLI
import Testing

/// `compile -o DIR`'s directory: made with its parents, or a failure naming errno.
@Suite struct OutputDirectoryTests {
    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-outdir-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    @Test func parentsAreMadeAndAnExistingDirectoryIsFine() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for path in [root + "/a/b/c", root + "/a/b/c", root + "/a//d/", root] {
            try OutputDirectory.create(path)
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue, "\(path)")
        }
    }

    @Test func aFileInTheWayIsNotADirectory() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = root + "/file"
        #expect(FileManager.default.createFile(atPath: file, contents: nil))
        for path in [file, file + "/sub"] {
            #expect(throws: OutputDirectory.Failure(path: path, errno: ENOTDIR)) { try OutputDirectory.create(path) }
        }
        #expect(OutputDirectory.Failure(path: file, errno: ENOTDIR).description == "cannot create directory '\(file)': \(String(cString: strerror(ENOTDIR)))")
    }
}
