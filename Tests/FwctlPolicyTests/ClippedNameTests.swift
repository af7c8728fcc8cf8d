import Testing
import FwctlPolicy

/// A name of any length cannot make a long message: every diagnostic's message, help and
/// notes clip each name to 64 characters (with an ellipsis) and the whole text to 400, whatever the message.
@Suite struct ClippedNameTests {
    static let long = String(repeating: "r", count: 100_000)

    /// Policies with NAME standing for the long name (short here, so a failure prints short).
    @Test(arguments: [
        // W-host-no-inbound names the host's roles.
        "role NAME { host h1 = 192.0.2.1 }\n",
        "role web { host NAME = 192.0.2.1 }\n",
        "role web { host h1 = 192.0.2.1 }\nservice NAME = tcp/443\n",
        "role web { host h1 = 192.0.2.1 }\nallow web -> NAME : tcp/443\n",
        "role web { host h1 = 192.0.2.1 }\nrole NAME { host h2 = 192.0.2.2 }\nrole NAME { host h3 = 192.0.2.3 }\n",
        "network NAME = 10.0.0.0/8\nnetwork NAME = 10.0.0.0/8\n",
    ])
    func everyMessageIsShort(policy: String) {
        let r = Here.check(policy.replacingOccurrences(of: "NAME", with: Self.long))
        #expect(!r.diagnostics.isEmpty)
        for d in r.diagnostics {
            for text in [d.message, d.help ?? ""] + d.notes.map(\.message) {
                let longest = text.split(whereSeparator: { $0 == " " }).map(\.count).max() ?? 0
                #expect(text.utf8.count <= 420 && longest <= 70, "\(d.id): \(text.utf8.count) bytes, a word of \(longest) characters")
            }
        }
    }

    @Test func clippingKeepsTheStartAndSaysItCut() {
        let d = Diagnostic(.warning, id: "W-x", "host '\(Self.long)' admits nothing (\(Self.long), web)", at: SourceRange(file: "t.policy", start: .init(line: 1, column: 1, offset: 0), end: .init(line: 1, column: 2, offset: 1)))
        let clipped = String(repeating: "r", count: 64) + "…"
        let expected = "host '\(clipped)' admits nothing (\(clipped), web)"
        let same = d.message == expected   // not in #expect: it would print 200 KB on failure
        #expect(same, "\(d.message.prefix(200)) (\(d.message.utf8.count) bytes)")
        let short = Diagnostic(.error, id: "E-x", "unknown role 'web' (did you mean 'webs'?)", at: d.range)
        #expect(short.message == "unknown role 'web' (did you mean 'webs'?)")
    }
}
