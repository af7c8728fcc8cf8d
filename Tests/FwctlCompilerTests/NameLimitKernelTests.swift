import Testing
import FwctlPolicy
import FwctlRuleset
import FwctlTestSupport
@testable import FwctlCompiler

/// nftables judges the name limit: names of `Sema.maxNameBytes` bytes compile to a table
/// `nft -f` loads (set names, set comments, rule comments), and one byte more would give a
/// set comment nft refuses, which is why `check` rejects it.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: loads rulesets into a network namespace"))
struct NameLimitKernelTests {
    static let limit = 120

    static func policy(_ length: Int) -> String {
        let n = "n" + String(repeating: "x", count: length - 1), r = "r" + String(repeating: "x", count: length - 1)
        let h = "h" + String(repeating: "x", count: length - 1), s = "s" + String(repeating: "x", count: length - 1)
        return """
            network \(n) = 198.51.100.0/24, 2001:db8:ff::/48
            service \(s) = tcp/443
            role \(r) { host \(h) = 10.0.0.1, 2001:db8::1 }
            allow \(n) -> \(r) : \(s)
            allow \(r) -> \(n) : \(s)
            """
    }

    static func check(_ text: String) -> CheckResult {
        PolicyFrontEnd.check(files: [SourceFile(path: "t.policy", text: text)], today: CalendarDate(year: 2026, month: 1, day: 1))
    }

    @Test func namesAtTheLimitLoad() throws {
        let fleet = try #require(Self.check(Self.policy(Self.limit)).fleet)
        let ns = try TestNamespace(prefix: "fwctl-names")
        defer { ns.remove() }
        for (_, ruleset) in Compiler(fleet: fleet).compileAll() {
            let text = NftText.render(ruleset)
            #expect(text.contains("comment \"network n"))
            _ = try ns.nft(["-f", "-"], stdin: text)
            _ = try ns.nft(["delete", "table", "inet", "fwctl"])
        }
    }

    @Test func oneByteMoreIsRejectedByCheckAndWouldBeByNft() throws {
        let result = Self.check(Self.policy(Self.limit + 1))
        #expect(result.fleet == nil)
        #expect(result.diagnostics.filter { $0.id == "E-name-too-long" }.count == 4)
        // The same network name past check: nft refuses the set comment.
        let fleet = try #require(Self.check(Self.policy(Self.limit)).fleet)
        var longer = fleet
        let old = fleet.networks[0].name, new = old + "x"
        longer.networks[0].name = new
        longer.flows = fleet.flows.map { flow in
            var f = flow
            f.sources = f.sources.map { if case .network(old) = $0 { .network(new) } else { $0 } }
            f.destinations = f.destinations.map { if case .network(old) = $0 { .network(new) } else { $0 } }
            return f
        }
        let ns = try TestNamespace(prefix: "fwctl-names")
        defer { ns.remove() }
        let text = NftText.render(try Compiler(fleet: longer).compile(host: longer.hosts[0].name))
        #expect(text.contains("comment \"network \(new)\""))
        #expect(throws: (any Error).self) { try ns.nft(["-c", "-f", "-"], stdin: text) }
    }
}
