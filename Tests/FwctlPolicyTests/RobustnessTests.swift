import FwctlTestSupport
import FwctlNet
import Testing
import FwctlPolicy

/// Hostile inputs: nothing may crash or hang, and each gives a clear, bounded report.
@Suite struct RobustnessTests {
    /// Every diagnostic of `r` points into its file (line within the file, column within the line + 1).
    static func positionsAreValid(_ r: CheckResult) -> Bool {
        let files = Dictionary(r.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        func ok(_ range: SourceRange) -> Bool {
            guard let f = files[range.file], range.start.line >= 1, range.start.line <= f.lineStarts.count else { return false }
            let lineLength = (range.start.line < f.lineStarts.count ? f.lineStarts[range.start.line] - 1 : f.text.utf8.count) - f.lineStarts[range.start.line - 1]
            return range.start.column >= 1 && range.start.column <= lineLength + 1 && range.start <= range.end
        }
        return r.diagnostics.allSatisfy { d in ok(d.range) && d.notes.allSatisfy { ok($0.range) } }
    }

    @Test(arguments: [
        ("nul bytes", "network a = 1.2.3.4\u{0}\u{0}\u{0}\n", "unexpected NUL byte: is this a binary file?"),
        ("control", "\u{1}\u{2}\u{3}", "unexpected control character U+0001"),
        ("non-ascii", "rôle x { }", "unexpected character 'ô'"),
        ("unterminated string", "test \"abc\n", "unterminated string"),
        ("unterminated block", "role web { host a = 192.0.2.1\n", "missing '}' to close the role 'web'"),
        ("huge port", "service s = tcp/99999999999999999999", "port 99999999999999999999 is out of range 1-65535"),
        ("huge prefix", "network n = 10.0.0.0/99999999999999999999", "prefix length 99999999999999999999 is out of range for IPv4 (0-32)"),
        ("prefix 33", "network n = 10.0.0.0/33", "prefix length 33 is out of range for IPv4 (0-32)"),
        ("prefix 129", "network n = ::/129", "prefix length 129 is out of range for IPv6 (0-128)"),
        ("mapped", "network n = ::ffff:1.2.3.4", "'::ffff:1.2.3.4' is an IPv4-mapped IPv6 address; nft would match it as IPv6 only"),
        ("huge rate", "defaults { log = 99999999999999999999999/second }", "'99999999999999999999999/second' is not a valid value for 'log'"),
        ("only braces", String(repeating: "}", count: 1000), "expected a statement (network, service, role, allow, deny, defaults or test), found '}'"),
    ])
    func hostileInputGivesAClearError(name: String, text: String, message: String) {
        let r = Here.check(text)
        #expect(r.hasErrors, "\(name)")
        #expect(r.fleet == nil)
        #expect(r.diagnostics.contains { $0.message == message }, "\(name): \(r.diagnostics.map(\.message))")
        #expect(Self.positionsAreValid(r))
    }

    @Test func deepNestingIsOneErrorNotARecursion() {
        for text in [String(repeating: "{", count: 100_000), "role r " + String(repeating: "{", count: 100_000), "role a { host h = 192.0.2.1 }\nallow a -> a : tcp/1 " + String(repeating: "{", count: 100_000)] {
            let r = Here.check(text)
            #expect(r.hasErrors)
            #expect(r.diagnostics.count <= 3, "\(r.diagnostics.map(\.message))")
        }
    }

    @Test func errorsAreCappedPerFile() {
        let text = String(repeating: "allow a -> b : tcp/0\n", count: 5_000)
        let r = Here.check(text)
        #expect(r.diagnostics.count { $0.severity == .error } == 100)
        #expect(r.diagnostics.last?.id == "N-too-many-errors")
    }

    @Test func invalidUTF8IsOneLoadError() {
        #expect(throws: PolicyLoadError.notUTF8(path: "x.policy", line: 2, column: 3)) {
            try PolicyFrontEnd.sourceFile(path: "x.policy", bytes: Array("role a {\nab".utf8) + [0xFF, 0xFE] + Array(" }".utf8))
        }
    }

    @Test func binaryGarbageIsBoundedAndValid() {
        var rng = SplitMix64(seed: 7)
        let bytes = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let r = Here.check(String(decoding: bytes, as: UTF8.self))
        #expect(r.hasErrors)
        #expect(r.diagnostics.count <= 2 * 100 + 2)
        #expect(Self.positionsAreValid(r))
    }

    @Test func veryLongLineRendersAWindow() {
        let text = "network n = " + String(repeating: "1", count: 100_000) + "\n"
        let r = Here.check(text)
        let out = DiagnosticRenderer(files: r.files, color: false).render(r.diagnostics)
        #expect(r.hasErrors)
        #expect(out.utf8.count < 1_000, "\(out.utf8.count)")
    }

    /// A 50 MB policy checks in linear time (a quadratic step would take hours). Debug
    /// builds are slow, so most of the bytes are long comment and metadata lines: the lexer
    /// and line index see all 50 MB, the parser and checks some 20,000 flows. (A release
    /// build checks 50 MB of dense flows, 650,000 of them, in about 7 s.)
    @Test func fiftyMegabytes() {
        var text = "role web { host w1 = 192.0.2.1 }\nservice https = tcp/443\n"
        text.reserveCapacity(50_100_000)
        let comment = "# " + String(repeating: "padding ", count: 250) + "\n"
        var i = 0
        while text.utf8.count < 50_000_000 {
            text += "allow 10.\(i >> 8 & 255).\(i & 255).0/24, web -> web : https, tcp/\(8000 + i % 1000) {\n  owner \"\(comment.prefix(200))\"\n}\n"
            text += comment
            i += 1
        }
        let r = Here.check(text)
        #expect(!r.hasErrors)
        #expect(r.fleet?.flows.count == i)
        #expect(r.diagnostics.isEmpty)
    }
}

/// The shared seeded generator, under the name these tests use.
typealias SplitMix64 = SeededGenerator

/// A fleet of the size the compiler is built for checks clean, with its structure intact.
@Suite struct ScaleTests {
    @Test func tenThousandHostsInAThousandRoles() throws {
        var text = "service app = tcp/8443\nnetwork admins = 198.51.100.0/24\nallow admins -> * : tcp/22\n"
        for r in 0..<1_000 {
            text += "role r\(r) {\n"
            for h in 0..<10 {
                let n = r * 10 + h
                text += "  host h\(n) = 10.\(n >> 8 & 255).\(n & 255).1, 2001:db8::\(String(n, radix: 16))\n"
            }
            text += "}\nallow r\(r) -> r\((r + 1) % 1_000) : app\n"
        }
        let r = Here.check(text)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.prefix(3).map(\.message))")
        let fleet = try #require(r.fleet)
        #expect(fleet.hosts.count == 10_000 && fleet.roles.count == 1_000 && fleet.flows.count == 1_001)
        #expect(fleet.role(named: "r999")?.hosts.last == "h9999")
    }
}
