/// Collects diagnostics, capping each file at `limit` errors and `limit` warnings so that a
/// garbage or enormous file gives a readable report in bounded time.
struct DiagnosticSink: Sendable {
    static let limit = 100

    private(set) var diagnostics: [Diagnostic] = []
    private var errorCount: [String: Int] = [:]
    private var warningCount: [String: Int] = [:]
    /// Files whose error cap was reached: the parser stops reading them.
    private(set) var stopped: Set<String> = []

    var hasErrors: Bool { !errorCount.isEmpty }

    /// True once `file` has more errors than are shown: callers skip costly work (such as
    /// did-you-mean searches) for errors nobody will see.
    func isFull(_ file: String) -> Bool { errorCount[file, default: 0] > Self.limit }

    /// True once `file` has more warnings than are shown: a further one changes nothing, so
    /// callers may skip making it.
    func warningsFull(_ file: String) -> Bool { warningCount[file, default: 0] > Self.limit }

    mutating func add(_ d: Diagnostic) {
        let file = d.range.file
        switch d.severity {
        case .error:
            let n = errorCount[file, default: 0] + 1
            errorCount[file] = n
            if n <= Self.limit { diagnostics.append(d) }
            if n == Self.limit + 1 {
                stopped.insert(file)
                diagnostics.append(Diagnostic(.note, id: "N-too-many-errors", "too many errors in \(file); stopped after \(Self.limit)", at: d.range))
            }
        case .warning:
            let n = warningCount[file, default: 0] + 1
            warningCount[file] = n
            if n <= Self.limit { diagnostics.append(d) }
            if n == Self.limit + 1 {
                diagnostics.append(Diagnostic(.note, id: "N-too-many-warnings", "too many warnings in \(file); only the first \(Self.limit) are shown", at: d.range))
            }
        case .note:
            diagnostics.append(d)
        }
    }

    mutating func error(_ id: String, _ message: String, at range: SourceRange, help: String? = nil, notes: [Diagnostic.Note] = []) {
        add(Diagnostic(.error, id: id, message, at: range, help: help, notes: notes))
    }

    mutating func warning(_ id: String, _ message: String, at range: SourceRange, help: String? = nil, notes: [Diagnostic.Note] = []) {
        add(Diagnostic(.warning, id: id, message, at: range, help: help, notes: notes))
    }
}
