import FwctlEvaluator
import FwctlNet
import FwctlPolicy

/// What a compiled policy admits between its named ends (roles and networks), protocol by
/// protocol: the exact ports (tcp/udp/sctp), ICMP types, or just 0 for other protocols.
///
/// A role stands for its hosts (a value passes when it passes between some host of one role
/// and some other host of the other); a network for its own addresses (see
/// `FleetModel.endAddresses`). Network to network is not filtered by the fleet: left out.
/// Computed by groups of alike hosts (`FlowSweep`), not pair by pair.
public struct PolicyFlows: Sendable {
    /// A source end, a destination end and a protocol.
    public struct Key: Hashable, Sendable, Comparable {
        public var source: String
        public var destination: String
        public var proto: UInt8

        public init(source: String, destination: String, proto: UInt8) {
            self.source = source
            self.destination = destination
            self.proto = proto
        }

        public static func < (a: Key, b: Key) -> Bool {
            (a.source, a.destination, a.proto) < (b.source, b.destination, b.proto)
        }
    }

    /// The values of each key admitted (never empty).
    public var admitted: [Key: IntervalSet<UInt16>]
    let runner: PolicyTestRunner
    let ends: [String: [Reachability.End]]

    public init(fleet: Fleet, model: FleetModel) {
        runner = PolicyTestRunner(fleet: fleet, model: model)
        var ends: [String: [Reachability.End]] = [:]
        var order: [String] = []
        for role in fleet.roles {
            if ends[role.name] == nil { order.append(role.name) }
            ends[role.name] = role.hosts.map { .host($0) }
        }
        for network in fleet.networks where ends[network.name] == nil {
            order.append(network.name)
            ends[network.name] = runner.ends(.network(network.name))
        }
        self.ends = ends
        let sweepEnds = order.map { name in
            fleet.role(named: name) != nil
                ? FlowSweep.End(hosts: ends[name]!.compactMap { Reachability.host(model, $0).flatMap { model.hostIndex[$0.name] } }, addresses: AddressSet())
                : FlowSweep.End(hosts: nil, addresses: ends[name]!.reduce(AddressSet()) { $0.union(Reachability.addresses(model, $1)) })
        }
        let sameAs = runner.sameAs
        var members = [[UInt8]](repeating: [], count: 256)
        for p in 0...255 { members[Int(sameAs[p])].append(UInt8(p)) }
        var admitted: [Key: IntervalSet<UInt16>] = [:]
        for (cell, perProto) in FlowSweep(model: model, ends: sweepEnds, sameAs: sameAs).run() {
            let (s, d) = (order[cell / order.count], order[cell % order.count])
            for (rep, values) in perProto where !values.isEmpty {
                let set = values.intervalSet
                for p in members[Int(rep)] { admitted[Key(source: s, destination: d, proto: p)] = set }
            }
        }
        self.admitted = admitted
    }

    /// Families in which some pair of the two ends can exchange packets (both have addresses
    /// of it, and for two roles the pair is not one host with itself).
    public func families(source: String, destination: String) -> [IPFamily] {
        IPFamily.allCases.filter { f in
            let src = (ends[source] ?? []).filter { !f.wide(Reachability.addresses(runner.model, $0)).isEmpty }
            let dst = (ends[destination] ?? []).filter { !f.wide(Reachability.addresses(runner.model, $0)).isEmpty }
            return src.contains { s in dst.contains { d in !Self.sameHost(s, d) } }
        }
    }

    /// Every value packets of the key could carry in those families; nil when there are none.
    public func domain(_ key: Key, families: [IPFamily]) -> IntervalSet<UInt16>? {
        guard !families.isEmpty else { return nil }
        return families.reduce(IntervalSet()) { $0.union(ServiceProbe.domain(key.proto, $1)) }
    }

    /// The policy lines (rule comments) that let `value` of the key through: the deciding rules
    /// of the first pair of hosts (or host and network) it passes between. Nil when a base rule
    /// (essential ICMP, ping: comments `fwctl: ...`) decides it: every host has those.
    public func responsible(_ key: Key, value: UInt16) -> [String]? {
        for s in ends[key.source] ?? [] {
            for d in ends[key.destination] ?? [] {
                for f in IPFamily.allCases {
                    let src = f.wide(Reachability.addresses(runner.model, s)), dst = f.wide(Reachability.addresses(runner.model, d))
                    guard !src.isEmpty, !dst.isEmpty, !Self.sameHost(s, d),
                          runner.admitted(s, d, f, key.proto, src, dst).contains(value) else { continue }
                    let decided = runner.failure("", s, d, f, key.proto, value, src, dst).ends
                    if decided.contains(where: \.isBaseRule) { return nil }
                    var lines: [String] = []
                    for c in decided.compactMap(\.comment) where !lines.contains(c) { lines.append(c) }
                    return lines
                }
            }
        }
        return []
    }

    static func sameHost(_ a: Reachability.End, _ b: Reachability.End) -> Bool {
        if case .host(let x) = a, case .host(let y) = b { return x == y }
        return false
    }
}
