import Foundation
import Testing
@testable import FwctlAudit
import FwctlPolicy

@Suite struct AuditBuilderTests {
    static func report(hosts: [String]? = nil) throws -> AuditReport {
        try Fixtures.load(Fixtures.small).builder.build(hosts: hosts, now: Fixtures.now)
    }

    /// Flags by metadata: overdue against the report's date (2027-04-15), missing fields;
    /// a deny is never flagged.
    @Test(arguments: [
        ("test.policy:10", "inbound", ["https"], [String]()),
        ("test.policy:13", "inbound", ["pg"], ["overdue"]),
        ("test.policy:16", "inbound", ["pg"], ["unjustified", "no-review"]),
        ("test.policy:17", "inbound", ["ssh"], ["unjustified", "no-owner", "no-review"]),
        ("test.policy:18", "inbound", ["ssh"], []),
    ])
    func flagsFollowTheMetadata(location: String, direction: String, services: [String], flags: [String]) throws {
        let all = try Self.report().hosts.flatMap(\.flows)
        let matching = all.filter { $0.location == location && $0.direction.rawValue == direction }
        #expect(!matching.isEmpty, "no \(direction) flow at \(location)")
        for f in matching {
            #expect(services.contains(f.service))
            #expect(f.flags.map(\.rawValue) == flags, "\(location): \(f.flags)")
        }
    }

    @Test func inboundAndOutboundPerHostWithPeersOtherThanItself() throws {
        let d1 = try #require(try Self.report().hosts.first { $0.name == "d1" })
        #expect(d1.roles == ["db"] && d1.addressesV4 == ["192.0.2.11"] && d1.addressesV6.isEmpty)
        let summary = d1.flows.map { "\($0.direction.rawValue) \($0.service) \($0.peers.map(\.name).joined(separator: ","))" }
        #expect(summary == ["inbound pg web", "inbound pg db", "inbound ssh admins", "outbound pg db"])
        let replication = try #require(d1.flows.first { $0.location == "test.policy:16" && $0.direction == .outbound })
        #expect(replication.peers == [AuditReport.Peer(kind: "role", name: "db", hosts: ["d2"], addresses: ["192.0.2.12"])])
        #expect(replication.ports == ["tcp/5432"] && replication.statement == "allow db -> db : pg")
        let admins = try #require(d1.flows.first { $0.service == "ssh" })
        #expect(admins.peers.first?.kind == "network" && admins.peers.first?.addresses == ["198.51.100.0/28"])
    }

    /// `*` as a peer is not expanded into the whole fleet in every flow of every host.
    @Test func theWholeFleetAsAPeerIsNotExpanded() throws {
        let r = try Fixtures.bundled("scale-up.policy").builder.build(hosts: ["mon-01"], now: Fixtures.now)
        let scrape = try #require(r.hosts[0].flows.first { $0.direction == .outbound && $0.service == "node-exporter" })
        #expect(scrape.peers == [AuditReport.Peer(kind: "fleet", name: "*", hosts: [], addresses: [])])
        #expect(AuditText.peers(scrape.peers) == "* (every host)")
    }

    @Test func verificationTestsMatrixAndSummary() throws {
        let r = try Self.report()
        #expect(r.schema == "fwctl-audit/1")
        #expect(r.generatedAt == "2027-04-15T09:30:00Z" && r.reviewDate == "2027-04-15")
        #expect(r.hosts.map(\.name) == ["w1", "w2", "d1", "d2"])
        #expect(r.hosts.allSatisfy { $0.verification.clean && $0.verification.details.isEmpty })
        #expect(r.tests.passed == 2 && r.tests.failed == 0 && r.tests.results.count == 2)
        #expect(r.matrix.contains { $0.source == "web" && $0.destination == "db" && $0.admits == "tcp/5432" && !$0.partial })
        #expect(!r.matrix.contains { $0.source == "internet" && $0.destination == "db" && $0.service == "https" })
        #expect(r.isClean)
        #expect(r.flaggedFlowCount == r.hosts.flatMap(\.flagged).count && r.flaggedFlowCount > 0)
        // Tables are by role (addresses live in the peers' sets): one hash per role here.
        #expect(Set(r.hosts.map(\.rulesetSHA256)).count == 2)
        #expect(r.hosts[0].rulesetSHA256 == r.hosts[1].rulesetSHA256 && r.hosts[1].rulesetSHA256 != r.hosts[2].rulesetSHA256)
        #expect(r.hosts.allSatisfy { $0.rulesetSHA256.count == 64 })
    }

    /// An `expect allow` over ends that share no family fails, and the report says why
    /// instead of an empty reason; a vacuous `expect deny` passes with no failure text.
    @Test func aVacuousExpectationSaysWhyItFailed() throws {
        let text = Fixtures.small.replacingOccurrences(of: "test \"db only from web\" {", with: """
            role v6 { host s6 = 2001:db8::6 }
            test "vacuous" {
              expect allow v6 -> web : https
              expect deny v6 -> web : https
            }
            test "db only from web" {
            """)
        let r = try Fixtures.load(text).builder.build(hosts: nil, now: Fixtures.now)
        let allow = try #require(r.tests.results.first { $0.expectation.hasPrefix("expect allow v6") })
        let deny = try #require(r.tests.results.first { $0.expectation.hasPrefix("expect deny v6") })
        #expect(!allow.passed && allow.failure?.contains("never carries a packet") == true)
        #expect(deny.passed && deny.failure == nil)
    }

    @Test func selectedHostsLiveAndLastApplyComeThrough() throws {
        let apply = AuditReport.LastApply(time: "2027-04-14T08:00:00Z", user: "alice", outcome: "applied",
                                          policySHA256: String(repeating: "a", count: 64), generation: 42)
        let r = try Fixtures.load(Fixtures.small).builder.build(
            hosts: ["d2", "w1"], now: Fixtures.now, git: AuditReport.Git(commit: String(repeating: "1", count: 40), dirty: true),
            live: ["d2": AuditReport.Live(state: .drift, reason: "differs", add: 1, change: 0, remove: 2)],
            liveReason: "not this machine", lastApply: ["d2": apply])
        #expect(r.hosts.map(\.name) == ["d2", "w1"])
        #expect(r.hosts[0].live == AuditReport.Live(state: .drift, reason: "differs", add: 1, change: 0, remove: 2))
        #expect(r.hosts[1].live == AuditReport.Live(state: .notChecked, reason: "not this machine"))
        #expect(r.hosts[0].lastApply == apply && r.hosts[1].lastApply == nil)
        #expect(r.policy.git?.dirty == true)
        // The matrix and the tests are of the whole fleet, whatever hosts are reported.
        #expect(r.matrix == (try Self.report()).matrix)
    }

    /// The policy hash depends on the files' names and contents, not on the directory they
    /// were read from; a changed byte changes it.
    @Test func policyHashIgnoresTheDirectory() throws {
        let a = try Fixtures.load(Fixtures.small, path: "/srv/a/site.policy").builder.build(now: Fixtures.now)
        let b = try Fixtures.load(Fixtures.small, path: "site.policy").builder.build(now: Fixtures.now)
        let c = try Fixtures.load(Fixtures.small + "\n", path: "site.policy").builder.build(now: Fixtures.now)
        #expect(a.policy.sha256 == b.policy.sha256)
        #expect(a.policy.files[0].sha256 == b.policy.files[0].sha256)
        #expect(b.policy.sha256 != c.policy.sha256)
    }

    @Test func buildingTwiceGivesTheSameReport() throws {
        let loaded = try Fixtures.bundled("stacked.policy")
        #expect(loaded.builder.build(now: Fixtures.now) == loaded.builder.build(now: Fixtures.now))
    }

    @Test(arguments: [(0.0, "1970-01-01T00:00:00Z"), (1_807_781_400.9, "2027-04-15T09:30:00Z"), (951_825_599, "2000-02-29T11:59:59Z")])
    func timestamps(seconds: Double, expected: String) {
        #expect(AuditReportBuilder.timestamp(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func diagramEdgesMergeServicesAndLiterals() throws {
        let r = try Fixtures.bundled("stacked.policy").builder.build(now: Fixtures.now)
        let internet = try #require(r.diagram.first { $0.from == "internet" && $0.to == "web" })
        #expect(internet.services == ["https", "tcp/80", "rtc"])
        #expect(r.diagram.contains { $0.fromKind == "addresses" && $0.from == "192.0.2.200, 2001:db8:10::200" && $0.toKind == "host" && $0.to == "s3" })
        // `jump` is alone in role bastion: its box is the role's.
        #expect(r.diagram.contains { $0.fromKind == "role" && $0.from == "bastion" && $0.toKind == "fleet" })
        #expect(!r.diagram.contains { $0.from == "guest-wifi" })
    }
}
