import Foundation
import Testing
import FwctlPolicy

/// Malformed policies under Corpus/, each with the exact diagnostics it must give in
/// `NN-name.expected` (`file:line:col: severity: message`, one per line). `FWCTL_RECORD=1`
/// rewrites the expected files and fails, so nobody records by accident.
@Suite struct CorpusTests {
    static let recording = ProcessInfo.processInfo.environment["FWCTL_RECORD"] == "1"

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Here.corpus.path)) ?? [])
            .filter { $0.hasSuffix(".policy") }.map { String($0.dropLast(".policy".count)) }.sorted()
    }

    static func actual(_ name: String) throws -> [String] {
        let bytes = try [UInt8](Data(contentsOf: Here.corpus.appendingPathComponent(name + ".policy")))
        let file = try PolicyFrontEnd.sourceFile(path: name + ".policy", bytes: bytes)
        let r = PolicyFrontEnd.check(files: [file], today: Here.today)
        #expect(r.fleet == nil, "\(name) must have an error")
        return r.diagnostics.map { "\($0.range):  \($0.severity.rawValue): \($0.message)".replacingOccurrences(of: ":  ", with: ": ") }
    }

    @Test func thereAreAtLeastFortyCases() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func givesExactlyTheExpectedDiagnostics(name: String) throws {
        let lines = try Self.actual(name)
        let expectedURL = Here.corpus.appendingPathComponent(name + ".expected")
        if Self.recording {
            try (lines.joined(separator: "\n") + "\n").write(to: expectedURL, atomically: false, encoding: .utf8)
            Issue.record("recorded \(expectedURL.lastPathComponent); unset FWCTL_RECORD and run again")
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == expected)
    }
}
