/// Splits a policy's UTF-8 bytes into tokens, one at a time, in linear time.
///
/// Words are maximal runs of `[A-Za-z0-9_./]`, with `-` and `:` taken in where they can only
/// belong to the word: `-` unless it starts `->`; `:` only inside what can still be an IPv6
/// address (the word so far is hex digits and colons) and only when followed by a hex digit,
/// a colon or `/`. So `2001:db8::1 -> web : https`, `::/0` and `lb->web:https` all split as
/// a reader expects, while a separator `:` followed by a space is never part of a word.
struct Lexer {
    let bytes: [UInt8]
    private(set) var offset = 0

    /// A file's bytes, lexed from `offset`.
    init(bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        // Editors on some systems start UTF-8 files with a byte-order mark: skip it (only
        // there: anywhere else it is an unexpected character).
        self.offset = offset == 0 && Self.startsWithByteOrderMark(bytes) ? 3 : offset
    }

    /// A piece of a file that starts at a line start, `fileOffset` bytes into the file: its
    /// tokens are exactly those the whole file's lexer reads there (a line start is never
    /// inside a token or a comment), with offsets into the piece.
    init(piece: [UInt8], at fileOffset: Int) {
        bytes = piece
        offset = fileOffset == 0 && Self.startsWithByteOrderMark(piece) ? 3 : 0
    }

    static func startsWithByteOrderMark(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0xEF, 0xBB, 0xBF])
    }

    /// The next token; `.eof` (empty, at the end) forever once the bytes are used up.
    mutating func next() -> Token {
        skipTrivia()
        let start = offset
        guard offset < bytes.count else { return Token(kind: .eof, start: start, end: start) }
        let b = bytes[offset]
        switch b {
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: "{"): return single(.lbrace)
        case UInt8(ascii: "}"): return single(.rbrace)
        case UInt8(ascii: "="): return single(.equals)
        case UInt8(ascii: "*"): return single(.star)
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "-") where peek(1) == UInt8(ascii: ">"):
            offset += 2
            return Token(kind: .arrow, start: start, end: offset)
        case UInt8(ascii: ":") where peek(1) != UInt8(ascii: ":"):
            return single(.colon)
        default:
            if Self.isWordStart(b) { return word() }
            return invalid()
        }
    }

    private func peek(_ ahead: Int) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    private mutating func single(_ kind: TokenKind) -> Token {
        offset += 1
        return Token(kind: kind, start: offset - 1, end: offset)
    }

    private mutating func skipTrivia() {
        while offset < bytes.count {
            let b = bytes[offset]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C {
                offset += 1
            } else if b == UInt8(ascii: "#") {
                while offset < bytes.count && bytes[offset] != 0x0A { offset += 1 }
            } else {
                return
            }
        }
    }

    private mutating func word() -> Token {
        let start = offset
        var segmentIsHex = true  // the part since the start or the last `-` could be IPv6
        while offset < bytes.count {
            let b = bytes[offset]
            if Self.isWordByte(b) {
                if !Self.isHex(b) { segmentIsHex = false }
            } else if b == UInt8(ascii: "-") {
                if peek(1) == UInt8(ascii: ">") { break }
                segmentIsHex = true
            } else if b == UInt8(ascii: ":") {
                guard segmentIsHex, let n = peek(1), Self.isHex(n) || n == UInt8(ascii: ":") || n == UInt8(ascii: "/") else { break }
            } else {
                break
            }
            offset += 1
        }
        return Token(kind: .word, start: start, end: offset)
    }

    /// A string runs to the next unescaped `"` on the same line; `\"` and `\\` are escapes.
    private mutating func string() -> Token {
        let start = offset
        offset += 1
        while offset < bytes.count {
            let b = bytes[offset]
            if b == UInt8(ascii: "\"") {
                offset += 1
                return Token(kind: .string, start: start, end: offset)
            }
            if b == 0x0A { break }
            if b == UInt8(ascii: "\\") && offset + 1 < bytes.count && bytes[offset + 1] != 0x0A { offset += 1 }
            offset += 1
        }
        return Token(kind: .unterminatedString, start: start, end: offset)
    }

    /// Consecutive bytes that start no token become one `.invalid` token (one error, not one
    /// per byte of a binary blob).
    private mutating func invalid() -> Token {
        let start = offset
        while offset < bytes.count {
            let b = bytes[offset]
            if Self.isWordStart(b) || b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == UInt8(ascii: "#") { break }
            if b < 0x80 && "{},=*\":".utf8.contains(b) { break }
            offset += 1
        }
        if offset == start { offset += 1 }
        return Token(kind: .invalid, start: start, end: offset)
    }

    static func isWordStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "_")
            || b == UInt8(ascii: ":")  // only reached for `::` (a lone `:` is the separator)
    }

    static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "/")
    }

    static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
    }
}
