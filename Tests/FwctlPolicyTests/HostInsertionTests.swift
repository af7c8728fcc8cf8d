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
        ]

    @Test(arguments: notInsertions)
    func otherEditsAreNotRecognised(_ what: String, _ new: String) {
        #expect(Self.recognise(new) == nil, "\(what)")
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
