/// Renders diagnostics as a compiler does:
///
/// ```
/// bad.policy:2:14: error: unknown role, network or host 'wbe' [E-unknown-name]
///     2 | allow web -> wbe : tcp/443
///       |              ^~~
///       = help: did you mean 'web'?
/// ```
/// then each note with its own location, source line and caret. ANSI colour only when asked.
public struct DiagnosticRenderer {
    /// Longest stretch of a source line shown; longer lines are cut around the caret.
    static let window = 120

    private let files: [String: SourceFile]
    private let color: Bool

    public init(files: [SourceFile], color: Bool) {
        self.files = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        self.color = color
    }

    public func render(_ d: Diagnostic) -> String {
        var out = header(d.range, severity: d.severity.rawValue, message: d.message, id: d.id)
        out += snippet(d.range)
        if let help = d.help { out += Self.gutter(d.range.start.line) + " = " + paint("help:", "1") + " " + help + "\n" }
        for note in d.notes {
            out += header(note.range, severity: "note", message: note.message, id: nil)
            out += snippet(note.range)
        }
        return out
    }

    /// Every diagnostic, then a summary line `N errors, M warnings`.
    public func render(_ ds: [Diagnostic]) -> String {
        guard !ds.isEmpty else { return "" }
        let errors = ds.count { $0.severity == .error }, warnings = ds.count { $0.severity == .warning }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return ds.map(render).joined() + "\(plural(errors, "error")), \(plural(warnings, "warning"))\n"
    }

    private func header(_ r: SourceRange, severity: String, message: String, id: String?) -> String {
        let code = switch severity { case "error": "1;31"; case "warning": "1;33"; default: "1;36" }
        let location = paint("\(r.file):\(r.start.line):\(r.start.column):", "1")
        return "\(location) \(paint(severity + ":", code)) \(paint(message, "1"))\(id.map { " [\($0)]" } ?? "")\n"
    }

    /// The source line and a caret under the range's first line (`^` then `~` to its end).
    private func snippet(_ r: SourceRange) -> String {
        guard let file = files[r.file], r.start.line >= 1, r.start.line <= file.lineStarts.count else { return "" }
        let line = Array(file.line(r.start.line).utf8)
        let startByte = min(max(0, r.start.column - 1), line.count)
        let endByte = r.end.line == r.start.line ? min(max(startByte, r.end.column - 1), line.count) : line.count
        // Cut very long lines to a window that starts a little before the caret.
        // A byte-order mark is invisible: leaving it in would shift the caret by one.
        let skip = r.start.line == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var from = skip, to = line.count
        if line.count > Self.window {
            from = max(skip, startByte - 20)
            while from > 0 && from < line.count && line[from] & 0xC0 == 0x80 { from -= 1 }
            to = min(line.count, from + Self.window)
            while to < line.count && line[to] & 0xC0 == 0x80 { to += 1 }
        }
        let shown = display(line[from..<to])
        let lead = display(line[from..<max(from, min(startByte, to))])
        let marked = display(line[min(startByte, to)..<min(max(endByte, startByte), to)])
        let caretPad = String(lead.map { $0 == "\t" ? "\t" : " " })
        let tildes = String(repeating: "~", count: max(0, marked.count - 1))
        let number = String(r.start.line)
        let gutter = Self.gutter(r.start.line)
        let prefix = from > skip ? "..." : "", suffix = to < line.count ? "..." : ""
        let padNumber = String(repeating: " ", count: max(0, gutter.count - number.count)) + number
        return "\(padNumber) | \(prefix)\(shown)\(suffix)\n\(gutter) | \(String(repeating: " ", count: prefix.count))\(caretPad)\(paint("^" + tildes, "1;32"))\n"
    }

    /// Blank space as wide as the line-number column (at least 5, so most output aligns).
    static func gutter(_ line: Int) -> String {
        String(repeating: " ", count: max(5, String(line).count + 1))
    }

    /// Source bytes as text safe for a terminal: control characters become `?`.
    private func display(_ bytes: ArraySlice<UInt8>) -> String {
        String(String(decoding: bytes, as: UTF8.self).unicodeScalars.map { s -> Character in
            (s.value < 0x20 && s != "\t") || s.value == 0x7F ? "?" : Character(s)
        })
    }

    private func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
