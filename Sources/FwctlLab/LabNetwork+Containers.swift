import Foundation
import FwctlNet
import FwctlSystem

extension LabNetwork {
    /// `/var/run/netns/NAME` of a host's container namespace.
    public func containerPath(of host: String) -> String? { containers[host].map { "/var/run/netns/\($0)" } }

    /// The container's namespace, its link to the host (made inside the host's namespace: the
    /// root namespace never sees it), forwarding on the host, and the host's DNAT of the
    /// published ports: an `ip`/`ip6` nat table of the lab's own, as Docker's would be, which
    /// fwctl's table never touches.
    func add(_ container: LabPlan.Container, plan: LabPlan) throws {
        guard let host = namespaces[container.host], let end = plan.ends.first(where: { $0.name == container.host }) else { return }
        let ns = try LabRegistry.create(prefix: prefix)
        containers[container.host] = ns
        try Self.ip(["-n", ns, "link", "set", "lo", "up"])
        try Self.ip(["-n", host, "link", "add", "ctr0", "type", "veth", "peer", "name", "eth0", "netns", ns])
        // Without duplicate address detection the link's IPv6 works at once, not a second
        // or two after it comes up (by then the probes are over).
        try Self.exec(host, ["sysctl", "-qw", "net.ipv6.conf.ctr0.accept_dad=0"])
        try Self.exec(ns, ["sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0"])
        try Self.ip(["-n", host, "link", "set", "ctr0", "up"])
        try Self.ip(["-n", ns, "link", "set", "eth0", "up"])
        var nat = ""
        if let gateway = container.gateway4, let address = container.v4, let published = end.v4 {
            try Self.ip(["-n", host, "addr", "add", "\(gateway)/30", "dev", "ctr0"])
            try Self.ip(["-n", ns, "addr", "add", "\(address)/30", "dev", "eth0"])
            try Self.ip(["-n", ns, "route", "add", "default", "via", "\(gateway)"])
            nat += Self.natTable(family: "ip", match: "ip daddr \(published)", to: "\(address)", ports: container.ports)
        }
        if let gateway = container.gateway6, let address = container.v6, let published = end.v6 {
            try Self.ip(["-n", host, "-6", "addr", "add", "\(gateway)/64", "dev", "ctr0", "nodad"])
            try Self.ip(["-n", ns, "-6", "addr", "add", "\(address)/64", "dev", "eth0", "nodad"])
            try Self.ip(["-n", ns, "-6", "route", "add", "default", "via", "\(gateway)"])
            nat += Self.natTable(family: "ip6", match: "ip6 daddr \(published)", to: "\(address)", ports: container.ports)
        }
        try Self.exec(host, ["sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(ns).nft").path
        guard FileManager.default.createFile(atPath: file, contents: Data(nat.utf8)) else { throw LabError("cannot write \(file)") }
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Self.exec(host, ["nft", "-f", file])
    }

    static func natTable(family: String, match: String, to address: String, ports: [LabPlan.Port]) -> String {
        var rules = ""
        for proto in [PortProtocol.tcp, .udp] {
            let numbers = ports.filter { $0.proto == proto }.map { String($0.port) }
            guard !numbers.isEmpty else { continue }
            rules += "\t\t\(match) \(proto.rawValue) dport { \(numbers.joined(separator: ", ")) } dnat to \(address)\n"
        }
        return "table \(family) fwctl_lab_nat {\n\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\(rules)\t}\n}\n"
    }

    /// Runs `argv` inside namespace `ns`, throwing its stderr on failure.
    static func exec(_ ns: String, _ argv: [String]) throws {
        let r: Subprocess.Result
        do { r = try Subprocess.run(["ip", "netns", "exec", ns] + argv) } catch { throw LabError(error.description) }
        guard r.succeeded else { throw LabError("\(argv.joined(separator: " ")) in \(ns): \(r.errorText)") }
    }
}
