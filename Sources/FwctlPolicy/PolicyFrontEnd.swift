import Foundation
import FwctlSystem

/// Result of checking a policy: the Fleet when there is no error, and every diagnostic.
public struct CheckResult: Sendable {
    /// The checked fleet; nil when any error was found.
    public var fleet: Fleet?
    /// Sorted by file (in the order of `files`), then position.
    public var diagnostics: [Diagnostic]
    public var files: [SourceFile]
    /// What the check built on the way (syntax trees, symbol tables), kept with the result:
    /// a caller that leaves freeing to the process's exit (`ProcessLifetime`) then does not
    /// pay for releasing 100,000 hosts' worth of them one by one.
    let workings: Workings?

    public init(fleet: Fleet?, diagnostics: [Diagnostic], files: [SourceFile]) {
        self.init(fleet: fleet, diagnostics: diagnostics, files: files, workings: nil)
    }

    init(fleet: Fleet?, diagnostics: [Diagnostic], files: [SourceFile], workings: Workings?) {
        self.fleet = fleet
        self.diagnostics = diagnostics
        self.files = files
        self.workings = workings
    }

    /// Never read: only held.
    final class Workings: @unchecked Sendable {
        let syntax: [FileSyntax]
        let sema: Sema

        init(syntax: [FileSyntax], sema: Sema) {
            self.syntax = syntax
            self.sema = sema
        }
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }
}

/// Why a policy could not even be read; each says what and where on one line.
public enum PolicyLoadError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(path: String, reason: String)
    case emptyDirectory(path: String)
    case notUTF8(path: String, line: Int, column: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read the policy: \(reason)"
        case .emptyDirectory(let path): "\(path): no *.policy files in this directory"
        case .notUTF8(let path, let line, let column): "\(path):\(line):\(column): error: the policy is not UTF-8 text (invalid byte here); is this a binary file?"
        }
    }
}

/// The policy front end: files in, a checked `Fleet` and diagnostics out.
public enum PolicyFrontEnd {
    /// `path` is a file or a directory whose *.policy files (as `PolicyDirectory.list` finds
    /// them) form one policy. `warnings: false` skips computing warnings (errors are all
    /// reported): for callers that would not show them.
    public static func load(path: String, today: CalendarDate, warnings: Bool = true) throws(PolicyLoadError) -> CheckResult {
        var files: [SourceFile] = []
        for p in try PolicyDirectory.list(path).files {
            files.append(try sourceFile(path: p, bytes: try PolicyDirectory.read(p)))
        }
        return check(files: files, today: today, warnings: warnings)
    }

    /// The text of a policy file, or where its first byte that is not UTF-8 is.
    public static func sourceFile(path: String, bytes: [UInt8]) throws(PolicyLoadError) -> SourceFile {
        if let text = String(validating: bytes, as: UTF8.self) { return SourceFile(path: path, text: text) }
        var line = 1, lineStart = 0, i = 0
        // Find the offending byte: decode scalar by scalar, counting lines.
        var it = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&it) {
            case .scalarValue(let s):
                let width = UTF8.width(s)
                if s == "\n" { line += 1; lineStart = i + 1 }
                i += width
            case .emptyInput: break loop
            case .error: break loop
            }
        }
        throw .notUTF8(path: path, line: line, column: i - lineStart + 1)
    }

    /// Checks the files as one policy (names are global to it); `warnings` as for `load`.
    public static func check(files: [SourceFile], today: CalendarDate, warnings: Bool = true) -> CheckResult {
        var sink = DiagnosticSink()
        let syntax = files.map { Parser.parse($0, into: &sink) }
        var sema = Sema(files: syntax, today: today, warnings: warnings, sink: sink)
        let fleet = sema.run()
        let order = Dictionary(files.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { a, _ in a })
        let sorted = sema.sink.diagnostics.enumerated().sorted { a, b in
            let fa = order[a.element.range.file] ?? Int.max, fb = order[b.element.range.file] ?? Int.max
            if fa != fb { return fa < fb }
            if a.element.range.start.offset != b.element.range.start.offset { return a.element.range.start.offset < b.element.range.start.offset }
            return a.offset < b.offset
        }.map(\.element)
        return CheckResult(fleet: fleet, diagnostics: sorted, files: files, workings: .init(syntax: syntax, sema: sema))
    }
}

extension CalendarDate {
    /// Today's date in UTC.
    public static func today() -> CalendarDate {
        CalendarDate(UTCTime.now())
    }

    /// The day of `time`.
    public init(_ time: UTCTime) {
        self.init(year: time.year, month: time.month, day: time.day)
    }
}
