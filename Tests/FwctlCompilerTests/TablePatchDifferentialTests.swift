import Foundation
import Testing
import FwctlNet
import FwctlPolicy
import FwctlRuleset
@testable import FwctlCompiler

/// The fast path against the full front end on hostile bytes: every line of the
/// malformed-policy corpus and every class of bytes that is not UTF-8 (or that the lexer
/// refuses) is inserted as, or inside, a host line at every line of a base policy. The fast
/// path may only decline: whenever it derives a table, the full path (decoding, parsing,
/// checking, compiling the same bytes) must accept the file and give exactly that table.
/// The base policy comes plain, with CRLF line ends, and with a byte-order mark and a role
/// on its first line.
@Suite struct TablePatchDifferentialTests {
    static let today = CalendarDate(year: 2026, month: 11, day: 28)
    static let path = "policies/p.policy"
    static let base = Array("""
        # base
        service https = tcp/443
        role target {
          host t = 192.0.2.1
        }
        role web {
          host w1 = 10.0.0.1   # first

          host w2 = 10.0.0.3, 2001:db8::3
        }
        allow web -> target : https
        allow * -> target : tcp/22

        """.utf8)
    static let bases: [[UInt8]] = [
        base,
        Array(String(decoding: base, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8),
        [0xEF, 0xBB, 0xBF] + Array("role web {\n  host w1 = 10.0.0.1\n}\nrole target { host t = 192.0.2.1 }\nallow web -> target : tcp/443\n".utf8),
    ]
    static let hosts = ["t", "w1"]

    /// What the full path makes of the bytes: nil when it reports an error.
    static func full(_ bytes: [UInt8], host: String) -> (table: Table, dependencies: TableDependencies)? {
        guard let file = try? PolicyFrontEnd.sourceFile(path: path, bytes: bytes) else { return nil }
        let result = PolicyFrontEnd.check(files: [file], today: today, warnings: false)
        guard let fleet = result.fleet, !result.hasErrors else { return nil }
        return try? Compiler(fleet: fleet).compileWithDependencies(host: host)
    }

    /// `lines` (each ending with a newline) inserted before every line of `base`.
    static func everyPosition(_ lines: [UInt8], in base: [UInt8] = base) -> [[UInt8]] {
        var starts = [0]
        for i in base.indices where base[i] == 0x0A && i + 1 < base.count { starts.append(i + 1) }
        return starts.map { Array(base[..<$0]) + lines + Array(base[$0...]) }
    }

    /// Inserts each of `insertions` everywhere and compares both paths for each of `hosts`;
    /// returns how many insertions the fast path derived.
    static func compare(_ insertions: [(what: String, bytes: [UInt8])], into base: [UInt8], hosts: [String] = hosts) -> Int {
        var seen = Set<[UInt8]>()
        let insertions = insertions.filter { seen.insert($0.bytes).inserted }
        var derived = 0
        for host in hosts {
            guard let old = full(base, host: host) else {
                Issue.record("the base policy does not compile for \(host)")
                continue
            }
            for insertion in insertions {
                for (position, new) in everyPosition(insertion.bytes, in: base).enumerated() {
                    guard let table = TablePatch.derive(from: [(path, base)], to: [(path, new)], table: old.table, dependencies: old.dependencies) else { continue }
                    derived += 1
                    let truth = full(new, host: host)
                    #expect(truth != nil, "derived, but the full front end rejects: \(insertion.what) before line \(position + 1)")
                    #expect(truth == nil || truth?.table == table, "another table: \(insertion.what) before line \(position + 1)")
                }
            }
        }
        return derived
    }

    /// Byte sequences by class: not UTF-8, or UTF-8 the lexer refuses outside a comment.
    static let hostileBytes: [(String, [UInt8])] = [
        ("lone continuation 80", [0x80]), ("lone continuation BF", [0xBF]),
        ("truncated 2-byte", [0xC3]), ("truncated 3-byte", [0xE2, 0x82]), ("truncated 4-byte", [0xF0, 0x9F, 0x98]),
        ("overlong 2-byte C0", [0xC0, 0xAF]), ("overlong 2-byte C1", [0xC1, 0xBF]),
        ("overlong 3-byte", [0xE0, 0x80, 0xAF]), ("overlong 4-byte", [0xF0, 0x80, 0x80, 0xAF]),
        ("surrogate D800", [0xED, 0xA0, 0x80]), ("surrogate DFFF", [0xED, 0xBF, 0xBF]),
        ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]), ("lead byte F5", [0xF5, 0x80, 0x80, 0x80]),
        ("FE", [0xFE]), ("FF", [0xFF]), ("Latin-1 e-acute", [0xE9]),
        ("byte-order mark", [0xEF, 0xBB, 0xBF]), ("NUL", [0x00]), ("CR alone", [0x0D]),
        ("vertical tab", [0x0B]), ("form feed", [0x0C]), ("escape", [0x1B]), ("DEL", [0x7F]),
        ("no-break space", [0xC2, 0xA0]), ("next line", [0xC2, 0x85]), ("line separator", [0xE2, 0x80, 0xA8]),
        ("U+FFFE", [0xEF, 0xBF, 0xBE]), ("e-acute", [0xC3, 0xA9]), ("emoji", [0xF0, 0x9F, 0x98, 0x80]),
        ("quote", Array("\"".utf8)), ("backslash", Array("\\".utf8)), ("braces", Array("{}".utf8)),
    ]

    /// A valid host line, and the offsets at which the bytes go into it: the line's start,
    /// after the indentation, after `host`, inside and after the name, before, inside and
    /// after the address, inside the comment, and at its end.
    static let hostLine = Array("  host x1 = 192.0.2.99  # cafe".utf8)
    static let offsets = [0, 2, 6, 8, 9, 12, 15, 22, 27, hostLine.count]

    static var utf8Classes: [(what: String, bytes: [UInt8])] {
        var out: [(what: String, bytes: [UInt8])] = []
        for (what, bytes) in hostileBytes {
            for o in offsets {
                let line: [UInt8] = Array(hostLine[..<o]) + bytes + Array(hostLine[o...])
                out.append(("\(what) at column \(o + 1)", line + [0x0A]))
            }
            out.append(("\(what) as a line", bytes + [0x0A]))
            out.append(("\(what) in a comment line", Array("  # ".utf8) + bytes + [0x0A]))
        }
        return out
    }

    @Test(arguments: bases.indices)
    func everyInvalidUTF8ClassIsDeclinedOrAgrees(_ base: Int) {
        let insertions = Self.utf8Classes
        let derived = Self.compare(insertions, into: Self.bases[base])
        // Valid UTF-8 in a comment is a valid host line: the fast path is not merely off.
        #expect(derived > 0)
        // Nothing that is not UTF-8 is ever derived, whatever the position.
        for (what, bytes) in insertions where String(validating: bytes, as: UTF8.self) == nil {
            for new in Self.everyPosition(bytes, in: Self.bases[base]) {
                let table = TablePatch.derive(from: [(Self.path, Self.bases[base])], to: [(Self.path, new)], table: Table(name: "x"),
                                              dependencies: TableDependencies(membershipSets: []))
                #expect(table == nil, "\(what)")
            }
        }
    }

    static var corpus: [(name: String, bytes: [UInt8])] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FwctlPolicyTests/Corpus")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".policy") }.sorted()
        return names.compactMap { n in (try? Data(contentsOf: dir.appendingPathComponent(n))).map { (n, [UInt8]($0)) } }
    }

    /// Each corpus file whole, and each of its lines: as it is, its braces' inside (a role's
    /// hosts), after a host line's `#`, and each of its words as a host's name and address.
    static func corpusInsertions(_ name: String, _ bytes: [UInt8]) -> [(what: String, bytes: [UInt8])] {
        var out: [(what: String, bytes: [UInt8])] = [("\(name) whole", bytes.last == 0x0A ? bytes : bytes + [0x0A])]
        for (n, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = Array(line), what = "\(name) line \(n + 1)"
            out.append((what, line + [0x0A]))
            if let open = line.firstIndex(of: UInt8(ascii: "{")), let close = line.lastIndex(of: UInt8(ascii: "}")), open < close {
                out.append(("\(what) inside braces", Array("  ".utf8) + line[(open + 1)..<close] + [0x0A]))
            }
            out.append(("\(what) in a comment", Array("  host x1 = 192.0.2.99 # ".utf8) + line + [0x0A]))
            for word in line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }) where !word.isEmpty {
                out.append(("\(what) word as an address", Array("  host x1 = ".utf8) + word + [0x0A]))
                out.append(("\(what) word as a name", Array("  host ".utf8) + word + Array(" = 192.0.2.99".utf8) + [0x0A]))
            }
        }
        return out
    }

    @Test(arguments: bases.indices)
    func everyCorpusCaseIsDeclinedOrAgrees(_ base: Int) throws {
        let corpus = Self.corpus
        try #require(corpus.count >= 40, "the malformed-policy corpus is missing")
        // Recognition does not depend on the host: one host's table keeps the run short.
        let derived = Self.compare(corpus.flatMap { Self.corpusInsertions($0.name, $0.bytes) }, into: Self.bases[base], hosts: ["t"])
        // The corpus's valid host items (`host a1 = 192.0.2.2`) are derived.
        #expect(derived > 0)
    }

    /// A valid host line inserted while hostile bytes go elsewhere in the same edit (into an
    /// earlier comment, a later line, the end of the file): never a pure insertion, declined.
    @Test func hostileBytesBesideAValidInsertionAreDeclined() throws {
        let old = try #require(Self.full(Self.base, host: "t"))
        let valid = Self.everyPosition(Array("  host x1 = 192.0.2.99\n".utf8))[8]
        #expect(TablePatch.derive(from: [(Self.path, Self.base)], to: [(Self.path, valid)], table: old.table, dependencies: old.dependencies) != nil)
        let comment = try #require(valid.indices.first { valid[$0...].starts(with: Array("# first".utf8)) }) + 2
        let later = try #require(valid.indices.first { valid[$0...].starts(with: Array("allow web".utf8)) })
        for (what, bytes) in Self.hostileBytes {
            for at in [comment, later, valid.count] {
                var new = valid
                new.insert(contentsOf: bytes, at: at)
                #expect(TablePatch.derive(from: [(Self.path, Self.base)], to: [(Self.path, new)], table: old.table, dependencies: old.dependencies) == nil,
                        "\(what) at \(at)")
            }
        }
    }

    /// The issue's replays, end to end through `derive`: the full path refuses each file.
    @Test(arguments: [
        Array("  host x1 = 192.0.2.99  # caf".utf8) + [0xE9, 0x0A],
        [0xEF, 0xBB, 0xBF] + Array("  host x1 = 192.0.2.99\n".utf8),
        Array("  host x1 = 192.0.2.99  # ".utf8) + [0xED, 0xA0, 0x80, 0x0A],
        Array("  host x1 = 192.0.2.99  # ".utf8) + [0xC0, 0xAF, 0x0A],
    ])
    func theIssuesReplaysAreDeclined(_ line: [UInt8]) throws {
        let old = try #require(Self.full(Self.base, host: "t"))
        // Before w2's line, inside role web.
        let new = Self.everyPosition(line)[8]
        #expect(Self.full(new, host: "t") == nil)
        #expect(TablePatch.derive(from: [(Self.path, Self.base)], to: [(Self.path, new)], table: old.table, dependencies: old.dependencies) == nil)
    }
}
