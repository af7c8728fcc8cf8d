import FwctlCompiler
import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlVerifier

/// The role matrix against hand-computed cells and against a brute-force one.
@Suite struct MatrixTests {
    static let matrix = Reachability.matrix(ReachabilityTests.model, fleet: TestFleet.fleet)

    @Test func handComputedCells() {
        let lines = Self.matrix.description.split(separator: "\n").map(String.init)
        // A network stands for its own addresses: ops lies inside internet, so internet is
        // the rest of it, which ssh does not reach (as `expect deny internet -> lb : ssh` says).
        #expect(lines == [
            "lb -> web : app tcp/8000-8100, tcp/9000-9100 ~tcp/9000-9100",
            "lb -> internet : ntp udp/123",
            "lb -> ops : ntp udp/123",
            "web -> db : pg ~tcp/5432",
            "web -> internet : ntp udp/123",
            "web -> ops : ntp udp/123",
            "db -> db : pg tcp/5432",
            "db -> internet : ntp udp/123",
            "db -> ops : ntp udp/123",
            "internet -> lb : https tcp/443, ping icmp 8, ping icmpv6 128",
            "internet -> web : ping icmp 8, ping ~icmpv6 128",
            "internet -> db : ping icmp 8",
            "ops -> lb : https tcp/443, ssh tcp/22, ping icmp 8, ping icmpv6 128",
            "ops -> web : ssh tcp/22, ping icmp 8, ping ~icmpv6 128",
            "ops -> db : ssh tcp/22, ping icmp 8",
            "(~: admitted for only some hosts, ports or address families)",
        ])
        let pg = Self.matrix.entries(from: "web", to: "db")[0]
        #expect((pg.pairs, pg.admittedPairs, pg.fullyAdmittedPairs) == (4, 3, 3))
        let partial = Self.matrix.entries(from: "lb", to: "web")[1]
        #expect((partial.pairs, partial.admittedPairs, partial.fullyAdmittedPairs) == (4, 2, 2))
    }

    /// Every cell recomputed pair by pair, address by address and port by port with the naive
    /// interpreter on both chains.
    @Test func bruteForceMatrixAgrees() {
        let got = Self.matrix.entries.map(BruteMatrix.line)
        #expect(got.sorted() == BruteMatrix.lines(fleet: TestFleet.fleet, model: ReachabilityTests.model).sorted())
    }

    @Test func hostMatrixShowsTheDeniedPair() {
        let m = Reachability.hostMatrix(ReachabilityTests.model, fleet: TestFleet.fleet)
        let pg = m.entries.filter { $0.service == "pg" }.map { "\($0.source) -> \($0.destination) \($0.admits)" }
        #expect(pg == ["web-01 -> db-01 tcp/5432", "web-01 -> db-02 tcp/5432", "web-02 -> db-02 tcp/5432",
                       "db-01 -> db-02 tcp/5432", "db-02 -> db-01 tcp/5432"])
        // web-02 has no IPv6 address: ping from internet reaches it over IPv4 only.
        #expect(m.entries(from: "internet", to: "web-02").map(\.admits) == ["icmp 8"])
    }

    /// `any` probes every protocol: admitted wholly by a flow of `any`, partly by a port rule.
    @Test func anyService() {
        let at = TestFleet.at(1)
        let any = ServiceRef(name: "any", isInline: true, atoms: [.any])
        let ssh = ServiceRef(name: "tcp/22", isInline: true, atoms: [.ports(.tcp, [PortRange(22)])])
        let fleet = Fleet(
            roles: [Role(name: "a", hosts: ["a1"], range: at), Role(name: "b", hosts: ["b1"], range: at)],
            hosts: [Host(name: "a1", addresses: TestFleet.addrs("192.0.2.1"), roles: ["a"], range: at),
                    Host(name: "b1", addresses: TestFleet.addrs("192.0.2.2"), roles: ["b"], range: at)],
            flows: [TestFleet.flow(.allow, [.role("a")], [.role("b")], any, 1), TestFleet.flow(.allow, [.role("b")], [.role("a")], ssh, 2)])
        let m = Reachability.matrix(fleet: fleet, rulesets: Dictionary(uniqueKeysWithValues: Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) }))
        #expect(m.description.split(separator: "\n") == ["a -> b : any any, tcp/22 tcp/22", "b -> a : any ~any, tcp/22 tcp/22", "(~: admitted for only some hosts, ports or address families)"])
    }
}
