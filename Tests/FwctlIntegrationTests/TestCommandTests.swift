import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import FwctlTestSupport

/// `fwctl test` as a user and a CI job run it: exit codes, the summary line, JSON and JUnit.
@Suite
struct TestCommandTests {
    /// A policy with one expectation that holds and one that does not (db never reaches web).
    static let failing = SamplePolicy.webAndDatabase + """
        test "tiers" {
          expect allow web -> db : pg
          expect allow db -> web : pg
        }
        """

    /// A scratch directory holding `text` as p.policy.
    static func temporaryPolicy(_ text: String) throws -> ScratchDirectory {
        let dir = try ScratchDirectory(prefix: "fwctl-test")
        try dir.write(text, to: "p.policy")
        return dir
    }

    @Test(arguments: ["scale-up.policy", "ipv6-only.policy"])
    func bundledTestsPass(_ name: String) throws {
        let r = try CLI.run(["test", "--policy", Repo.policies.appendingPathComponent(name).path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let last = try #require(r.stdout.split(separator: "\n").last)
        #expect(last.hasSuffix(" passed, 0 failed"))
        #expect(!r.stdout.contains("FAIL"))
    }

    @Test func failingExpectationExitsTwoWithThePacket() throws {
        let dir = try Self.temporaryPolicy(Self.failing)
        defer { dir.remove() }
        let junit = dir.file("junit.xml")
        let r = try CLI.run(["test", "--policy", dir.file("p.policy").path, "--junit", junit.path])
        #expect(r.status == 2, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  PASS ") && $0.hasSuffix("p.policy:9: expect allow web -> db : pg") })
        #expect(lines.contains { $0.hasPrefix("  FAIL ") && $0.hasSuffix("p.policy:10: expect allow db -> web : pg") })
        #expect(r.stdout.contains("not admitted: 192.0.2.2 -> 192.0.2.1 tcp/5432"))
        #expect(r.stdout.hasSuffix("1 passed, 1 failed\n"))

        // Well-formed JUnit: one testcase per expectation, one failure carrying the packet.
        let doc = try XMLDocument(contentsOf: junit, options: [])
        let cases = try doc.nodes(forXPath: "//testcase")
        let failures = try doc.nodes(forXPath: "//testcase/failure")
        #expect(cases.count == 2)
        #expect(failures.count == 1)
        #expect(failures.first?.stringValue?.contains("192.0.2.2 -> 192.0.2.1 tcp/5432") == true)
        #expect(doc.rootElement()?.attribute(forName: "failures")?.stringValue == "1")
    }

    @Test func jsonFormat() throws {
        let dir = try Self.temporaryPolicy(Self.failing)
        defer { dir.remove() }
        let r = try CLI.run(["test", "--policy", dir.file("p.policy").path, "--format", "json"])
        #expect(r.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(object?["passed"] as? Int == 1)
        #expect(object?["failed"] as? Int == 1)
    }

    @Test func policyWithErrorsExitsOne() throws {
        let dir = try Self.temporaryPolicy("role web { host w = 192.0.2.1 }\ntest \"t\" { expect allow web -> nope : tcp/1 }\n")
        defer { dir.remove() }
        let r = try CLI.run(["test", "--policy", dir.file("p.policy").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error"))
    }
}
