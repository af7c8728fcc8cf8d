import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
import FwctlTestSupport
@testable import FwctlVerifier

/// Policies written in tests, parsed, checked and compiled as `fwctl` does.
enum PolicyText {
    static func fleet(_ text: String, file: String = "t.policy") throws -> Fleet {
        let source = try PolicyFrontEnd.sourceFile(path: file, bytes: Array(text.utf8))
        let result = PolicyFrontEnd.check(files: [source], today: CalendarDate(year: 2026, month: 1, day: 1))
        guard let fleet = result.fleet, !result.hasErrors else {
            throw PolicyTextError(message: result.diagnostics.map(\.message).joined(separator: "\n"))
        }
        return fleet
    }

    static func model(_ fleet: Fleet) -> FleetModel {
        let rulesets = Dictionary(Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) }, uniquingKeysWith: { a, _ in a })
        return FleetModel(fleet: fleet, rulesets: rulesets)
    }

    /// A web server reached from the internet and its database: the policy the small tests
    /// extend (appended lines start at line 8).
    static let webAndDatabase = SamplePolicy.webAndDatabase

    static func report(_ text: String) throws -> PolicyTestReport {
        let fleet = try fleet(text)
        return PolicyTestRunner(fleet: fleet, model: model(fleet)).run()
    }
}

struct PolicyTextError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
