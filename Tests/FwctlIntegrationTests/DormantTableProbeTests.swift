import Foundation
import Testing
import FwctlTestSupport

/// The most serious drift: `flags dormant` switches the whole table off. Over a veth pair a
/// client that the policy does not admit connects to a listener on the host while the
/// table is dormant; fwctl plans the flag away, and after `apply` the same probe fails.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: builds two network namespaces joined by veth"), .serialized)
struct DormantTableProbeTests {
    static let server = "192.0.2.21"   // web-01
    static let client = "203.0.113.7"  // the internet: admitted nowhere by scale-up.policy
    static let port = 8080             // no flow of the policy names it

    @Test func dormantTableIsFoundAndFiltersAgainAfterApply() throws {
        let h = try ApplyKernelTests.Host()
        let cli = try TestNamespace(prefix: "fwctl-probe")
        defer { cli.remove() }
        try TestNamespace.ip(["-n", h.ns.name, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", cli.name])
        for (ns, mine, other) in [(h.ns, Self.server, Self.client), (cli, Self.client, Self.server)] {
            try TestNamespace.ip(["-n", ns.name, "link", "set", "eth0", "up"])
            try TestNamespace.ip(["-n", ns.name, "addr", "add", mine + "/32", "dev", "eth0"])
            try TestNamespace.ip(["-n", ns.name, "route", "add", other + "/32", "dev", "eth0"])
        }
        let listener = try h.ns.listenTCP(port: Self.port)
        defer { listener.stop() }

        let policy = ApplyKernelTests.path("scale-up.policy")
        #expect(try cli.connectsTCP(to: Self.server, port: Self.port), "the listener cannot be reached before any table is loaded")
        try #require(try h.apply(policy, "web-01", ["--no-confirm"]).status == 0)
        #expect(try !cli.connectsTCP(to: Self.server, port: Self.port), "the policy does not admit the probe")

        try h.ns.nft(["add", "table", "inet", "fwctl", "{ flags dormant; }"])
        #expect(try cli.connectsTCP(to: Self.server, port: Self.port), "a dormant table filters nothing")
        let p = try h.plan(policy, "web-01", ["--detailed-exitcode"])
        #expect(p.status == 2 && p.stdout.contains("~ table inet fwctl: flags dormant -> (none)"), "\(p.stdout)\(p.stderr)")

        #expect(try h.apply(policy, "web-01", ["--no-confirm"]).status == 0)
        #expect(try !cli.connectsTCP(to: Self.server, port: Self.port), "after apply the table filters again")
        #expect(try h.plan(policy, "web-01", ["--detailed-exitcode"]).status == 0)
    }
}
