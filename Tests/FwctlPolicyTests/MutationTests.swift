import Foundation
import FwctlNet
import Testing
import FwctlPolicy

/// Seeded random corruptions of the bundled policies: the front end must never crash or
/// hang, and each result is either clean (a fleet) or has errors whose positions (and their
/// notes') all point into the file. Reproducible: a fixed seed and our own PRNG.
@Suite struct MutationTests {
    static let perPolicy = 1_000
    /// Bytes worth inserting: the language's punctuation, digits, letters, and trouble.
    static let alphabet: [UInt8] = Array("{}:,->=\"#*/.-_ \n\t0123456789abcdefxyz".utf8) + [0x00, 0x7F, 0xC3, 0xA9, 0xFF]

    enum Outcome { case clean, errors, notUTF8 }

    static func mutate(_ original: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = original
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard !b.isEmpty else { return b }
            let i = Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: b.removeSubrange(i..<min(b.count, i + Int.random(in: 1...12, using: &rng)))
            case 1: b.insert(alphabet.randomElement(using: &rng)!, at: i)
            case 2: b[i] = alphabet.randomElement(using: &rng)!
            case 3: b = Array(b.prefix(i))
            case 4: b = duplicateLine(b, at: i)
            case 5: b = swapWords(b, &rng)
            default: b.insert(contentsOf: b[i..<min(b.count, i + Int.random(in: 1...40, using: &rng))], at: Int.random(in: 0...b.count, using: &rng))
            }
        }
        return b
    }

    static func duplicateLine(_ b: [UInt8], at i: Int) -> [UInt8] {
        let start = b[..<i].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let end = b[i...].firstIndex(of: 0x0A).map { $0 + 1 } ?? b.count
        var out = b
        out.insert(contentsOf: b[start..<end], at: end)
        return out
    }

    /// Swaps two whitespace-separated words (tokens, roughly).
    static func swapWords(_ b: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var words = b.split(omittingEmptySubsequences: false) { $0 == 0x20 }.map(Array.init)
        guard words.count > 2 else { return b }
        let x = Int.random(in: 0..<words.count, using: &rng), y = Int.random(in: 0..<words.count, using: &rng)
        words.swapAt(x, y)
        return Array(words.joined(separator: [0x20]))
    }

    @Test(arguments: Here.bundledPolicies)
    func corruptionsNeverCrashAndPointIntoTheFile(name: String) throws {
        let original = try [UInt8](Data(contentsOf: Here.policies.appendingPathComponent(name)))
        var rng = SplitMix64(seed: 0xF1_2E_C7 ^ UInt64(original.count))
        var outcomes: [Outcome: Int] = [:]
        for n in 0..<Self.perPolicy {
            let bytes = Self.mutate(original, &rng)
            let file: SourceFile
            do {
                file = try PolicyFrontEnd.sourceFile(path: name, bytes: bytes)
            } catch {
                outcomes[.notUTF8, default: 0] += 1
                continue
            }
            let r = PolicyFrontEnd.check(files: [file], today: Here.today)
            if r.hasErrors {
                outcomes[.errors, default: 0] += 1
                #expect(r.fleet == nil)
                #expect(RobustnessTests.positionsAreValid(r), "mutation \(n) of \(name):\n\(String(decoding: bytes, as: UTF8.self))")
                if n % 10 == 0 { #expect(!DiagnosticRenderer(files: r.files, color: false).render(r.diagnostics).isEmpty) }
            } else {
                outcomes[.clean, default: 0] += 1
                #expect(r.fleet != nil)
            }
        }
        // The corruptions really exercise both paths.
        #expect(outcomes[.errors, default: 0] > Self.perPolicy / 2)
        #expect(outcomes[.clean, default: 0] > 0)
    }

    /// The language's words, literals and punctuation, good and bad.
    static let vocabulary = [
        "network", "service", "role", "host", "allow", "deny", "defaults", "test", "expect", "only", "proto", "any",
        "icmp", "icmpv6", "owner", "because", "review", "egress", "log", "table", "filter", "off", "5/minute",
        "web", "db", "w1", "internet", "https", "x", "echo-request", "vrrp", "tcp/443", "udp/1-2", "tcp/0",
        "2027-01-01", "2026-02-30", "10.0.0.0/8", "::/0", "2001:db8::1", "192.0.2.1-192.0.2.9", "::ffff:1.2.3.4",
        "1.2.3", "{", "}", "=", ",", "->", ":", "*", "\"s\"", "\"", "# c\n", ";", "\u{0}",
    ]

    /// Random sequences of the language's own tokens reach deeper into the parser's recovery
    /// than byte corruption: every one must end with a fleet or errors, never both or neither.
    @Test func tokenSoup() {
        var rng = SplitMix64(seed: 104_729)
        for _ in 0..<2_000 {
            let n = Int.random(in: 1...60, using: &rng)
            let text = (0..<n).map { _ in Self.vocabulary.randomElement(using: &rng)! }.joined(separator: Bool.random(using: &rng) ? " " : "\n")
            let r = PolicyFrontEnd.check(files: [SourceFile(path: "soup.policy", text: text)], today: Here.today)
            #expect(r.hasErrors == (r.fleet == nil))
            #expect(RobustnessTests.positionsAreValid(r), "\(text)")
        }
    }
}
