import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Synchronization

/// Lookups the compiler makes for every host and flow, each computed at most once per fleet
/// and only when a compiled host's rules need it.
///
/// `Fleet`'s own helpers search arrays, which is fine for one question and far too slow for
/// compiling 10,000 hosts against 1,000 flows. Computing everything up front is too slow the
/// other way: compiling one host of a 100,000-host fleet needs the sets of a few roles, not
/// of every role, nor every host's addresses by name. So roles, the fleet and host names are
/// resolved on first use and remembered (under a lock: a `Compiler` may be shared).
final class FleetIndex: Sendable {
    private let fleet: Fleet
    private let roleIDs: [String: Int]
    private let networkAddresses: [String: AddressSet]
    private let networkElements: [String: [IPFamily: [SetElement]]]
    /// Each flow's ends reduced to what decides whether they name a host, so finding a
    /// host's flows neither copies flows nor hashes strings per flow.
    private let flowEnds: [(sources: [HostKey], destinations: [HostKey])]

    /// A role's or the fleet's addresses and set elements (the hosts' own ranges, overlaps
    /// merged, adjacent ones kept apart: adding a host adds exactly its own elements).
    private struct Members {
        var addresses: AddressSet
        var elements: [IPFamily: [SetElement]]
    }

    /// What has been worked out so far.
    private struct Memo {
        var roleMembers: [Int: Members] = [:]
        var fleetMembers: Members?
        var hostPositions: [String: Int]?
    }

    private let memo = Mutex(Memo())

    private enum HostKey {
        case fleet, role(Int), host(String)
    }

    init(_ fleet: Fleet) {
        self.fleet = fleet
        let roleIDs = Dictionary(fleet.roles.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.roleIDs = roleIDs
        networkElements = Dictionary(fleet.networks.map { n in
            (n.name, Self.byFamily(n.addresses.ranges(.v4) + n.addresses.ranges(.v6)))
        }, uniquingKeysWith: { a, _ in a })
        networkAddresses = Dictionary(fleet.networks.map { ($0.name, $0.addresses) }, uniquingKeysWith: { a, _ in a })
        func keys(_ ends: [Endpoint]) -> [HostKey] {
            ends.compactMap { e -> HostKey? in
                switch e {
                case .fleet: .fleet
                case .role(let r): roleIDs[r].map(HostKey.role)
                case .host(let h): .host(h)
                case .network, .addresses: nil
                }
            }
        }
        flowEnds = fleet.flows.map { (keys($0.sources), keys($0.destinations)) }
    }

    /// Every address an endpoint stands for (same meaning as `Fleet.addresses(of:)`).
    func addresses(of endpoint: Endpoint) -> AddressSet {
        switch endpoint {
        case .role(let n): members(ofRole: n)?.addresses ?? AddressSet()
        case .network(let n): networkAddresses[n] ?? AddressSet()
        case .host(let n): positionByTable(n).map { fleet.hosts[$0].addresses } ?? AddressSet()
        case .fleet: fleetMembersMemo().addresses
        case .addresses(let set, _): set
        }
    }

    /// The elements of the named set standing for a role or the fleet (one family); for a
    /// network, its merged ranges.
    /// Computed once per fleet, so every host's copy of a set shares one element array.
    func setElements(of endpoint: Endpoint, family: IPFamily) -> [SetElement] {
        switch endpoint {
        case .role(let n): members(ofRole: n)?.elements[family] ?? []
        case .fleet: fleetMembersMemo().elements[family] ?? []
        case .network(let n): networkElements[n]?[family] ?? []
        default: addresses(of: endpoint).ranges(family).map(SetElement.address)
        }
    }

    /// The position of `host` in `Fleet.hosts`: a scan, unless the table of names is
    /// already made (a scan of names costs far less than hashing every one of them).
    func position(of host: String) -> Int? {
        if let p = memo.withLock({ $0.hostPositions }) { return p[host] }
        return fleet.hosts.firstIndex { $0.name == host }
    }

    /// The position of a flow end's host, through the table of names (flows may name many).
    private func positionByTable(_ host: String) -> Int? {
        memo.withLock { positions(&$0)[host] }
    }

    /// Indexes of the flows whose destination (`inbound: true`) or source names `host`.
    func flows(of host: Host, inbound isInbound: Bool) -> [Int] {
        let roles = host.roles.compactMap { roleIDs[$0] }
        return flowEnds.indices.filter { i in
            (isInbound ? flowEnds[i].destinations : flowEnds[i].sources).contains { key in
                switch key {
                case .fleet: true
                case .role(let r): roles.contains(r)
                case .host(let h): h == host.name
                }
            }
        }
    }

    // MARK: memoised members

    private func positions(_ memo: inout Memo) -> [String: Int] {
        if let p = memo.hostPositions { return p }
        var p: [String: Int] = [:]
        p.reserveCapacity(fleet.hosts.count)
        for (i, h) in fleet.hosts.enumerated() where p[h.name] == nil { p[h.name] = i }
        memo.hostPositions = p
        return p
    }

    private func members(ofRole name: String) -> Members? {
        guard let id = roleIDs[name] else { return nil }
        return memo.withLock { memo in
            if let m = memo.roleMembers[id] { return m }
            let m = Self.members(hostPositions(of: fleet.roles[id].hosts, &memo).map { fleet.hosts[$0].addresses })
            memo.roleMembers[id] = m
            return m
        }
    }

    private func fleetMembersMemo() -> Members {
        memo.withLock { memo in
            if let m = memo.fleetMembers { return m }
            let m = Self.members(fleet.hosts.map(\.addresses))
            memo.fleetMembers = m
            return m
        }
    }

    /// Positions of the named hosts (unknown names left out). A role lists its hosts in
    /// fleet order as a rule, so each name is first tried at the position after the previous
    /// one; only a policy that breaks the rule pays for the table of every host's name.
    private func hostPositions(of names: [String], _ memo: inout Memo) -> [Int] {
        let hosts = fleet.hosts
        var out: [Int] = []
        out.reserveCapacity(names.count)
        var next = names.first.flatMap { first in hosts.firstIndex { $0.name == first } } ?? 0
        for name in names {
            if next < hosts.count && hosts[next].name == name {
                out.append(next)
                next += 1
            } else if let p = positions(&memo)[name] {
                out.append(p)
                next = p + 1
            }
        }
        return out
    }
    private static func members(_ hostSets: [AddressSet]) -> Members {
        let ranges = elements(hostSets)
        var addresses = AddressSet()
        // Sorted input: each insert lands at the end of its family's intervals.
        for r in ranges { addresses.insert(r) }
        return Members(addresses: addresses, elements: byFamily(ranges))
    }

    static func byFamily(_ ranges: [AddressRange]) -> [IPFamily: [SetElement]] {
        Dictionary(grouping: ranges, by: \.family).mapValues { $0.map(SetElement.address) }
    }

    /// The hosts' ranges sorted, duplicates dropped and overlapping ranges merged (the kernel
    /// refuses overlapping elements), adjacent ranges kept as separate elements.
    static func elements(_ hostSets: [AddressSet]) -> [AddressRange] {
        var all: [AddressRange] = []
        for s in hostSets { all += s.ranges(.v4) + s.ranges(.v6) }
        all.sort { ($0.lower, $0.upper) < ($1.lower, $1.upper) }
        var out: [AddressRange] = []
        for r in all {
            if let last = out.last, last.family == r.family, !(last.upper < r.lower) {
                if last.upper < r.upper { out[out.count - 1] = AddressRange(lower: last.lower, upper: r.upper) }
            } else {
                out.append(r)
            }
        }
        return out
    }
}
