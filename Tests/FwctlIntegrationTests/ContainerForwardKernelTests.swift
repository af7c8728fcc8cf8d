import Foundation
import Testing
import FwctlTestSupport

/// A container host as Docker leaves it: `table ip nat` DNATs the host's tcp/8080 to the
/// container's port 80, `table ip filter` forwards it through FORWARD, DOCKER-USER and DOCKER
/// (and the ip6 twins). fwctl's `forward = policy` must make the published port obey the
/// flows of containers.policy, for IPv4 and IPv6, while Docker's tables stay byte for byte
/// (handles included) what they were after every plan and apply.
///
/// Namespaces: the host (web1), the container behind its `docker0`, and three peers on links
/// of their own: lb1 (the policy admits it to web's 8080), mon1 (it does not) and ns1 (the
/// resolver web may reach).
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: builds network namespaces joined by veth"), .serialized)
struct ContainerForwardKernelTests {
    struct Peer {
        var name: String
        var v4: String
        var v6: String
    }
    static let web = Peer(name: "web1", v4: "192.0.2.20", v6: "2001:db8:1::20")
    static let lb = Peer(name: "lb1", v4: "192.0.2.10", v6: "2001:db8:1::10")
    static let mon = Peer(name: "mon1", v4: "192.0.2.30", v6: "2001:db8:1::30")
    static let resolver = Peer(name: "ns1", v4: "192.0.2.53", v6: "2001:db8:1::53")
    static let container = Peer(name: "container", v4: "172.17.0.2", v6: "fd00:17::2")

    static func docker(_ family: String, _ daddr: String, _ net: String, _ container: String, _ dnatTo: String) -> String {
        """
        table \(family) nat {
        \tchain PREROUTING {
        \t\ttype nat hook prerouting priority dstnat; policy accept;
        \t\tfib daddr type local counter jump DOCKER
        \t}
        \tchain POSTROUTING {
        \t\ttype nat hook postrouting priority srcnat; policy accept;
        \t\t\(daddr.replacingOccurrences(of: "daddr", with: "saddr")) \(net) oifname != "docker0" counter masquerade
        \t}
        \tchain DOCKER {
        \t\tiifname "docker0" counter return
        \t\tiifname != "docker0" tcp dport 8080 counter dnat to \(dnatTo)
        \t}
        }
        table \(family) filter {
        \tchain FORWARD {
        \t\ttype filter hook forward priority filter; policy drop;
        \t\tcounter jump DOCKER-USER
        \t\tcounter jump DOCKER-ISOLATION-STAGE-1
        \t\toifname "docker0" ct state related,established counter accept
        \t\toifname "docker0" counter jump DOCKER
        \t\tiifname "docker0" oifname != "docker0" counter accept
        \t\tiifname "docker0" oifname "docker0" counter accept
        \t}
        \tchain DOCKER {
        \t\t\(daddr) \(container) iifname != "docker0" oifname "docker0" tcp dport 80 counter accept
        \t}
        \tchain DOCKER-ISOLATION-STAGE-1 {
        \t\tiifname "docker0" oifname != "docker0" counter jump DOCKER-ISOLATION-STAGE-2
        \t\tcounter return
        \t}
        \tchain DOCKER-ISOLATION-STAGE-2 {
        \t\toifname "docker0" counter drop
        \t\tcounter return
        \t}
        \tchain DOCKER-USER {
        \t\tcounter return
        \t}
        }

        """
    }

    static let dockerTables = docker("ip", "ip daddr", "172.17.0.0/16", "172.17.0.2", "172.17.0.2:80")
        + docker("ip6", "ip6 daddr", "fd00:17::/64", "fd00:17::2", "[fd00:17::2]:80")

    @Test func publishedPortObeysThePolicyAndDockersTablesStayUntouched() throws {
        let h = try ApplyKernelTests.Host()
        var others: [String: TestNamespace] = [:]
        defer { for ns in others.values { ns.remove() } }
        for peer in [Self.lb, Self.mon, Self.resolver, Self.container] { others[peer.name] = try TestNamespace(prefix: "fwctl-ctr") }
        try Self.wire(host: h.ns, others)
        try h.ns.nft(["-f", "-"], stdin: Self.dockerTables)
        let docker = try Self.dockerListing(h.ns)

        let listeners = try [others["container"]!.listenTCP(port: 80)] + ["ns1", "mon1"].map { try others[$0]!.listenTCP(port: 53) }
        defer { listeners.forEach { $0.stop() } }
        let lb = others["lb1"]!, mon = others["mon1"]!, container = others["container"]!

        // forward = unmanaged: fwctl warns about Docker's chains, and the port is open to all.
        let dir = try ScratchDirectory(prefix: "fwctl-ctr")
        defer { dir.remove() }
        let bundled = ApplyKernelTests.path("containers.policy")
        let unmanaged = try dir.write(String(contentsOfFile: bundled, encoding: .utf8).replacingOccurrences(of: "forward = policy", with: "forward = unmanaged"),
                                      to: "containers.policy").path
        let p0 = try h.plan(unmanaged, "web1")
        #expect(p0.stderr.contains("table ip nat has base chain PREROUTING on hook prerouting (priority -100, policy accept): connections it redirects (DNAT, published container ports) are forwarded past fwctl's input chain"), "\(p0.stderr)")
        #expect(p0.stderr.contains("table ip6 filter has base chain FORWARD on hook forward (priority 0, policy drop): fwctl does not filter forwarded traffic"), "\(p0.stderr)")
        #expect(try Self.dockerListing(h.ns) == docker)
        try #require(try h.apply(unmanaged, "web1", ["--no-confirm"]).status == 0)
        #expect(try Self.dockerListing(h.ns) == docker)
        #expect(try mon.connectsTCP(to: Self.web.v4, port: 8080), "unmanaged: Docker alone decides, and it admits everyone")

        // forward = policy.
        let p1 = try h.plan(bundled, "web1")
        #expect(p1.status == 0 && p1.stdout.contains("+ chain forward"), "\(p1.stdout)\(p1.stderr)")
        #expect(p1.stderr.contains("table ip6 nat has base chain PREROUTING on hook prerouting (priority -100, policy accept): connections it redirects (DNAT) meet fwctl's forward chain"), "\(p1.stderr)")
        #expect(p1.stderr.contains("table ip filter has base chain FORWARD on hook forward (priority 0, policy drop): its drops apply too"), "\(p1.stderr)")
        #expect(try Self.dockerListing(h.ns) == docker)
        try #require(try h.apply(bundled, "web1", ["--no-confirm"]).status == 0)
        #expect(try Self.dockerListing(h.ns) == docker)

        for (family, address) in [("v4", Self.web.v4), ("v6", Self.web.v6)] {
            #expect(try lb.connectsTCP(to: address, port: 8080), "\(family): lb reaches the published port, replies included")
            #expect(try !mon.connectsTCP(to: address, port: 8080), "\(family): no flow admits mon to web's 8080")
        }
        for address in [Self.container.v4, Self.container.v6] {
            #expect(try !lb.connectsTCP(to: address, port: 80), "\(address): the container's own address is not published")
        }
        // What the container starts meets web's egress flows (allow web -> resolver : dns).
        for (to, admitted) in [(Self.resolver, true), (Self.mon, false)] {
            for address in [to.v4, to.v6] {
                #expect(try container.connectsTCP(to: address, port: 53) == admitted, "container -> \(to.name) \(address):53")
            }
        }
        // The counters show which flow admitted what, under its policy line.
        let forward = try h.ns.nft(["list", "chain", "inet", "fwctl", "forward"])
        #expect(forward.split(separator: "\n").contains {
            $0.contains("ip saddr @role_lb_v4 ct original ip daddr @self_v4 meta l4proto tcp ct original proto-dst 8080 counter packets ")
                && !$0.contains("counter packets 0 ") && $0.contains("comment \"containers.policy:24: allow lb -> web : web-app\"")
        }, "\(forward)")

        // The loaded forward chain reads back and proves what the policy says.
        let v = try h.fwctl(["verify", "--live", "--policy", bundled, "--host", "web1"])
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")

        let p2 = try h.plan(bundled, "web1", ["--detailed-exitcode"])
        #expect(p2.status == 0, "\(p2.stdout)\(p2.stderr)")
        #expect(try Self.dockerListing(h.ns) == docker)

        // A hole in the forward chain: mon gets in, verify --live names the forward chain,
        // and apply closes it again.
        try h.ns.nft(["insert", "rule", "inet", "fwctl", "forward", "meta", "l4proto", "tcp", "accept"])
        #expect(try mon.connectsTCP(to: Self.web.v6, port: 8080))
        let broken = try h.fwctl(["verify", "--live", "--policy", bundled, "--host", "web1", "--format", "json"])
        #expect(broken.status == 2 && broken.stdout.contains("\"chain\": \"forward\",\n") && broken.stdout.contains("\"kind\": \"admits more\""), "\(broken.stdout)\(broken.stderr)")
        try #require(try h.apply(bundled, "web1", ["--no-confirm"]).status == 0)
        #expect(try !mon.connectsTCP(to: Self.web.v6, port: 8080))
        #expect(try Self.dockerListing(h.ns) == docker)
    }

    /// Docker's four tables as nft lists them with handles, counters zeroed.
    static func dockerListing(_ ns: TestNamespace) throws -> String {
        try ["ip nat", "ip filter", "ip6 nat", "ip6 filter"].map { t in
            normaliseCounters(try ns.nft(["-a", "list", "table"] + t.split(separator: " ").map(String.init)))
        }.joined()
    }

    /// Each peer on a veth of its own to the host; the container behind the host's docker0.
    static func wire(host: TestNamespace, _ ns: [String: TestNamespace]) throws {
        for n in [host] + Array(ns.values) {
            // Without DAD, IPv6 works the moment a link is up.
            _ = try n.run(["sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0"])
        }
        _ = try host.run(["sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"])
        for peer in [lb, mon, resolver] {
            let p = ns[peer.name]!, link = String(peer.name.prefix(3)) + "0"
            try TestNamespace.ip(["-n", host.name, "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", p.name])
            try TestNamespace.ip(["-n", host.name, "link", "set", link, "up"])
            try TestNamespace.ip(["-n", p.name, "link", "set", "eth0", "up"])
            try TestNamespace.ip(["-n", host.name, "addr", "add", web.v4 + "/32", "dev", link])
            try TestNamespace.ip(["-n", host.name, "-6", "addr", "add", web.v6 + "/128", "dev", link, "nodad"])
            try TestNamespace.ip(["-n", host.name, "route", "add", peer.v4 + "/32", "dev", link])
            try TestNamespace.ip(["-n", host.name, "-6", "route", "add", peer.v6 + "/128", "dev", link])
            try TestNamespace.ip(["-n", p.name, "addr", "add", peer.v4 + "/32", "dev", "eth0"])
            try TestNamespace.ip(["-n", p.name, "-6", "addr", "add", peer.v6 + "/128", "dev", "eth0", "nodad"])
            try TestNamespace.ip(["-n", p.name, "route", "add", "default", "dev", "eth0"])
            try TestNamespace.ip(["-n", p.name, "-6", "route", "add", "default", "dev", "eth0"])
        }
        let c = ns["container"]!
        try TestNamespace.ip(["-n", host.name, "link", "add", "docker0", "type", "veth", "peer", "name", "eth0", "netns", c.name])
        try TestNamespace.ip(["-n", host.name, "link", "set", "docker0", "up"])
        try TestNamespace.ip(["-n", c.name, "link", "set", "eth0", "up"])
        try TestNamespace.ip(["-n", host.name, "addr", "add", "172.17.0.1/16", "dev", "docker0"])
        try TestNamespace.ip(["-n", host.name, "-6", "addr", "add", "fd00:17::1/64", "dev", "docker0", "nodad"])
        try TestNamespace.ip(["-n", c.name, "addr", "add", container.v4 + "/16", "dev", "eth0"])
        try TestNamespace.ip(["-n", c.name, "-6", "addr", "add", container.v6 + "/64", "dev", "eth0", "nodad"])
        try TestNamespace.ip(["-n", c.name, "route", "add", "default", "via", "172.17.0.1"])
        try TestNamespace.ip(["-n", c.name, "-6", "route", "add", "default", "via", "fd00:17::1"])
    }
}
