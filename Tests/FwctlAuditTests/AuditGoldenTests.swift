import Foundation
import Testing
import FwctlAudit

/// scale-up.policy's report in every format, byte for byte against
/// Tests/Golden/audit/scale-up.{json,csv,md,html}, at a fixed date (2027-04-15, so the ops
/// flows are overdue) with no git state. `FWCTL_RECORD=1` rewrites the files and fails, as
/// the compiler's golden tests do, so nobody records by accident.
@Suite struct AuditGoldenTests {
    static let recording = ProcessInfo.processInfo.environment["FWCTL_RECORD"] == "1"

    static let formats: [(String, @Sendable (AuditReport) -> String)] = [
        ("json", AuditJSON.render), ("csv", AuditCSV.render), ("md", AuditMarkdown.render), ("html", AuditHTML.render),
    ]

    @Test func scaleUpMatchesItsGoldenFiles() throws {
        let report = try Fixtures.bundled("scale-up.policy").builder.build(now: Fixtures.now)
        var recorded = 0
        for (ext, render) in Self.formats {
            let file = Fixtures.golden.appendingPathComponent("scale-up.\(ext)")
            let text = render(report)
            if Self.recording {
                try FileManager.default.createDirectory(at: Fixtures.golden, withIntermediateDirectories: true)
                try text.write(to: file, atomically: false, encoding: .utf8)
                recorded += 1
                continue
            }
            let expected = try? String(contentsOf: file, encoding: .utf8)
            #expect(expected != nil, "missing golden file \(file.path); record with FWCTL_RECORD=1")
            if let expected { #expect(text == expected, "scale-up.\(ext) differs from its golden file") }
        }
        #expect(!Self.recording, "recorded \(recorded) golden files; unset FWCTL_RECORD and run again")
    }
}
