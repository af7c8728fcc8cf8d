import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
import FwctlVerifier

extension Lab {
    /// Probes a lab network whose hosts' tables something else loaded (the fleet test: Ansible
    /// over SSH), and sets each outcome against the verifier's prediction from the compiled
    /// policy, as `run()` does for the tables it loads itself. Nothing may listen on a probed
    /// port of an end meanwhile (the listeners bind every one).
    public static func probeLive(fleet: Fleet, plan: LabPlan, network: LabNetwork, timeoutMs: Int32 = 200) throws -> LabReport {
        var rulesets: [String: Ruleset] = [:]
        for (host, ruleset) in Compiler(fleet: fleet).compileAll() { rulesets[host] = ruleset }
        return try probe(fleet: fleet, plan: plan, network: network, rulesets: rulesets,
                         model: FleetModel(fleet: fleet, rulesets: rulesets), timeoutMs: timeoutMs, keep: true)
    }

    /// Binds listeners on every probed port, probes, and sets each outcome against the
    /// verifier's prediction for the same packet.
    static func probe(fleet: Fleet, plan: LabPlan, network: LabNetwork, rulesets: [String: Ruleset], model: FleetModel,
                      timeoutMs: Int32, keep: Bool) throws -> LabReport {
        let listeners = try LabListeners(plan: plan, network: network)
        defer { listeners.stop() }
        let probes = plan.probes
        var observed = try LabProber.run(probes, network: network, timeoutMs: timeoutMs)
        // A second, longer try for every probe that stayed closed: on a loaded machine a
        // handshake can miss the first deadline. Two tries at most, whatever the prediction.
        let closed = observed.indices.filter { !observed[$0] }
        let retried = try LabProber.run(closed.map { probes[$0] }, network: network, timeoutMs: timeoutMs * 2)
        for (k, i) in closed.enumerated() where retried[k] { observed[i] = true }
        let results = zip(probes, observed).map { probe, seen in
            LabResult(probe: probe, observed: seen, predicted: LabPlan.predict(probe, model))
        }
        return LabReport(plan: plan, results: results, verifier: Reachability.matrix(fleet: fleet, rulesets: rulesets),
                         namespaces: keep ? network.namespaces : [:])
    }
}
