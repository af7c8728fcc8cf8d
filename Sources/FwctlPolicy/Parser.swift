/// Thrown inside the parser once a syntax error has been reported, to abandon the statement;
/// the statement loop then resynchronises on the next statement keyword.
struct ParseAbort: Error {}

/// Recursive descent over one file's tokens, producing its `FileSyntax` and diagnostics.
///
/// Nesting is at most two levels (a statement and its block), so no input can grow the
/// call stack: `{{{{...` is a run of unexpected tokens, reported once and skipped.
struct Parser {
    let file: SourceFile
    private(set) var lexer: Lexer
    /// The token under examination (never `.invalid`: those are reported and skipped).
    private(set) var tok = Token(kind: .eof, start: 0, end: 0)
    /// The last token consumed.
    private(set) var prev = Token(kind: .eof, start: 0, end: 0)
    var sink: DiagnosticSink
    var syntax = FileSyntax()
    /// When set, the consumed tokens, to give a flow its one-line text.
    var recorded: [Token]? = nil
    /// Cached for the current token: it is a statement keyword (checked on every token by
    /// error recovery, so compared as bytes once rather than as a String each time).
    private var tokIsStatementKeyword = false
    private var prevIsExpect = false
    /// Start of the last unterminated string: already reported, so no second error there.
    private var unterminatedAt = -1
    /// 0-based line of the current token (kept by moving forward from the previous one).
    private var tokLine = 0

    /// Parses `file`, adding its diagnostics to `sink`.
    static func parse(_ file: SourceFile, into sink: inout DiagnosticSink) -> FileSyntax {
        var p = Parser(file: file, sink: sink)
        p.parseFile()
        sink = p.sink
        return p.syntax
    }

    private init(file: SourceFile, sink: DiagnosticSink) {
        self.file = file
        self.lexer = Lexer(bytes: Array(file.text.utf8))
        self.sink = sink
    }

    private mutating func parseFile() {
        fetch()
        while tok.kind != .eof {
            let before = tok.start
            do {
                guard tok.kind == .word, Keyword.statements.contains(text(tok)) else {
                    let help = tok.kind == .word && text(tok) == "expect" ? "'expect' belongs inside a test \"NAME\" { ... } block" : nil
                    throw fail("expected a statement (network, service, role, allow, deny, defaults or test)", help: help, atToken: true)
                }
                try statement(text(tok))
            } catch {
                recorded = nil
                if tok.start == before && tok.kind != .eof { advance() }
                while tok.kind != .eof && !atStatementStart { advance() }
            }
        }
    }

    // MARK: tokens

    func text(_ t: Token) -> String {
        String(decoding: lexer.bytes[t.start..<t.end], as: UTF8.self)
    }

    func range(_ start: Int, _ end: Int) -> SourceRange {
        SourceRange(file: file.path, start: position(start), end: position(end))
    }

    /// `file.position(ofOffset:)`, but first trying the line of the current token: the parser
    /// asks mostly about offsets near it, and a binary search per name adds up in big files.
    private func position(_ offset: Int) -> SourcePosition {
        let starts = file.lineStarts
        var line = tokLine
        // The previous token, or a statement's first, may be a few lines back.
        while line > 0 && line > tokLine - 4 && starts[line] > offset { line -= 1 }
        for _ in 0..<4 {
            guard line < starts.count, starts[line] <= offset else { break }
            if line + 1 == starts.count || offset < starts[line + 1] {
                return SourcePosition(line: line + 1, column: offset - starts[line] + 1, offset: offset)
            }
            line += 1
        }
        return file.position(ofOffset: offset)
    }

    func range(_ t: Token) -> SourceRange { range(t.start, t.end) }

    /// True at a word that starts a statement (and is not the `allow` of `expect allow`).
    var atStatementStart: Bool { tokIsStatementKeyword && !prevIsExpect }

    func isWord(_ w: String) -> Bool { tok.kind == .word && Self.equals(lexer.bytes, tok, w) }

    /// Byte comparison of a token with a word, without making a String.
    static func equals(_ bytes: [UInt8], _ t: Token, _ w: String) -> Bool {
        w.utf8.count == t.end - t.start && w.utf8.elementsEqual(bytes[t.start..<t.end])
    }

    /// The one-line text of recorded tokens: one space between tokens, none before a comma.
    func joinedText(_ tokens: [Token]) -> String {
        var out: [UInt8] = []
        for t in tokens {
            if !out.isEmpty && t.kind != .comma { out.append(0x20) }
            out += lexer.bytes[t.start..<t.end]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The token after the current one, without consuming anything.
    func peek() -> Token {
        var l = lexer
        var t = l.next()
        while t.kind == .invalid { t = l.next() }
        return t
    }

    mutating func advance() {
        prev = tok
        prevIsExpect = tok.kind == .word && Self.equals(lexer.bytes, tok, "expect")
        recorded?.append(prev)
        fetch()
    }

    /// Reads the next token, reporting and skipping invalid characters; after the error cap
    /// the rest of the file reads as end of file.
    private mutating func fetch() {
        while true {
            if sink.stopped.contains(file.path) {
                tok = Token(kind: .eof, start: lexer.bytes.count, end: lexer.bytes.count)
                tokIsStatementKeyword = false
                return
            }
            tok = lexer.next()
            let starts = file.lineStarts
            while tokLine + 1 < starts.count && starts[tokLine + 1] <= tok.start { tokLine += 1 }
            tokIsStatementKeyword = tok.kind == .word && Keyword.statementBytes.contains { Self.equals(lexer.bytes, tok, $0) }
            switch tok.kind {
            case .invalid:
                reportInvalid(tok)
            case .unterminatedString:
                sink.error("E-unterminated-string", "unterminated string", at: range(tok), help: "close it with '\"' on the same line")
                unterminatedAt = tok.start
                tok.kind = .string
                return
            default:
                return
            }
        }
    }

    private mutating func reportInvalid(_ t: Token) {
        let first = String(decoding: lexer.bytes[t.start..<min(t.end, t.start + 4)], as: UTF8.self).unicodeScalars.first ?? "?"
        let message: String
        if first == "\0" {
            message = "unexpected NUL byte: is this a binary file?"
        } else if first.value < 0x20 || first.value == 0x7F {
            message = "unexpected control character U+\(String(first.value, radix: 16, uppercase: true).leftPadded(4))"
        } else {
            message = "unexpected character '\(first)'"
        }
        let help: String? = switch first {
        case ";": "statements need no terminator"
        case "-": "a flow's arrow is '->'"
        case "→", "⇒": "write the arrow as '->'"
        case "“", "”": "write quotes as '\"'"
        default: nil
        }
        sink.error("E-unexpected-char", message, at: range(t), help: help)
    }

    // MARK: errors

    /// Reports "expected ..., found X" at the current token and returns the abort to throw.
    /// When the statement is cut short by what starts something else on a later line (the
    /// next statement or block item, a `}`, the end of the file), the error points just
    /// after the statement's last token: that is where something is missing.
    /// `atToken`: the token itself is the problem (where a statement or block item belongs).
    mutating func fail(_ expected: String, help: String? = nil, atToken: Bool = false) -> ParseAbort {
        guard tok.start != unterminatedAt else { return ParseAbort() }
        var at = range(tok)
        let startsSomethingElse = !atToken && (tok.kind == .eof || tok.kind == .rbrace || atStatementStart || isWord("host") || isWord("expect"))
        if startsSomethingElse && prev.end > 0 {
            let end = range(prev.end, prev.end)
            if end.start.line < at.start.line { at = end }
        }
        sink.error("E-syntax", "\(expected), found \(describe(tok))", at: at, help: help)
        return ParseAbort()
    }

    func describe(_ t: Token) -> String {
        switch t.kind {
        case .eof: return "end of file"
        case .string: return "a string"
        case .word:
            let s = text(t)
            return s.utf8.count > 40 ? "'\(s.prefix(37))...'" : "'\(s)'"
        default: return "'\(text(t))'"
        }
    }

    /// The value of a string token, quotes removed and `\"`, `\\` unescaped.
    func stringValue(_ t: Token) -> String {
        var out: [UInt8] = []
        var i = t.start + 1
        let end = lexer.bytes[t.end - 1] == UInt8(ascii: "\"") && t.end - 1 > t.start ? t.end - 1 : t.end
        while i < end {
            let b = lexer.bytes[i]
            if b == UInt8(ascii: "\\") && i + 1 < end { i += 1 }
            out.append(lexer.bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
