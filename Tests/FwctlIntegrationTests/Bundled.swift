import Foundation
import FwctlCompiler
import FwctlPolicy
import FwctlRuleset

/// The project's files, found from this source file (tests run from any directory).
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let policies = root.appendingPathComponent("policies")
    static let golden = root.appendingPathComponent("Tests/Golden")

    /// The bundled policies' file names, sorted.
    static var bundledPolicies: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: policies.path)) ?? []).filter { $0.hasSuffix(".policy") }.sorted()
    }

    /// Loads and checks a bundled policy; fails loudly if it has errors.
    static func fleet(_ name: String) throws -> Fleet {
        let result = try PolicyFrontEnd.load(path: policies.appendingPathComponent(name).path, today: CalendarDate(year: 2026, month: 1, day: 1))
        guard let fleet = result.fleet else {
            throw TestFailure("\(name) has errors:\n" + DiagnosticRenderer(files: result.files, color: false).render(result.diagnostics))
        }
        return fleet
    }

    /// Every (policy, host, ruleset) of the bundled policies.
    static func compiledBundled() throws -> [(policy: String, host: String, ruleset: Ruleset)] {
        try bundledPolicies.flatMap { p in
            Compiler(fleet: try fleet(p)).compileAll().map { (p, $0.host, $0.ruleset) }
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
