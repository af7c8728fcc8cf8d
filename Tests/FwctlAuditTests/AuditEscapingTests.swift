import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import FwctlAudit
import FwctlVerifier

/// Policy text is written by many people: in every format an owner, a justification or a
/// test name is text, never markup (Markdown, HTML) and never a formula (CSV).
@Suite struct AuditEscapingTests {
    static let hostile = ##"<script>alert(1)</script> *x* _y_ [a](javascript:alert(1)) | `b` &amp; ~~s~~ \ # h"##
    static let escaped = ##"\<script\>alert(1)\</script\> \*x\* \_y\_ \[a\](javascript:alert(1)) \| \`b\` \&amp; \~\~s\~\~ \\ \# h"##

    static func policy(owner: String, because: String, test: String) -> String {
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        return """
            service ssh = tcp/22
            role web { host w1 = 192.0.2.1 }
            role db { host d1 = 192.0.2.11 }
            allow web -> db : ssh { owner \(q(owner)) because \(q(because)) review 2020-01-01 }
            test \(q(test)) {
              expect allow web -> db : ssh
            }
            """
    }

    static func report(owner: String = "ops", because: String = hostile, test: String = "t") throws -> AuditReport {
        try Fixtures.load(policy(owner: owner, because: because, test: test)).builder.build(now: Fixtures.now)
    }

    @Test func markdownEscapesEveryPolicyText() throws {
        let md = AuditMarkdown.render(try Self.report(owner: Self.hostile, test: Self.hostile))
        #expect(!md.contains("<script>") && !md.contains("</script>"), "\(md)")
        // The justification and owner in the host's flow table, the owner in the flagged
        // flows, the test's name in the tests table: each as escaped text.
        let count = md.components(separatedBy: Self.escaped).count - 1
        #expect(count >= 4, "\(count) escaped copies in:\n\(md)")
    }

    @Test(arguments: [
        ("plain text", "plain text"),
        ("a|b", #"a\|b"#),
        ("two\nlines", "two lines"),
        ("<b>", #"\<b\>"#),
        (hostile, escaped),
    ])
    func markdownText(input: String, expected: String) {
        #expect(AuditMarkdown.text(input) == expected)
    }

    /// Code spans hold anything, backticks included, without ending early or breaking a table.
    @Test(arguments: [
        ("allow a -> b : ssh", "`allow a -> b : ssh`"),
        ("a`b", "``a`b``"),
        ("`x`", "`` `x` ``"),
        ("a|b", #"`a\|b`"#),
    ])
    func markdownCode(input: String, expected: String) {
        #expect(AuditMarkdown.code(input) == expected)
    }

    @Test func htmlCarriesTheTextNotTheMarkup() throws {
        let html = AuditHTML.render(try Self.report(owner: Self.hostile, test: Self.hostile))
        #expect(!html.contains("<script>"))
        #expect(html.contains(XMLText.escape(Self.hostile)))
        let parser = XMLParser(data: Data(html.utf8))
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
    }

    /// OWASP's formula starters, tab and carriage return included, get a leading `'`.
    @Test(arguments: [("=1+1", "'=1+1"), ("\t=1+1", "'\t=1+1"), ("\r=1", "\"'\r=1\""), ("@SUM(A1)", "'@SUM(A1)")])
    func csvFormulas(input: String, expected: String) {
        #expect(AuditCSV.field(input) == expected)
    }
}
