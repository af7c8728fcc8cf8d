import Testing
import FwctlNet
import FwctlPolicy
import FwctlRuleset
@testable import FwctlCompiler

/// Review of `TablePatch.derive` against its oracle (a fresh compile) with inputs the
/// original oracle test does not try.
@Suite struct TablePatchEdgeCaseTests {
    static let today = CalendarDate(year: 2026, month: 11, day: 28)

    static func compile(_ files: [(String, String)], host: String) -> (table: Table, dependencies: TableDependencies)? {
        let result = PolicyFrontEnd.check(files: files.map { SourceFile(path: $0.0, text: $0.1) }, today: today, warnings: false)
        guard let fleet = result.fleet else { return nil }
        return try? Compiler(fleet: fleet).compileWithDependencies(host: host)
    }

    /// Rule comments name a file by its last path component, so two files with the same
    /// basename in different folders share a comment prefix: a host inserted into one must
    /// not move the comments of flows in the other.
    @Test func sameBasenameInTwoFolders() throws {
        let roles = "role target {\n  host t = 192.0.2.1\n}\nrole web {\n  host w1 = 10.0.0.1\n}\n"
        // The flow is on line 9 of b/p.policy, after the insertion line (6) of a/p.policy.
        let flows = "# flows\n\n\n\n\n\n\n\nallow web -> target : tcp/443\n"
        let old = [("a/p.policy", roles), ("b/p.policy", flows)]
        let newRoles = roles.replacingOccurrences(of: "  host w1 = 10.0.0.1\n", with: "  host w1 = 10.0.0.1\n  host w2 = 10.0.0.2\n")
        let new = [("a/p.policy", newRoles), ("b/p.policy", flows)]
        let base = try #require(Self.compile(old, host: "t"))
        let truth = try #require(Self.compile(new, host: "t"))
        let derived = TablePatch.derive(from: old.map { ($0.0, Array($0.1.utf8)) }, to: new.map { ($0.0, Array($0.1.utf8)) },
                                        table: base.table, dependencies: base.dependencies)
        // Either not derived, or derived exactly.
        if let derived {
            #expect(derived == truth.table)
            let comments = derived.chains.flatMap(\.rules).compactMap(\.comment).filter { $0.contains("allow web") }
            #expect(comments == ["p.policy:9: allow web -> target : tcp/443"])
        }
    }
}

/// Further oracle cases tried in the review: whenever `derive` gives a table, it must be the
/// compiled one (and the new policy must compile).
@Suite struct TablePatchEdgeCaseOracleTests {
    static let base = "role target {\n  host t = 192.0.2.1\n}\nrole web {\n  host w1 = 10.0.0.1\n  host w2 = 10.0.0.3\n}\nallow web -> target : tcp/443\nallow * -> target : tcp/22\n"

    static let cases: [(String, String, String)] = [
        ("CRLF", base.replacingOccurrences(of: "\n", with: "\r\n"), "  host w3 = 10.0.0.2\r\n"),
        ("BOM", "\u{FEFF}" + base, "  host w3 = 10.0.0.2\n"),
        ("tabs", base, "\thost\tw3\t=\t10.0.0.2\n"),
        ("range", base, "  host w3 = 10.0.0.2-10.0.0.9\n"),
        ("prefix with host bits", base, "  host w3 = 10.0.0.5/30\n"),
        ("no final newline", String(base.dropLast()), "  host w3 = 10.0.0.2\n"),
        ("adjacent", base, "  host w3 = 10.0.0.2\n  host w4 = 10.0.0.4\n"),
        ("dotted name", base, "  host w3.example = 10.0.0.2\n"),
        ("networks, fleet flows both ways", base + "network inside = 10.0.0.0/24\nallow inside -> target : tcp/80\nallow target -> * : tcp/9100\nallow web -> web : tcp/7000\n",
         "  host w3 = 10.0.0.2\n"),
        ("target in two roles", base.replacingOccurrences(of: "  host w2 = 10.0.0.3\n", with: "  host w2 = 10.0.0.3\n  host t = 192.0.2.1\n"), "  host w3 = 10.0.0.2\n"),
    ]

    @Test(arguments: 0..<cases.count)
    func derivedEqualsCompiled(_ index: Int) throws {
        let (what, old, insertion) = Self.cases[index]
        // Insert after w1's line (line 5), before w2's.
        let marker = old.contains("\r\n") ? "  host w1 = 10.0.0.1\r\n" : "  host w1 = 10.0.0.1\n"
        let new = old.replacingOccurrences(of: marker, with: marker + insertion)
        let files = { (text: String) in [("p.policy", text)] }
        let baseTable = try #require(TablePatchEdgeCaseTests.compile(files(old), host: "t"), "\(what): base")
        guard let derived = TablePatch.derive(from: [("p.policy", Array(old.utf8))], to: [("p.policy", Array(new.utf8))],
                                              table: baseTable.table, dependencies: baseTable.dependencies) else { return }
        let truth = TablePatchEdgeCaseTests.compile(files(new), host: "t")
        #expect(truth?.table == derived, "\(what)")
    }
}
