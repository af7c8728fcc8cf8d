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
        try Self.ip(["-n", h.ns.name, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", cli.name])
        for (ns, mine, other) in [(h.ns, Self.server, Self.client), (cli, Self.client, Self.server)] {
            try Self.ip(["-n", ns.name, "link", "set", "eth0", "up"])
            try Self.ip(["-n", ns.name, "addr", "add", mine + "/32", "dev", "eth0"])
            try Self.ip(["-n", ns.name, "route", "add", other + "/32", "dev", "eth0"])
        }
        let listener = try Self.listen(in: h.ns)
        defer { kill(listener.processIdentifier, SIGKILL); listener.waitUntilExit() }

        let policy = ApplyKernelTests.path("scale-up.policy")
        #expect(try Self.connects(from: cli), "the listener cannot be reached before any table is loaded")
        try #require(try h.apply(policy, "web-01", ["--no-confirm"]).status == 0)
        #expect(try !Self.connects(from: cli), "the policy does not admit the probe")

        try h.ns.nft(["add", "table", "inet", "fwctl", "{ flags dormant; }"])
        #expect(try Self.connects(from: cli), "a dormant table filters nothing")
        let p = try h.plan(policy, "web-01", ["--detailed-exitcode"])
        #expect(p.status == 2 && p.stdout.contains("~ table inet fwctl: flags dormant -> (none)"), "\(p.stdout)\(p.stderr)")

        #expect(try h.apply(policy, "web-01", ["--no-confirm"]).status == 0)
        #expect(try !Self.connects(from: cli), "after apply the table filters again")
        #expect(try h.plan(policy, "web-01", ["--detailed-exitcode"]).status == 0)
    }

    /// A TCP listener on the server that accepts for at most 30 s.
    static func listen(in ns: TestNamespace) throws -> Process {
        let code = """
            import socket, time
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", \(port))); s.listen(16); s.settimeout(1)
            end = time.time() + 30
            while time.time() < end:
                try: s.accept()[0].close()
                except OSError: pass
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ip")
        p.arguments = ["netns", "exec", ns.name, "/usr/bin/python3", "-c", code]
        try p.run()
        // Wait (bounded) until it listens.
        for _ in 0..<50 {
            if try ns.run(["ss", "-Hltn", "sport = :\(port)"]).stdout.contains(":\(port)") { return p }
            usleep(100_000)
        }
        p.terminate()
        throw TestFailure("the probe listener did not start")
    }

    /// Whether a TCP connection from `ns` to the server completes within 2 s.
    static func connects(from ns: TestNamespace) throws -> Bool {
        let r = try ns.run(["timeout", "-s", "KILL", "2", "bash", "-c", "exec 3<>/dev/tcp/\(server)/\(port)"])
        return r.status == 0
    }

    static func ip(_ args: [String]) throws {
        let (status, _, err) = try runProcess(["ip"] + args, stdin: nil)
        guard status == 0 else { throw TestFailure("ip \(args.joined(separator: " ")): \(err)") }
    }
}
