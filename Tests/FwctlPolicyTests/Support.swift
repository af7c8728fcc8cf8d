import Foundation
import FwctlPolicy

/// Test helpers: files of this repository found from this source file, and one-call checks.
enum Here {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = testsDir.deletingLastPathComponent().deletingLastPathComponent()
    static let policies = root.appendingPathComponent("policies")
    static let corpus = testsDir.appendingPathComponent("Corpus")
    static let golden = testsDir.appendingPathComponent("Golden")
    static let today = CalendarDate(year: 2026, month: 6, day: 1)

    static var bundledPolicies: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: policies.path)) ?? []).filter { $0.hasSuffix(".policy") }.sorted()
    }

    /// Checks `text` as the single file `t.policy`.
    static func check(_ text: String, today: CalendarDate = today) -> CheckResult {
        PolicyFrontEnd.check(files: [SourceFile(path: "t.policy", text: text)], today: today)
    }

    /// `line:col: severity: message` of every diagnostic (the file name left out).
    static func lines(_ text: String) -> [String] {
        check(text).diagnostics.map { "\($0.range.start.line):\($0.range.start.column): \($0.severity.rawValue): \($0.message)" }
    }

    static func render(_ text: String) -> String {
        let r = check(text)
        return DiagnosticRenderer(files: r.files, color: false).render(r.diagnostics)
    }
}
