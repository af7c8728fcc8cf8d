import Foundation
import FwctlLog
import FwctlTestSupport
import FwctlNet
import FwctlPlanner
import FwctlRuleset
import Testing
@testable import FwctlStatus

/// `fwctl status` without a kernel: counters summed per flow, direction and family, fwctl's
/// own rules left out, drops per chain, and the Prometheus text format.
@Suite struct HostStatusTests {
    static func rule(_ family: IPFamily?, _ packets: UInt64, _ bytes: UInt64, _ verdict: Verdict, _ comment: String) -> Rule {
        var e: [FwctlRuleset.Expression] = []
        if let family { e.append(.address(family: family, field: .saddr, match: .set("s"))) }
        return Rule(e + [.counter(packets: packets, bytes: bytes), .verdict(verdict)], comment: comment)
    }

    static let loaded = Table(name: "fwctl", chains: [
        Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop), rules: [
            rule(nil, 500, 90000, .accept, "fwctl: replies and related traffic"),
            rule(.v4, 3, 180, .drop, "a.policy:4: deny bad -> web : ssh"),
            rule(.v4, 5, 300, .accept, "a.policy:9: allow lb -> web : \"https\""),
            rule(.v4, 2, 120, .accept, "a.policy:9: allow lb -> web : \"https\""),
            rule(.v6, 0, 0, .accept, "a.policy:9: allow lb -> web : \"https\""),
            rule(.v4, 0, 0, .accept, "a.policy:12: allow ops -> * : ssh"),
            Rule([.counter(packets: 7, bytes: 420)], comment: "fwctl: dropped by the chain policy"),
        ]),
        Chain(name: "output", hook: BaseChainHook(hook: .output, policy: .drop), rules: [
            rule(.v6, 1, 80, .accept, "a.policy:9: allow lb -> web : \"https\""),
            Rule([.counter(packets: 0, bytes: 0)], comment: "fwctl: dropped by the chain policy"),
        ]),
    ])

    static let entries = [
        ApplyLogEntry(seq: 1, time: "2026-11-28T12:00:00.000Z", host: "web-01", action: .apply, actor: .init(user: "root", uid: 0), outcome: "started"),
        ApplyLogEntry(seq: 2, time: "2026-11-28T12:00:01.500Z", host: "web-01", action: .apply, actor: .init(user: "root", uid: 0), outcome: "applied"),
        ApplyLogEntry(seq: 3, time: "2026-11-28T12:05:00.000Z", host: "web-01", action: .apply, actor: .init(user: "root", uid: 0), outcome: "started"),
        ApplyLogEntry(seq: 4, time: "2026-11-28T12:06:00.000Z", host: "db-01", action: .apply, actor: .init(user: "root", uid: 0), outcome: "applied"),
    ]

    static func status(changes: [Change] = []) -> HostStatus {
        HostStatus(host: "web-01", loaded: loaded, plan: Plan(table: loaded.ref, generation: 12, changes: changes), entries: entries)
    }

    @Test func countersMapToPolicyLines() {
        let s = Self.status()
        let rows = s.flows.map { "\($0.direction) \($0.family) \($0.policyLine) \($0.action) \($0.rules) \($0.packets) \($0.bytes) \($0.used)" }
        #expect(rows == [
            "input ipv4 a.policy:4 deny 1 3 180 true",
            "input ipv4 a.policy:9 allow 2 7 420 true",
            "input ipv6 a.policy:9 allow 1 0 0 false",
            "input ipv4 a.policy:12 allow 1 0 0 false",
            "output ipv6 a.policy:9 allow 1 1 80 true",
        ])
        #expect(s.flows[1].flow == "allow lb -> web : \"https\"")
        #expect(s.drops.map { "\($0.chain) \($0.packets) \($0.bytes)" } == ["input 7 420", "output 0 0"])
        #expect(s.inSync && s.driftChanges == 0 && s.loaded && s.generation == 12)
        // The last apply of this host that reached the kernel; seq 3 started and never finished.
        #expect(s.lastApply?.seq == 2 && s.lastEntry?.seq == 3)
        #expect(s.lastApply?.timestamp == 1_795_867_201.5)
    }

    /// One of a thing is singular: one packet, one change.
    @Test func textCountsInTheRightNumber() {
        let s = Self.status(changes: [.deleteChain(name: "forward")])
        #expect(s.text.contains("DRIFT: apply would make 1 change (0 to add, 0 to change, 1 to remove)"), "\(s.text)")
        #expect(s.text.contains("output ipv6 a.policy:9: allow lb -> web : \"https\"  1 packet, 80 bytes\n"), "\(s.text)")
        #expect(s.text.contains("input ipv4 a.policy:9: allow lb -> web : \"https\"  7 packets, 420 bytes\n"), "\(s.text)")
        #expect(!s.text.contains(" 1 packets") && !s.text.contains(" 1 changes"))
    }

    @Test(arguments: [
        ("plain", "plain"), ("a\"b", "a\\\"b"), ("back\\slash", "back\\\\slash"), ("two\nlines", "two\\nlines"),
    ])
    func labelValuesAreEscaped(_ raw: String, _ escaped: String) {
        #expect(HostStatus.escape(raw) == escaped)
    }

    @Test func prometheusHasHelpTypeAndSamples() {
        let text = Self.status(changes: [.deleteChain(name: "forward")]).prometheus
        #expect(text.contains("# TYPE fwctl_flow_packets_total counter\n"))
        #expect(text.contains("fwctl_flow_packets_total{host=\"web-01\",direction=\"input\",flow=\"allow lb -> web : \\\"https\\\"\",policy_line=\"a.policy:9\",family=\"ipv4\",action=\"allow\"} 7\n"))
        #expect(text.contains("fwctl_dropped_packets_total{host=\"web-01\",chain=\"input\"} 7\n"))
        #expect(text.contains("fwctl_drift_changes{host=\"web-01\"} 1\n"))
        #expect(text.contains("fwctl_in_sync{host=\"web-01\"} 0\n"))
        #expect(text.contains("fwctl_last_apply_timestamp_seconds{host=\"web-01\"} 1795867201.500\n"))
        #expect(text.hasSuffix("\n"))
    }

    static var hasPrometheusClient: Bool {
        (try? python("from prometheus_client.parser import text_string_to_metric_families", input: "").0) == 0
    }

    /// Python's exit status, and its standard output followed by its standard error.
    static func python(_ code: String, input: String) throws -> (Int32, String) {
        let (status, out, err) = try runProcess(["/usr/bin/python3", "-c", code], stdin: input)
        return (status, out + err)
    }

    /// The official parser reads back every sample with its labels unescaped.
    @Test(.enabled(if: hasPrometheusClient, "needs python3-prometheus-client (make deps installs it)"))
    func prometheusClientParsesIt() throws {
        let code = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for f in text_string_to_metric_families(sys.stdin.read()):
                for s in f.samples:
                    print(f.type, s.name, s.labels.get("flow", ""), s.labels.get("family", ""), s.value)
            """
        let (status, out) = try Self.python(code, input: Self.status().prometheus)
        #expect(status == 0, "\(out)")
        #expect(out.contains("counter fwctl_flow_packets_total allow lb -> web : \"https\" ipv4 7.0\n"), "\(out)")
        #expect(out.contains("gauge fwctl_in_sync   1.0\n"), "\(out)")
    }
}
