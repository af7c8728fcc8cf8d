import Foundation
import Testing

/// `fwctl diff` on files, directories and git revisions: rows, lines and exit codes.
@Suite
struct DiffCommandTests {
    static let base = """
        network internet = 0.0.0.0/0
        service https = tcp/443
        service pg = tcp/5432
        role web { host web1 = 192.0.2.1 }
        role db { host db1 = 192.0.2.2 }
        allow internet -> web : https
        allow web -> db : pg

        """
    static let changed = base + "allow db -> web : tcp/8080\n"

    /// A scratch directory (removed by the caller) holding a git repository.
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-diff-test-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("pol"), withIntermediateDirectories: true)
        return dir
    }

    /// Runs a program in `dir`; its exit status and standard output.
    static func run(_ program: URL, _ args: [String], in dir: URL) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = program
        p.arguments = args
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func git(_ args: [String], in dir: URL) throws {
        let r = try run(URL(fileURLWithPath: "/usr/bin/git"), ["-c", "user.name=t", "-c", "user.email=t@example.org"] + args, in: dir)
        guard r.status == 0 else { throw TestFailure("git \(args) failed") }
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var args: [String]
        var status: Int32
        var row: String?
    }

    static let cases: [Case] = [
        Case(description: "same file", args: ["old/p.policy", "pol/p.policy"], status: 0, row: nil),
        Case(description: "changed file", args: ["old/p.policy", "pol/p.policy", "--format", "text"], status: 2,
             row: "+ db -> web : tcp/8080   (p.policy:8: allow db -> web : tcp/8080)"),
        Case(description: "git file against the work tree", args: ["git:HEAD:pol/p.policy", "pol/p.policy"], status: 2,
             row: "+ db -> web : tcp/8080   (p.policy:8: allow db -> web : tcp/8080)"),
        Case(description: "git directory against the work tree", args: ["git:HEAD:pol", "pol"], status: 2,
             row: "+ db -> web : tcp/8080   (p.policy:8: allow db -> web : tcp/8080)"),
        Case(description: "the other way round", args: ["pol", "git:HEAD:pol"], status: 2,
             row: "- db -> web : tcp/8080   (p.policy:8: allow db -> web : tcp/8080)"),
        Case(description: "a revision git does not know", args: ["git:no-such-rev:pol", "pol"], status: 1, row: nil),
        Case(description: "a missing file", args: ["nowhere.policy", "pol"], status: 1, row: nil),
    ]

    @Test(arguments: cases) func diff(_ c: Case) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Committed: the base policy; in the work tree: the changed one; old/: the base again.
        try Self.base.write(to: dir.appendingPathComponent("pol/p.policy"), atomically: false, encoding: .utf8)
        try Self.git(["init", "-q"], in: dir)
        try Self.git(["add", "pol/p.policy"], in: dir)
        try Self.git(["commit", "-q", "-m", "base"], in: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("old"), withIntermediateDirectories: true)
        try Self.base.write(to: dir.appendingPathComponent("old/p.policy"), atomically: false, encoding: .utf8)
        let same = c.description == "same file"
        try (same ? Self.base : Self.changed).write(to: dir.appendingPathComponent("pol/p.policy"), atomically: false, encoding: .utf8)

        let r = try Self.run(CLI.binary, ["diff"] + c.args, in: dir)
        #expect(r.status == c.status, "\(r.out)")
        if let row = c.row {
            #expect(r.out == row + "\n")
        } else {
            // Equal versions say so; an error prints nothing on standard output.
            #expect(r.out == (c.status == 0 ? "no differences\n" : ""))
        }
    }

    @Test func jsonFormat() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.base.write(to: dir.appendingPathComponent("a.policy"), atomically: false, encoding: .utf8)
        try Self.changed.write(to: dir.appendingPathComponent("b.policy"), atomically: false, encoding: .utf8)
        let r = try Self.run(CLI.binary, ["diff", "a.policy", "b.policy", "--format", "json"], in: dir)
        #expect(r.status == 2)
        let o = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        #expect(o?["added"] as? Int == 1)
        #expect(o?["removed"] as? Int == 0)
    }
}
