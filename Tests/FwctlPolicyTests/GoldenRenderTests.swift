import Foundation
import Testing
import FwctlPolicy

/// Rendered diagnostics (source lines, carets, help, notes, summary) byte for byte against
/// Golden/<name>.txt. `FWCTL_RECORD=1` rewrites the files and fails.
@Suite struct GoldenRenderTests {
    static let cases = [("errors", false), ("notes", false), ("warnings", false), ("notes", true)]

    @Test(arguments: cases)
    func renderingMatches(name: String, color: Bool) throws {
        let policy = Here.golden.appendingPathComponent(name + ".policy")
        let file = SourceFile(path: name + ".policy", text: try String(contentsOf: policy, encoding: .utf8))
        let r = PolicyFrontEnd.check(files: [file], today: Here.today)
        let out = DiagnosticRenderer(files: r.files, color: color).render(r.diagnostics)
        let golden = Here.golden.appendingPathComponent(name + (color ? ".color" : "") + ".txt")
        if CorpusTests.recording {
            try out.write(to: golden, atomically: false, encoding: .utf8)
            Issue.record("recorded \(golden.lastPathComponent); unset FWCTL_RECORD and run again")
            return
        }
        #expect(out == (try String(contentsOf: golden, encoding: .utf8)))
    }
}
