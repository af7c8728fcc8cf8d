import FwctlNet
import FwctlPolicy

/// What a compiled policy admits between its named ends (roles and networks), protocol by
/// protocol: the exact ports (tcp/udp/sctp), ICMP types, or just 0 for other protocols.
///
/// A role stands for its hosts (a value passes when it passes between some host of one role
/// and some other host of the other); a network for its own addresses (see
/// `PolicyTestRunner.ownAddresses`). Network to network is not filtered by the fleet: left out.
public struct PolicyFlows: Sendable {
    /// A source end, a destination end and a protocol.
    public struct Key: Hashable, Sendable, Comparable {
        public var source: String
        public var destination: String
        public var proto: UInt8

        public static func < (a: Key, b: Key) -> Bool {
            (a.source, a.destination, a.proto) < (b.source, b.destination, b.proto)
        }
    }

    /// The values of each key admitted (never empty).
    public var admitted: [Key: IntervalSet<UInt16>]
    /// Every value packets of the key could carry, in the families both ends have addresses of.
    public var domains: [Key: IntervalSet<UInt16>]
    let runner: PolicyTestRunner
    let ends: [String: [Reachability.End]]

    public init(fleet: Fleet, model: FleetModel) {
        runner = PolicyTestRunner(fleet: fleet, model: model)
        var ends: [String: [Reachability.End]] = [:]
        for role in fleet.roles { ends[role.name] = role.hosts.map { .host($0) } }
        for network in fleet.networks where ends[network.name] == nil {
            ends[network.name] = runner.ends(.network(network.name))
        }
        self.ends = ends
        var admitted: [Key: IntervalSet<UInt16>] = [:], domains: [Key: IntervalSet<UInt16>] = [:]
        for (source, sourceEnds) in ends {
            for (destination, destinationEnds) in ends {
                if fleet.role(named: source) == nil && fleet.role(named: destination) == nil { continue }
                // Protocols no chain names are all admitted alike: work out one, copy it to the rest.
                var values = [Spans<UInt16>](repeating: Spans(), count: 256), domain = values
                let distinct = Set(runner.sameAs)
                for s in sourceEnds {
                    for d in destinationEnds where !Self.sameHost(s, d) {
                        for f in IPFamily.allCases {
                            let src = f.wide(Reachability.addresses(model, s)), dst = f.wide(Reachability.addresses(model, d))
                            guard !src.isEmpty, !dst.isEmpty else { continue }
                            for proto in distinct {
                                values[Int(proto)].formUnion(runner.admitted(s, d, f, proto, src, dst))
                                domain[Int(proto)].formUnion(Spans(ServiceProbe.domain(proto, f)))
                            }
                        }
                    }
                }
                for proto in 0...255 {
                    let key = Key(source: source, destination: destination, proto: UInt8(proto)), rep = Int(runner.sameAs[proto])
                    if !values[rep].isEmpty { admitted[key] = values[rep].intervalSet }
                    if !domain[rep].isEmpty { domains[key] = domain[rep].intervalSet }
                }
            }
        }
        self.admitted = admitted
        self.domains = domains
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
