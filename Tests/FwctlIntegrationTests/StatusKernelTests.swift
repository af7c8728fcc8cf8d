import Foundation
import Testing
import FwctlTestSupport

/// `fwctl status` on a small live fleet (lb-01, web-01 and an outside end, each a network
/// namespace on one bridge; tables applied with `fwctl apply`): traffic sent through it shows
/// up on the counters of exactly the flows that admit it, and what the policy does not admit
/// on the drop counter.
///
/// Not built with FwctlLab's LabNetwork: its namespaces share the lab's name prefix and
/// registry, which LabKernelTests (running in parallel) checks are empty.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: builds the fleet in network namespaces"), .serialized)
struct StatusKernelTests {
    final class LiveFleet {
        let bridge: TestNamespace
        var ends: [String: TestNamespace] = [:]
        let state: String
        let policy = ApplyKernelTests.path("scale-up.policy")

        /// One namespace per end with its IPv4 address, all on a bridge in its own namespace.
        init(_ addresses: [(String, String)]) throws {
            bridge = try TestNamespace(prefix: "fwctl-status")
            state = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-status-\(bridge.name)").path
            try TestNamespace.ip(["-n", bridge.name, "link", "add", "br0", "type", "bridge"])
            try TestNamespace.ip(["-n", bridge.name, "link", "set", "br0", "up"])
            for (i, (end, address)) in addresses.enumerated() {
                let ns = try TestNamespace(prefix: "fwctl-status")
                ends[end] = ns
                try TestNamespace.ip(["-n", bridge.name, "link", "add", "p\(i)", "type", "veth", "peer", "name", "h\(i)"])
                try TestNamespace.ip(["-n", bridge.name, "link", "set", "h\(i)", "netns", ns.name])
                try TestNamespace.ip(["-n", bridge.name, "link", "set", "p\(i)", "master", "br0", "up"])
                try TestNamespace.ip(["-n", ns.name, "link", "set", "h\(i)", "name", "eth0"])
                try TestNamespace.ip(["-n", ns.name, "link", "set", "eth0", "up"])
                try TestNamespace.ip(["-n", ns.name, "addr", "add", address + "/32", "dev", "eth0"])
                try TestNamespace.ip(["-n", ns.name, "route", "add", "default", "dev", "eth0"])
            }
        }

        func remove() {
            for ns in ends.values { ns.remove() }
            bridge.remove()
            try? FileManager.default.removeItem(atPath: state)
        }

        func run(_ end: String, _ argv: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            let ns = try #require(ends[end], "no namespace for \(end)")
            return try ns.run(argv)
        }

        func fwctl(_ host: String, _ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            try run(host, [CLI.binary.path] + args + ["--policy", policy, "--host", host, "--state-dir", state + "/" + host])
        }

        /// `status --format json` of `host`: packets per `direction family flow`, drops per chain.
        func counters(_ host: String) throws -> (flows: [String: Int], drops: [String: Int]) {
            let r = try fwctl(host, ["status", "--format", "json"])
            try #require(r.status == 0, "status \(host): \(r.stdout)\(r.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            var flows: [String: Int] = [:], drops: [String: Int] = [:]
            for f in json["flows"] as? [[String: Any]] ?? [] {
                flows["\(f["direction"]!) \(f["family"]!) \(f["flow"]!)"] = f["packets"] as? Int
            }
            for d in json["drops"] as? [[String: Any]] ?? [] { drops["\(d["chain"]!)"] = d["packets"] as? Int }
            return (flows, drops)
        }

        /// A TCP connection attempt from `end` (bash's /dev/tcp), killed after 2 s (bash waits out
        /// the whole SYN retry series in connect(2) on a plain SIGTERM).
        func connect(from end: String, to address: String, port: Int) throws {
            _ = try run(end, ["timeout", "-s", "KILL", "2", "bash", "-c", "exec 3<>/dev/tcp/\(address)/\(port)"])
        }
    }

    @Test func trafficShowsOnTheRightFlowsAndPrometheusParses() throws {
        // 203.0.113.7 stands for the internet: in no role and outside the ops VPN.
        let fleet = try LiveFleet([("lb-01", "192.0.2.10"), ("web-01", "192.0.2.21"), ("internet", "203.0.113.7")])
        defer { fleet.remove() }
        for host in ["lb-01", "web-01"] {
            let a = try fleet.fwctl(host, ["apply", "--yes", "--no-confirm"])
            try #require(a.status == 0, "apply \(host): \(a.stderr)")
        }
        let web0 = try fleet.counters("web-01"), lb0 = try fleet.counters("lb-01")
        let https = "allow lb -> web : https"

        // Allowed: lb-01 -> web-01 tcp/443 (refused by nobody listening, but the SYN passes
        // lb-01's output and web-01's input). Not allowed: the internet -> web-01 tcp/22.
        try fleet.connect(from: "lb-01", to: "192.0.2.21", port: 443)
        try fleet.connect(from: "internet", to: "192.0.2.21", port: 22)

        let web1 = try fleet.counters("web-01"), lb1 = try fleet.counters("lb-01")
        #expect(web1.flows["input ipv4 \(https)"] ?? 0 > web0.flows["input ipv4 \(https)"] ?? 0, "\(web1.flows)")
        #expect(lb1.flows["output ipv4 \(https)"] ?? 0 > lb0.flows["output ipv4 \(https)"] ?? 0, "\(lb1.flows)")
        for (flow, packets) in web1.flows where flow != "input ipv4 \(https)" {
            #expect(packets == web0.flows[flow], "web-01 \(flow) counted traffic nobody sent to it")
        }
        for (flow, packets) in lb1.flows where flow != "output ipv4 \(https)" {
            #expect(packets == lb0.flows[flow], "lb-01 \(flow) counted traffic nobody sent to it")
        }
        #expect(web1.drops["input"] ?? 0 > web0.drops["input"] ?? 0, "the dropped ssh attempt is not on web-01's drop counter")

        // The Prometheus file for node_exporter, written atomically, read by the official parser.
        let file = fleet.state + "/fwctl.prom"
        let p = try fleet.fwctl("web-01", ["status", "--format", "prometheus", "-o", file])
        #expect(p.status == 0, "\(p.stderr)")
        let code = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for f in text_string_to_metric_families(open(sys.argv[1]).read()):
                for s in f.samples:
                    if s.name == "fwctl_flow_packets_total" and s.labels["flow"] == "\(https)" and s.labels["family"] == "ipv4":
                        print("https", int(s.value))
                    if s.name in ("fwctl_in_sync", "fwctl_drift_changes"):
                        print(s.name, int(s.value))
            """
        let (status, out, err) = try runProcess(["/usr/bin/python3", "-c", code, file], stdin: nil)
        #expect(status == 0, "\(err)")
        #expect(out.contains("https \(web1.flows["input ipv4 \(https)"] ?? -1)\n"), "\(out)")
        #expect(out.contains("fwctl_in_sync 1\n") && out.contains("fwctl_drift_changes 0\n"), "\(out)")
        #expect(!FileManager.default.fileExists(atPath: file + ".tmp.\(getpid())"))
    }
}
