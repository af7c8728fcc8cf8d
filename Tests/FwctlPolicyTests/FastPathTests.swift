import Testing
import FwctlNet
@testable import FwctlPolicy

/// The front end's shortcuts for large fleets give the same answers as the general paths:
/// duplicate hosts found without a per-role table of every name, dotted quads read in one
/// pass, warnings capped without being made, and `warnings: false` leaving errors intact.
@Suite struct FastPathTests {
    /// Where each duplicate listing is reported and where its note points.
    @Test(arguments: [
        // Defined in this role, listed again in it.
        ("role a { host h = 192.0.2.1\n host h = 192.0.2.1 }\nrole b { host k = 192.0.2.9 }\n", ["2:7 E-duplicate-host note 1:15"]),
        // Defined in an earlier role, listed twice in this one: the note is this role's first listing.
        ("role a { host h = 192.0.2.1 }\nrole b { host h = 192.0.2.1\n host h = 192.0.2.1 }\n", ["3:7 E-duplicate-host note 2:15"]),
        // A role's name listed twice as a host: a kind clash, then a duplicate listing.
        ("role a { host x = 192.0.2.1 }\nrole b { host a = 192.0.2.2\n host a = 192.0.2.2 }\n",
         ["2:15 E-kind-clash note 1:6", "3:7 E-duplicate-host note 2:15"]),
        // The same host in two roles is no duplicate.
        ("role a { host h = 192.0.2.1 }\nrole b { host h = 192.0.2.1 }\n", []),
    ])
    func duplicateListings(text: String, expected: [String]) {
        let errors = Here.check(text + "allow a -> b : tcp/1\nallow b -> a : tcp/1\n").diagnostics.filter { $0.severity == .error }
        let got = errors.map { d in
            "\(d.range.start.line):\(d.range.start.column) \(d.id)" + d.notes.map { " note \($0.range.start.line):\($0.range.start.column)" }.joined()
        }
        #expect(got == expected)
    }

    /// Valid quads take the fast path; everything else must still get the slow path's error.
    @Test(arguments: [
        ("0.0.0.0", "0.0.0.0"), ("10.64.1.255", "10.64.1.255"), ("255.255.255.255", "255.255.255.255"),
        ("192.0.2.1", "192.0.2.1"), ("1.02.3.4", nil), ("1.2.3.256", nil), ("1.2.3", nil), ("1.2.3.4.5", nil),
        ("1..3.4", nil), ("1.2.3.", nil), ("1.2.3.1000", nil), ("00.1.2.3", nil),
    ] as [(String, String?)])
    func dottedQuads(text: String, expected: String?) {
        switch AddressLiteral.single(Substring(text)) {
        case .success(let a): #expect(a.description == expected)
        case .failure(let p): #expect(expected == nil, "\(p.message)")
        }
    }

    /// More hosts without an inbound flow than the cap: the first `limit` are shown, then the note.
    @Test func noInboundWarningsStopAtTheCap() {
        let hosts = (0..<(DiagnosticSink.limit + 50)).map { "  host h\($0) = 10.0.\($0 / 256).\($0 % 256)" }
        let text = "role web { host w = 192.0.2.1 }\nrole quiet {\n" + hosts.joined(separator: "\n") + "\n}\nallow quiet -> web : tcp/1\n"
        let ids = Here.check(text).diagnostics.map(\.id)
        #expect(ids.filter { $0 == "W-host-no-inbound" }.count == DiagnosticSink.limit)
        #expect(ids.last == "N-too-many-warnings")
        #expect(Here.check(text).diagnostics.first?.message.contains("'h0'") == true)
    }

    /// `warnings: false` drops every warning and keeps every error.
    @Test(arguments: [
        ("role a { host h = 192.0.2.1 }\nrole b { }\nservice s = tcp/1\nallow a -> a : tcp/1\n", 0),
        ("role a { host h = 192.0.2.1 }\nallow a -> nope : tcp/1\nallow a -> a : tcp/1\n", 1),
    ])
    func warningsOff(text: String, errors: Int) {
        let file = SourceFile(path: "t.policy", text: text)
        let full = PolicyFrontEnd.check(files: [file], today: Here.today)
        let quiet = PolicyFrontEnd.check(files: [file], today: Here.today, warnings: false)
        #expect(quiet.warningCount == 0)
        #expect(quiet.errorCount == errors)
        #expect(quiet.diagnostics.map(\.id) == full.diagnostics.filter { $0.severity == .error }.map(\.id))
        #expect(quiet.fleet?.hosts.map(\.name) == full.fleet?.hosts.map(\.name))
        if errors == 0 { #expect(full.warningCount > 0) }
    }
}
