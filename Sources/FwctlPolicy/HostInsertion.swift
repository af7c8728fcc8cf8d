import FwctlNet
#if canImport(Glibc)
import Glibc
#endif

/// An edit of a checked policy file that only inserts whole lines of `host NAME = ADDR, ...`
/// items into one role's block, recognised from the file's bytes before and after.
///
/// This is how a large fleet usually changes (a server joins a role), and for it the checked
/// meaning of the new text is exactly the old one plus these hosts in that role, with every
/// later line moved down: no other statement, name or address can read differently. So a
/// caller holding the old text's result can skip parsing and checking the whole policy again.
///
/// Recognition is conservative: anything it cannot prove to be such an insertion (a removed
/// byte, an insertion not at an item boundary of a role block written one host per line,
/// lines that are not host items the front end reads without error, a new name that appears
/// anywhere else in the file, even in a comment) yields nil, and the caller checks the whole
/// policy as usual, which also reports any error in its own words. The inserted bytes are
/// read by the front end's own decoding and parser, so nothing it reports as an error (bytes
/// that are not UTF-8, in a comment too; a byte-order mark past the file's start; NUL or any
/// other unexpected character; a bad name or address) is ever recognised. Warnings the new
/// lines would get (an address with host bits set) do not matter: they change no table, and
/// plan and apply, the only users, do not compute warnings.
public struct HostInsertion: Equatable, Sendable {
    /// A host the edit adds.
    public struct NewHost: Equatable, Sendable {
        public var name: String
        public var addresses: AddressSet
    }

    /// The role whose block gained the hosts.
    public var role: String
    /// In the order written.
    public var hosts: [NewHost]
    /// 1-based line of the old file before which the lines were inserted: it and every later
    /// line are `lineCount` lines further down in the new file.
    public var line: Int
    public var lineCount: Int

    /// The insertion that turns `old` into `new`, if that is all the edit is (see the type's
    /// doc). `old` must be the bytes of a file of a policy that checked without errors;
    /// `otherFiles`, the policy's other files (names are global to a policy, so a new name
    /// must be new to them too).
    public static func recognise(old: [UInt8], new: [UInt8], otherFiles: [[UInt8]] = []) -> HostInsertion? {
        guard new.count > old.count else { return nil }
        guard let found = old.withUnsafeBufferPointer({ o in new.withUnsafeBufferPointer { n in recognise(o, n) } }) else { return nil }
        for other in otherFiles {
            for h in found.hosts where other.withUnsafeBufferPointer({ occurs(Array(h.name.utf8), in: $0) }) { return nil }
        }
        return found
    }

    private static func recognise(_ old: UnsafeBufferPointer<UInt8>, _ new: UnsafeBufferPointer<UInt8>) -> HostInsertion? {
        let added = new.count - old.count
        let prefix = commonPrefix(old, new)
        // Everything after the common prefix must be the old file's tail: a pure insertion.
        guard memcmpEqual(old, prefix, new, prefix + added, old.count - prefix) else { return nil }
        // Slide the insertion back to the start of its line: `new` is then old[..<at] +
        // inserted + old[at...] for the line start `at`, when the bytes allow it.
        var at = prefix
        while at > 0 && old[at - 1] != 0x0A { at -= 1 }
        guard memcmpEqual(old, at, new, at + added, prefix - at) else { return nil }
        let end = at + added
        guard new[end - 1] == 0x0A else { return nil }

        // Where: an item boundary in the body of a role block written one host per line.
        guard let role = enclosingRole(old, before: at), nextItemStartsHostOrBrace(old, from: at) else { return nil }

        // What: host items the front end reads without error, with new, distinct names.
        guard let hosts = hostItems(new, at, end, role: role), !hosts.isEmpty,
              Set(hosts.map(\.name)).count == hosts.count else { return nil }
        for h in hosts where occurs(Array(h.name.utf8), in: old) { return nil }
        var lineCount = 0
        for i in at..<end where new[i] == 0x0A { lineCount += 1 }
        var line = 1
        for i in 0..<at where old[i] == 0x0A { line += 1 }
        return HostInsertion(role: role, hosts: hosts, line: line, lineCount: lineCount)
    }

    // MARK: where

    /// The name of the role whose block the line starting at `at` is inside, provided every
    /// line from the block's `role NAME {` line up to `at` is a one-line host item, blank or
    /// a comment. Nil otherwise (another shape, or not inside a role block at all).
    private static func enclosingRole(_ old: UnsafeBufferPointer<UInt8>, before at: Int) -> String? {
        var end = at  // the line [start, end) ends just before `end`'s newline
        while end > 0 {
            var start = end - 1
            while start > 0 && old[start - 1] != 0x0A { start -= 1 }
            let line = (start, end - 1)
            end = start
            switch shape(old, line.0, line.1) {
            case .trivia, .hostItem: continue
            case .other: break
            }
            // Not a host line: it must be the block's `role NAME {` line.
            let tokens = lineTokens(old, line.0, line.1)
            guard tokens.count == 3, tokens[0].kind == .word, equals(old, tokens[0], "role"), tokens[1].kind == .word,
                  tokens[2].kind == .lbrace else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: old[tokens[1].start..<tokens[1].end]), as: UTF8.self)
        }
        return nil
    }

    private enum LineShape { case trivia, hostItem, other }

    /// A byte-level look at a line of the old file (which checked without errors): blank or
    /// a comment; a line starting with `host` with no brace or quote before any comment (so
    /// it cannot close the block and open another mid-line); or anything else. Reading 25,000
    /// host lines back to their role's line this way costs well under a millisecond.
    private static func shape(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> LineShape {
        var i = start
        while i < end && (bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0B || bytes[i] == 0x0C) { i += 1 }
        if i == end || bytes[i] == UInt8(ascii: "#") { return .trivia }
        guard end - i > 5, bytes[i] == UInt8(ascii: "h"), bytes[i + 1] == UInt8(ascii: "o"), bytes[i + 2] == UInt8(ascii: "s"),
              bytes[i + 3] == UInt8(ascii: "t"), bytes[i + 4] == 0x20 || bytes[i + 4] == 0x09 else { return .other }
        while i < end {
            switch bytes[i] {
            case UInt8(ascii: "#"): return .hostItem
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""): return .other
            default: i += 1
            }
        }
        return .hostItem
    }

    /// True when the first token at or after `from` is `host` or `}`: the item before the
    /// insertion (if any) ended before it, so inserted items cannot change how it reads.
    private static func nextItemStartsHostOrBrace(_ old: UnsafeBufferPointer<UInt8>, from: Int) -> Bool {
        var start = from
        while start < old.count {
            var end = start
            while end < old.count && old[end] != 0x0A { end += 1 }
            let tokens = lineTokens(old, start, end)
            start = end + 1
            guard let first = tokens.first else { continue }
            return first.kind == .rbrace || (first.kind == .word && equals(old, first, "host"))
        }
        return false
    }

    // MARK: what

    /// The hosts the inserted bytes `[start, end)` define, read by the front end itself: its
    /// decoding and its parser run on them as the body of a block `role ROLE { ... }`. Nil
    /// when either reports an error, or the bytes hold anything but host items.
    ///
    /// That is how the whole new file's front end reads them. They start after a newline and
    /// end with one: a UTF-8 decoder is between characters there, so the new file decodes
    /// exactly when the old one (which did) and they do; the lexer is outside any token,
    /// string or comment (a byte-order mark is the file's only at its first byte, which these
    /// never are). And they go where the block's previous item has ended and the next one
    /// starts with `host` or is its `}`: the parser's state after the block's `{`.
    private static func hostItems(_ new: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, role: String) -> [NewHost]? {
        let bytes = Array("role \(role) {\n".utf8) + Array(new[start..<end]) + Array("}\n".utf8)
        guard let file = try? PolicyFrontEnd.sourceFile(path: "", bytes: bytes) else { return nil }
        var sink = DiagnosticSink()
        let syntax = Parser.parse(file, into: &sink)
        guard !sink.hasErrors, syntax.roles.count == 1, syntax.networks.isEmpty, syntax.services.isEmpty,
              syntax.flows.isEmpty, syntax.defaults.isEmpty, syntax.tests.isEmpty else { return nil }
        return syntax.roles[0].hosts.map { h in
            var addresses = AddressSet()
            for a in h.addresses { addresses.insert(a.value) }
            return NewHost(name: h.name.text, addresses: addresses)
        }
    }

    /// The tokens of the line `[start, end)` of the file `bytes` (no newline inside), as the
    /// file's lexer reads them (a byte-order mark is skipped only at the file's start); an
    /// invalid or unterminated token makes the line unrecognisable, reported as a single
    /// `.invalid` token.
    private static func lineTokens(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [Token] {
        var lexer = Lexer(piece: Array(bytes[start..<end]), at: start)
        var out: [Token] = []
        while true {
            var t = lexer.next()
            switch t.kind {
            case .eof: return out
            case .invalid, .unterminatedString, .string: return [Token(kind: .invalid, start: start, end: end)]
            default:
                t.start += start
                t.end += start
                out.append(t)
            }
        }
    }

    /// True when `name` appears in `bytes` other than inside a longer word: as a definition,
    /// a flow end, or even in a comment (the check is textual, so it errs towards "yes").
    static func occurs(_ name: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let m = name.count
        guard m > 0, bytes.count >= m else { return false }
        // Boyer-Moore-Horspool: a 3 MB policy is searched in well under a millisecond.
        var shift = [Int](repeating: m, count: 256)
        for k in 0..<(m - 1) { shift[Int(name[k])] = m - 1 - k }
        var i = 0
        while i + m <= bytes.count {
            let lastByte = bytes[i + m - 1]
            if lastByte == name[m - 1] {
                var j = 0
                while j < m - 1 && bytes[i + j] == name[j] { j += 1 }
                if j == m - 1 {
                    let before = i > 0 ? bytes[i - 1] : 0x20
                    let after = i + m < bytes.count ? bytes[i + m] : 0x20
                    // Only a name byte next to it proves it part of a longer word (`-` may
                    // start `->`, `:` may be the separator).
                    if !Lexer.isWordByte(before) && !Lexer.isWordByte(after) { return true }
                }
            }
            i += shift[Int(lastByte)]
        }
        return false
    }

    // MARK: bytes

    /// `a == b` by memcmp (element by element is slow for a 3 MB policy).
    public static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
    }

    private static func commonPrefix(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        var i = 0
        // Eight bytes at a time, then the rest.
        if let pa = a.baseAddress, let pb = b.baseAddress {
            let raw = UnsafeRawPointer(pa), rawB = UnsafeRawPointer(pb)
            while i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) == rawB.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                i += 8
            }
        }
        while i < n && a[i] == b[i] { i += 1 }
        return i
    }

    private static func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ aStart: Int, _ b: UnsafeBufferPointer<UInt8>, _ bStart: Int, _ count: Int) -> Bool {
        guard count > 0 else { return count == 0 }
        guard aStart + count <= a.count, bStart + count <= b.count else { return false }
        return memcmp(a.baseAddress! + aStart, b.baseAddress! + bStart, count) == 0
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ t: Token, _ w: StaticString) -> Bool {
        guard t.end - t.start == w.utf8CodeUnitCount else { return false }
        for i in 0..<w.utf8CodeUnitCount where bytes[t.start + i] != w.utf8Start[i] { return false }
        return true
    }
}
