import Foundation
import Testing
import FwctlPolicy

/// `PolicyFrontEnd.load`: files, directories, and the ways reading can fail.
@Suite struct LoadTests {
    /// A fresh directory, removed after `body`.
    static func withDirectory(_ body: (URL) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-policy-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try body(dir)
    }

    @Test func missingPath() {
        #expect(throws: PolicyLoadError.unreadable(path: "/nonexistent/fwctl.policy", reason: "no such file or directory")) {
            try PolicyFrontEnd.load(path: "/nonexistent/fwctl.policy", today: Here.today)
        }
        #expect(PolicyLoadError.unreadable(path: "/x", reason: "no such file or directory").description == "/x: cannot read the policy: no such file or directory")
    }

    @Test func emptyDirectory() throws {
        try Self.withDirectory { dir in
            try "not a policy".write(to: dir.appendingPathComponent("README"), atomically: false, encoding: .utf8)
            #expect(throws: PolicyLoadError.emptyDirectory(path: dir.path)) {
                try PolicyFrontEnd.load(path: dir.path, today: Here.today)
            }
        }
    }

    @Test func directoryFilesInNameOrderNotRecursive() throws {
        try Self.withDirectory { dir in
            try "allow web -> web : https\n".write(to: dir.appendingPathComponent("20-flows.policy"), atomically: false, encoding: .utf8)
            try "role web { host w1 = 192.0.2.1 }\nservice https = tcp/443\n".write(to: dir.appendingPathComponent("10-roles.policy"), atomically: false, encoding: .utf8)
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
            try "garbage {{{".write(to: dir.appendingPathComponent("sub/x.policy"), atomically: false, encoding: .utf8)
            let r = try PolicyFrontEnd.load(path: dir.path, today: Here.today)
            #expect(r.files.map { $0.path.lastComponent } == ["10-roles.policy", "20-flows.policy"])
            #expect(!r.hasErrors)
            #expect(r.fleet?.flows.first?.range.file == dir.path + "/20-flows.policy")
        }
    }

    @Test func notUTF8SaysWhere() throws {
        try Self.withDirectory { dir in
            let path = dir.appendingPathComponent("bin.policy").path
            _ = FileManager.default.createFile(atPath: path, contents: Data("role a {\n  \u{7F}".utf8 + [0xC3, 0x28]))
            #expect(throws: PolicyLoadError.notUTF8(path: path, line: 2, column: 4)) {
                try PolicyFrontEnd.load(path: path, today: Here.today)
            }
        }
    }

    @Test func diagnosticsSortedByFileThenPosition() {
        let a = SourceFile(path: "b.policy", text: "allow x -> y : tcp/1\n")
        let b = SourceFile(path: "a.policy", text: "service s = tcp/0\nnetwork n = 1.2.3\n")
        let r = PolicyFrontEnd.check(files: [a, b], today: Here.today)
        #expect(r.diagnostics.map { "\($0.range)" } == ["b.policy:1:7", "b.policy:1:12", "a.policy:1:13", "a.policy:2:13"])
        #expect(DiagnosticRenderer(files: r.files, color: false).render(r.diagnostics).hasSuffix("4 errors, 0 warnings\n"))
    }

    @Test func todayIsAPlausibleUTCDate() {
        let t = CalendarDate.today()
        #expect(t.year >= 2024 && (1...12).contains(t.month) && (1...31).contains(t.day))
    }
}
