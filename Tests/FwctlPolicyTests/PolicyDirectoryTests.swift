import Foundation
import Testing
@testable import FwctlPolicy

/// Reading a policy directory: what is read, what is skipped and said with --verbose, and
/// why a path cannot be read, in words (a symlink loop is not a missing file).
@Suite struct PolicyDirectoryTests {
    static let roles = "role web { host w1 = 192.0.2.1 }\nservice https = tcp/443\nallow web -> web : https\n"

    @Test func aSymlinkLoopIsNotAMissingFile() throws {
        try LoadTests.withDirectory { dir in
            let a = dir.appendingPathComponent("a.policy").path, b = dir.appendingPathComponent("b.policy").path
            try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: b)
            try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: a)
            // The policy path itself, and a file of a directory.
            #expect(throws: PolicyLoadError.unreadable(path: a, reason: "too many levels of symbolic links (a symlink loop)")) {
                try PolicyFrontEnd.load(path: a, today: Here.today)
            }
            #expect(throws: PolicyLoadError.unreadable(path: a, reason: "too many levels of symbolic links (a symlink loop)")) {
                try PolicyFrontEnd.load(path: dir.path, today: Here.today)
            }
        }
    }

    @Test func aMissingFileAndAFileInAMissingDirectory() {
        for path in ["/nonexistent/fwctl.policy", "/etc/hostname/x.policy"] {
            #expect(throws: PolicyLoadError.self) { try PolicyFrontEnd.load(path: path, today: Here.today) }
        }
        #expect(PolicyDirectory.reason(errno: ENOENT) == "no such file or directory")
        #expect(PolicyDirectory.reason(errno: ENOTDIR) == "a component of the path is not a directory")
        #expect(PolicyDirectory.reason(errno: EACCES) == "permission denied")
    }

    /// An editor's lock symlink (`.#web.policy`, dangling), a hidden file and backups are
    /// skipped, and listed as skipped; the policy loads.
    @Test func editorLockAndBackupFilesAreSkipped() throws {
        try LoadTests.withDirectory { dir in
            try Self.roles.write(to: dir.appendingPathComponent("web.policy"), atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(".#web.policy").path, withDestinationPath: "alice@host.1234:1700000000")
            for name in [".web.policy.swp", "web.policy~", "#web.policy#", ".hidden.policy", "README"] {
                try "garbage {{{".write(to: dir.appendingPathComponent(name), atomically: false, encoding: .utf8)
            }
            let r = try PolicyFrontEnd.load(path: dir.path, today: Here.today)
            #expect(r.files.map { ($0.path as NSString).lastPathComponent } == ["web.policy"])
            #expect(!r.hasErrors)
            let listing = try PolicyDirectory.list(dir.path)
            #expect(listing.files == [dir.path + "/web.policy"])
            #expect(listing.skipped.map(\.name) == ["#web.policy#", ".#web.policy", ".hidden.policy", ".web.policy.swp", "README", "web.policy~"])
            #expect(listing.skipped.first { $0.name == ".#web.policy" }?.reason == "hidden (a name starting with '.': editor locks and swap files)")
            #expect(listing.skipped.first { $0.name == "README" }?.reason == "not a *.policy file")
        }
    }

    /// Only hidden files: as empty as a directory without policy files.
    @Test func onlyHiddenPolicyFiles() throws {
        try LoadTests.withDirectory { dir in
            try Self.roles.write(to: dir.appendingPathComponent(".web.policy"), atomically: false, encoding: .utf8)
            #expect(throws: PolicyLoadError.emptyDirectory(path: dir.path)) { try PolicyFrontEnd.load(path: dir.path, today: Here.today) }
        }
    }
}
