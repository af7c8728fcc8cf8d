import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// Compiles a checked `Fleet` into one nftables table per host.
///
/// The table (see docs/COMPILER.md for the full layout) has an input and an output chain with
/// policy drop, conntrack and loopback rules first, then the policy's `deny` rules, the
/// essential ICMP, then one counted and commented rule per `allow`, end and family, and last
/// rate-limited logging of what the policy drops. Role, network and fleet memberships are
/// named interval sets, one per family, so membership changes touch set elements only.
/// Pure: the same fleet gives the same ruleset, byte for byte.
public struct Compiler: Sendable {
    public let fleet: Fleet
    let index: FleetIndex

    public init(fleet: Fleet) {
        self.fleet = fleet
        index = FleetIndex(fleet)
    }

    /// The ruleset for `hostName`.
    public func compile(host hostName: String) throws(CompileError) -> Ruleset {
        guard let i = index.position(of: hostName) else {
            throw .unknownHost(hostName, known: fleet.hosts.map(\.name))
        }
        return Ruleset(tables: [table(for: fleet.hosts[i])])
    }

    /// The table for `hostName` and what it depends on of the fleet's memberships.
    public func compileWithDependencies(host hostName: String, hostAddresses: Bool = true) throws(CompileError) -> (table: Table, dependencies: TableDependencies) {
        guard let i = index.position(of: hostName) else {
            throw .unknownHost(hostName, known: fleet.hosts.map(\.name))
        }
        var builder = TableBuilder(fleet: fleet, index: index, host: fleet.hosts[i])
        let table = table(with: &builder)
        return (table, TableDependencies(membershipSets: builder.membershipSets.sorted(),
                                         hostAddresses: hostAddresses ? Self.hostAddresses(of: fleet) : nil))
    }

    /// Every address of every host of `fleet`, merged: what `TableDependencies.hostAddresses`
    /// holds. Apart from the table, so a caller can work it out off the critical path.
    public static func hostAddresses(of fleet: Fleet) -> AddressSet {
        var v4: [ClosedRange<UInt32>] = [], v6: [ClosedRange<UInt128>] = []
        v4.reserveCapacity(fleet.hosts.count)
        for h in fleet.hosts.indices {
            v4 += fleet.hosts[h].addresses.v4.intervals
            v6 += fleet.hosts[h].addresses.v6.intervals
        }
        return AddressSet(v4: IntervalSet(v4), v6: IntervalSet(v6))
    }

    func table(for host: Host) -> Table {
        var builder = TableBuilder(fleet: fleet, index: index, host: host)
        return table(with: &builder)
    }

    private func table(with builder: inout TableBuilder) -> Table {
        let d = fleet.defaults
        var extra = DispatchObjects()
        var chains = [
            builder.filterChain(direction: .input, policy: .drop, logDrops: d.logDrops, extra: &extra),
            builder.filterChain(direction: .output, policy: d.egressFiltering ? .drop : .accept,
                                logDrops: d.logDrops && d.egressFiltering, extra: &extra),
        ]
        switch d.forward {
        case .unmanaged: break
        case .drop: chains.append(builder.forwardChain())
        case .policy: chains.append(builder.policyForwardChain())
        }
        let sets = (builder.sets + extra.maps).sorted { $0.name < $1.name }
        return Table(family: .inet, name: d.tableName, comment: Table.ownershipComment, sets: sets, chains: chains + extra.chains)
    }
}

/// Why a host could not be compiled.
public enum CompileError: Error, Equatable, CustomStringConvertible {
    case unknownHost(String, known: [String])

    public var description: String {
        switch self {
        case .unknownHost(let name, let known):
            let list = known.isEmpty ? "the policy defines no hosts" : "known hosts: " + known.joined(separator: ", ")
            return "unknown host '\(name)' (\(list))"
        }
    }
}
