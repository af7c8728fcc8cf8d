import Foundation
import Testing
@testable import FwctlPolicy

@Suite struct ScratchTests {
    @Test func scratch() throws {
        guard let dir = ProcessInfo.processInfo.environment["P2S"] else { return }
        for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where name.hasSuffix(".policy") {
            do {
                let r = try PolicyFrontEnd.load(path: dir + "/" + name, today: CalendarDate(year: 2026, month: 6, day: 1))
                print("=== \(name)\n" + DiagnosticRenderer(files: r.files, color: false).render(r.diagnostics))
            } catch { print("=== \(name)\nLOAD: \(error)") }
        }
    }
    @Test func timing() throws {
        guard ProcessInfo.processInfo.environment["P2T"] != nil else { return }
        var text = "role web { host w1 = 192.0.2.1 }\nservice https = tcp/443\n"
        let line = "allow 10.0.0.0/8, web -> web : https, tcp/8000-8100 # padding padding padding\n"
        let chunk = String(repeating: line, count: 10_000)
        while text.utf8.count < 5_000_000 { text += chunk }
        let c = ContinuousClock()
        var t0 = c.now
        func lap(_ s: String) { print(s, c.now - t0); t0 = c.now }
        let f = SourceFile(path: "x", text: text); lap("sourcefile")
        let bytes = Array(text.utf8); lap("bytes")
        var l = Lexer(bytes: bytes); var n = 0
        while l.next().kind != .eof { n += 1 }; lap("lex \(n)")
        var sink = DiagnosticSink()
        let syn = Parser.parse(f, into: &sink); lap("parse")
        var sema = Sema(files: [syn], today: Here.today, sink: sink)
        _ = sema.run(); lap("sema")
    }
}
