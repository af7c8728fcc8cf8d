import Foundation
import FwctlNet

/// The lab's namespaces: one per end, plus one holding the bridge that joins them through
/// veth pairs. Nothing is connected to the root namespace.
///
/// Every namespace is made through `LabRegistry`, which records it, so `remove()` (and the
/// signal handlers) can delete it whatever failed.
public final class LabNetwork: @unchecked Sendable {
    /// Namespace name per end name.
    public private(set) var namespaces: [String: String] = [:]
    /// Namespace name of each host's container (`LabPlan.Container`), by host name.
    public internal(set) var containers: [String: String] = [:]
    public let bridge: String
    let prefix: String
    private var counter = 0

    /// Creates the namespaces for `plan`; removes what it made when a step fails.
    public init(plan: LabPlan) throws {
        prefix = "fwctl-lab-\(getpid())"
        bridge = try LabRegistry.create(prefix: prefix)
        do {
            try Self.ip(["-n", bridge, "link", "add", "br0", "type", "bridge"])
            try Self.ip(["-n", bridge, "link", "set", "br0", "up"])
            for (i, end) in plan.ends.enumerated() { try add(end, index: i) }
            for container in plan.containers { try add(container, plan: plan) }
        } catch {
            remove()
            throw error
        }
    }

    private func add(_ end: LabPlan.End, index: Int) throws {
        let ns = try LabRegistry.create(prefix: prefix)
        namespaces[end.name] = ns
        try Self.ip(["-n", ns, "link", "set", "lo", "up"])
        // Both veth ends are made in the bridge namespace, then one moves: the root namespace
        // never sees either.
        let port = "p\(index)", peer = "h\(index)"
        try Self.ip(["-n", bridge, "link", "add", port, "type", "veth", "peer", "name", peer])
        try Self.ip(["-n", bridge, "link", "set", peer, "netns", ns])
        try Self.ip(["-n", bridge, "link", "set", port, "master", "br0", "up"])
        try Self.ip(["-n", ns, "link", "set", peer, "name", "eth0"])
        try Self.ip(["-n", ns, "link", "set", "eth0", "up"])
        // Addresses of unrelated prefixes share one segment: host routes plus an on-link
        // default route reach every other end by ARP / neighbour discovery.
        if let v4 = end.v4 {
            try Self.ip(["-n", ns, "addr", "add", "\(v4)/32", "dev", "eth0"])
            try Self.ip(["-n", ns, "route", "add", "default", "dev", "eth0"])
        }
        if let v6 = end.v6 {
            try Self.ip(["-n", ns, "-6", "addr", "add", "\(v6)/128", "dev", "eth0", "nodad"])
            try Self.ip(["-n", ns, "-6", "route", "add", "default", "dev", "eth0"])
        }
    }

    /// `/var/run/netns/NAME` of an end's namespace (what NetlinkBackend and setns take).
    public func path(of end: String) -> String? { namespaces[end].map { "/var/run/netns/\($0)" } }

    /// Deletes every namespace of this lab. Safe to call more than once.
    public func remove() {
        for ns in namespaces.values { LabRegistry.delete(ns) }
        for ns in containers.values { LabRegistry.delete(ns) }
        containers = [:]
        LabRegistry.delete(bridge)
        namespaces = [:]
    }

    /// Runs `ip args...`, throwing its stderr on failure.
    static func ip(_ args: [String]) throws {
        let r = try LabRegistry.ip(args)
        guard r.succeeded else { throw LabError("ip \(args.joined(separator: " ")): \(r.errorText)") }
    }
}

/// A lab failure, with a message for the user.
public struct LabError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
