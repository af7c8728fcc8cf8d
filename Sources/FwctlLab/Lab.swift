import Foundation
import FwctlCompiler
import FwctlKernel
import FwctlNet
import FwctlPlanner
import FwctlPolicy
import FwctlRuleset
import FwctlVerifier

/// `fwctl lab`: the policy's fleet live in network namespaces. Every host's compiled table is
/// loaded through netlink, listeners answer on every probed port, every (source, destination,
/// port, family) is probed, and each outcome is set against the verifier's prediction for the
/// very same packet.
public struct Lab {
    public var fleet: Fleet
    /// Per probe, at most this long (all probes of a batch wait together).
    public var timeoutMs: Int32 = 200
    /// Leave the namespaces in place (for inspection with `ip netns exec`).
    public var keep = false
    /// Runs after the tables are loaded, before probing (tests break a host's ruleset here).
    public var afterApply: ((LabNetwork) throws -> Void)?

    public init(fleet: Fleet) { self.fleet = fleet }

    public func run() throws -> LabReport {
        // An interrupt deletes the namespaces under our feet: its handler says how it ended.
        defer { LabRegistry.waitIfStopping() }
        let plan = LabPlan(fleet: fleet)
        var rulesets: [String: Ruleset] = [:]
        for (host, ruleset) in Compiler(fleet: fleet).compileAll() { rulesets[host] = ruleset }
        let model = FleetModel(fleet: fleet, rulesets: rulesets)
        let network = try LabNetwork(plan: plan)
        defer { if !keep { network.remove() } }
        for end in plan.ends where end.kind == .host {
            guard let ruleset = rulesets[end.name], let path = network.path(of: end.name) else { continue }
            let backend = try NetlinkBackend(netnsPath: path)
            for table in ruleset.tables {
                do { _ = try backend.apply(try backend.plan(toward: table)) } catch {
                    throw LabError("loading the table of \(end.name): \(error)")
                }
            }
        }
        try afterApply?(network)
        return try Self.probe(fleet: fleet, plan: plan, network: network, rulesets: rulesets, model: model,
                              timeoutMs: timeoutMs, keep: keep)
    }
}

/// One probe's outcome next to its prediction.
public struct LabResult: Hashable, Sendable {
    public var probe: LabProbe
    public var observed: Bool
    public var predicted: Bool
}
