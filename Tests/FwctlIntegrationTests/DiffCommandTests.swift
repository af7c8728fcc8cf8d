import Foundation
import Testing
import FwctlTestSupport

/// `fwctl diff` on files, directories and git revisions: rows, lines and exit codes.
@Suite
struct DiffCommandTests {
    static let base = SamplePolicy.webAndDatabase
    static let changed = base + "allow db -> web : tcp/8080\n"

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
        let dir = try ScratchDirectory(prefix: "fwctl-diff-test")
        defer { dir.remove() }
        // Committed: the base policy; in the work tree: the changed one; old/: the base again.
        try dir.write(Self.base, to: "pol/p.policy")
        for step in [["init", "-q"], ["add", "pol/p.policy"], ["commit", "-q", "-m", "base"]] { try dir.git(step) }
        try dir.write(Self.base, to: "old/p.policy")
        try dir.write(c.description == "same file" ? Self.base : Self.changed, to: "pol/p.policy")

        let r = try CLI.run(["diff"] + c.args, in: dir.url)
        #expect(r.status == c.status, "\(r.stdout)")
        if let row = c.row {
            #expect(r.stdout == row + "\n")
        } else {
            // Equal versions say so; an error prints nothing on standard output.
            #expect(r.stdout == (c.status == 0 ? "no differences\n" : ""))
        }
    }

    @Test func jsonFormat() throws {
        let dir = try ScratchDirectory(prefix: "fwctl-diff-test")
        defer { dir.remove() }
        try dir.write(Self.base, to: "a.policy")
        try dir.write(Self.changed, to: "b.policy")
        let r = try CLI.run(["diff", "a.policy", "b.policy", "--format", "json"], in: dir.url)
        #expect(r.status == 2)
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(o?["added"] as? Int == 1)
        #expect(o?["removed"] as? Int == 0)
    }
}
