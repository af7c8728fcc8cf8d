import Foundation
import FwctlTestSupport
import Testing

/// The kernel-test helpers themselves.
@Suite("Test support")
struct TestSupportTests {
    static let counters: [(String, String)] = [
        ("counter packets 12 bytes 3400 accept", "counter packets 0 bytes 0 accept"),
        ("a counter packets 1 bytes 2\nb counter packets 0 bytes 0", "a counter packets 0 bytes 0\nb counter packets 0 bytes 0"),
        ("limit rate 5/second accept", "limit rate 5/second accept"),
    ]

    @Test("normaliseCounters zeroes counter values only", arguments: counters)
    func normalise(_ input: String, expected: String) {
        #expect(normaliseCounters(input) == expected)
    }

    @Test("runProcess returns status, stdout and stderr and feeds stdin")
    func process() throws {
        let (status, out, err) = try runProcess(["sh", "-c", "cat; echo oops >&2; exit 3"], stdin: "hello\n")
        #expect(status == 3)
        #expect(out == "hello\n")
        #expect(err == "oops\n")
    }

    @Test("a namespace is created empty, isolated, uniquely named and removed",
          .enabled(if: TestNamespace.isRoot, "needs root: creates network namespaces"))
    func namespace() throws {
        let a = try TestNamespace()
        let b = try TestNamespace()
        defer { a.remove(); b.remove() }
        #expect(a.name != b.name)
        #expect(a.name.hasPrefix("fwctl-test-\(getpid())-"))
        #expect(try a.nft(["list", "ruleset"]) == "")
        try a.nft(["-f", "-"], stdin: "table inet probe {\n}\n")
        #expect(try a.nft(["list", "tables"]) == "table inet probe\n")
        #expect(try b.nft(["list", "tables"]) == "")
        #expect(try a.run(["ip", "-o", "link", "show", "lo"]).stdout.contains("UP"))
        #expect(throws: CommandFailure.self) { try a.nft(["list", "table", "inet", "missing"]) }

        a.remove()
        a.remove()
        let list = try runProcess(["ip", "netns", "list"], stdin: nil).1
        #expect(!list.contains(a.name))
        #expect(list.contains(b.name))
    }
}
