/// What a token is. The lexer knows no keywords: a `word` means a name, a keyword, an address,
/// a service atom, a number or a date depending on where the parser finds it.
enum TokenKind: UInt8, Sendable {
    case word, string, comma, lbrace, rbrace, equals, arrow, colon, star
    /// A run of bytes that can start no token (control bytes, non-ASCII, stray punctuation).
    case invalid
    /// A string whose closing quote is missing on its line.
    case unterminatedString
    case eof
}

/// A token as a byte range of its file; its text is read back from the bytes when needed,
/// so lexing a large file allocates nothing per token.
struct Token: Sendable {
    var kind: TokenKind
    /// UTF-8 offsets, `start` inclusive, `end` exclusive.
    var start: Int
    var end: Int
}

/// The words that start statements and block items; they cannot be used as names.
enum Keyword {
    /// Words that begin a top-level statement (the parser resynchronises on them).
    static let statements: Set<String> = ["network", "service", "role", "allow", "deny", "defaults", "test"]
    /// The same, in a fixed order, for byte comparisons.
    static let statementBytes = ["network", "service", "role", "allow", "deny", "defaults", "test"]
    /// Every reserved word: statements, block items, and the heads of service atoms.
    static let reserved: Set<String> = statements.union(["host", "expect", "only", "proto", "any", "icmp", "icmpv6"])

    /// `statements.contains(word)` by comparing short strings, which is cheaper than hashing
    /// (asked of every name, 100,000 times for a large fleet).
    static func isStatement(_ word: String) -> Bool {
        switch word {
        case "network", "service", "role", "allow", "deny", "defaults", "test": true
        default: false
        }
    }

    /// `reserved.contains(word)`, likewise.
    static func isReserved(_ word: String) -> Bool {
        switch word {
        case "host", "expect", "only", "proto", "any", "icmp", "icmpv6": true
        default: isStatement(word)
        }
    }
}
