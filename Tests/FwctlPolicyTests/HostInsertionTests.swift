import Testing
import FwctlNet
@testable import FwctlPolicy

/// What `HostInsertion` recognises, and where it must not (the compiler's tests compare the
/// derived tables with fresh compilations; these pin the recognition itself).
@Suite struct HostInsertionTests {
    static let old = """
        # fleet
        service https = tcp/443
        role web {
          host web-01 = 192.0.2.21   # first

          host web-02 = 192.0.2.22
        }
        role db { host db-01 = 192.0.2.41 }
        allow web -> db : https

        """

    static func recognise(_ new: String, old: String = old) -> HostInsertion? {
        HostInsertion.recognise(old: Array(old.utf8), new: Array(new.utf8))
    }

    static func v4(_ s: String) -> AddressSet {
        var a = AddressSet()
        a.insert(AddressRange(IPAddress(s)!))
        return a
    }

    @Test(arguments: [
        // (line inserted before, expected line and line count)
        ("  host web-02 = 192.0.2.22\n", "  host web-03 = 192.0.2.23\n", 6),   // before web-02
        ("}\nrole db", "  host web-03 = 192.0.2.23\n", 7),                          // before the closing brace
        ("  host web-01", "  host web-03 = 192.0.2.23\n", 4),                       // right after `role web {`
    ])
    func aHostLineInTheBlockIsRecognised(_ anchor: String, _ line: String, _ expectedLine: Int) throws {
        let new = Self.old.replacingOccurrences(of: anchor, with: line + anchor)
        let edit = try #require(Self.recognise(new))
        #expect(edit.role == "web" && edit.line == expectedLine && edit.lineCount == 1)
        #expect(edit.hosts == [.init(name: "web-03", addresses: Self.v4("192.0.2.23"))])
    }

    @Test func severalLinesWithCommentsAndAddressesOfBothFamilies() throws {
        let lines = "  # new hosts\n  host web-03 = 192.0.2.23, 2001:db8::23\n\n  host web-04 = 192.0.2.24 # fourth\n"
        let new = Self.old.replacingOccurrences(of: "}\nrole db", with: lines + "}\nrole db")
        let edit = try #require(Self.recognise(new))
        var both = Self.v4("192.0.2.23")
        both.insert(AddressRange(IPAddress("2001:db8::23")!))
        #expect(edit.hosts.map(\.name) == ["web-03", "web-04"] && edit.hosts[0].addresses == both)
        #expect(edit.line == 7 && edit.lineCount == 4)
    }

    /// What the parser reads as host items is what is recognised, however the lines run.
    @Test func hostItemsAreReadAsTheParserReadsThem() throws {
        let lines = "  host web-03 = 192.0.2.23,\n      2001:db8::23   # continued\n  host web-04 = 192.0.2.24  host web-05 = 192.0.2.25\n"
        let edit = try #require(Self.recognise(Self.old.replacingOccurrences(of: "}\nrole db", with: lines + "}\nrole db")))
        #expect(edit.hosts.map(\.name) == ["web-03", "web-04", "web-05"] && edit.line == 7 && edit.lineCount == 3)
        var both = Self.v4("192.0.2.23")
        both.insert(AddressRange(IPAddress("2001:db8::23")!))
        #expect(edit.hosts[0].addresses == both)
    }

    static func beforeBlockEnd(_ line: String) -> String {
        old.replacingOccurrences(of: "}\nrole db", with: line + "\n}\nrole db")
    }

    static let notInsertions: [(String, String)] = [
        ("the same text", old),
        ("a removed host", old.replacingOccurrences(of: "  host web-02 = 192.0.2.22\n", with: "")),
        ("a one-line block", old.replacingOccurrences(of: "{ host db-01 = 192.0.2.41 }", with: "{ host db-01 = 192.0.2.41\n host db-02 = 192.0.2.42 }")),
        ("outside any block", old + "  host web-03 = 192.0.2.23\n"),
        ("a name used elsewhere (a comment)", beforeBlockEnd("  host first = 192.0.2.23")),
        ("a name used elsewhere (a service)", beforeBlockEnd("  host https = 192.0.2.23")),
        ("a defined name", beforeBlockEnd("  host db-01 = 192.0.2.23")),
        ("a keyword", beforeBlockEnd("  host any = 192.0.2.23")),
        ("a name for an address", beforeBlockEnd("  host web-03 = web-01")),
        ("a bad address", beforeBlockEnd("  host web-03 = 192.0.2.256")),
        ("a trailing comma", beforeBlockEnd("  host web-03 = 192.0.2.23,")),
        ("a brace", beforeBlockEnd("  host web-03 = 192.0.2.23 }")),
        ("a flow", beforeBlockEnd("  allow web -> db : https")),
        ("two new hosts of one name", beforeBlockEnd("  host w = 192.0.2.23\n  host w = 192.0.2.24")),
        ("part of a line", old.replacingOccurrences(of: "192.0.2.22", with: "192.0.2.22, 192.0.2.29")),
        ("a malformed name", beforeBlockEnd("  host 9x = 192.0.2.23")),
        ("a bad prefix", beforeBlockEnd("  host web-03 = 192.0.2.0/33")),
        ("a string", beforeBlockEnd("  host web-03 = \"192.0.2.23\"")),
        ("another statement", beforeBlockEnd("  network n = 10.0.0.0/8")),
        ("a NUL byte", beforeBlockEnd("  host web-03 = 192.0.2.23\u{0}")),
        ("a character the lexer refuses", beforeBlockEnd("  host web-03 \u{2192} 192.0.2.23")),
        ]

    @Test(arguments: notInsertions)
    func otherEditsAreNotRecognised(_ what: String, _ new: String) {
        #expect(Self.recognise(new) == nil, "\(what)")
    }

    /// The replays: bytes the front end refuses (not UTF-8 even inside a comment, a
    /// byte-order mark that is not at the start of the file) in an otherwise valid host line.
    static let hostileLines: [(String, [UInt8])] = [
        ("Latin-1 in a comment", Array("  host x1 = 192.0.2.99  # caf".utf8) + [0xE9]),
        ("a byte-order mark at the line's start", [0xEF, 0xBB, 0xBF] + Array("  host x1 = 192.0.2.99".utf8)),
        ("a surrogate in a comment", Array("  host x1 = 192.0.2.99  # ".utf8) + [0xED, 0xA0, 0x80]),
        ("an overlong sequence in a comment", Array("  host x1 = 192.0.2.99  # ".utf8) + [0xC0, 0xAF]),
    ]

    @Test(arguments: hostileLines)
    func bytesTheFrontEndRefusesAreNotRecognised(_ what: String, _ line: [UInt8]) throws {
        let anchor = Array("}\nrole db".utf8)
        var new = Array(Self.old.utf8)
        let at = try #require(new.indices.first { new[$0...].starts(with: anchor) })
        new.insert(contentsOf: line + [0x0A], at: at)
        // The full front end refuses the file ...
        let file = try? PolicyFrontEnd.sourceFile(path: "t.policy", bytes: new)
        #expect(file.map { PolicyFrontEnd.check(files: [$0], today: Here.today).hasErrors } ?? true, "\(what)")
        // ... so the insertion must not be taken for a valid one.
        #expect(HostInsertion.recognise(old: Array(Self.old.utf8), new: new) == nil, "\(what)")
    }

    @Test func aNameInAnotherFileIsNotNew() {
        let new = Self.old.replacingOccurrences(of: "}\nrole db", with: "  host web-03 = 192.0.2.23\n}\nrole db")
        #expect(HostInsertion.recognise(old: Array(Self.old.utf8), new: Array(new.utf8), otherFiles: [Array("allow web-03 -> db : https\n".utf8)]) == nil)
        #expect(HostInsertion.recognise(old: Array(Self.old.utf8), new: Array(new.utf8), otherFiles: [Array("allow web-033 -> db : https\n".utf8)]) != nil)
    }

    @Test func occurrenceIsAWholeWord() {
        func occurs(_ name: String, _ text: String) -> Bool {
            Array(text.utf8).withUnsafeBufferPointer { HostInsertion.occurs(Array(name.utf8), in: $0) }
        }
        #expect(occurs("web", "allow web->db"))
        #expect(occurs("web", "allow lb -> web:https"))
        #expect(occurs("web", "web"))
        #expect(!occurs("web", "webs web2 my.web web_1 a/web"))
        #expect(!occurs("web", ""))
    }
}
