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
        let model = FleetModel(fleet: fleet, rulesets: rulesets)
        let listeners = try LabListeners(plan: plan, network: network)
        defer { listeners.stop() }
        let probes = plan.probes
        var observed = try LabProber.run(probes, network: network, timeoutMs: timeoutMs)
        // As in run(): one longer second try for what stayed closed, on a loaded machine.
        let closed = observed.indices.filter { !observed[$0] }
        let retried = try LabProber.run(closed.map { probes[$0] }, network: network, timeoutMs: timeoutMs * 2)
        for (k, i) in closed.enumerated() where retried[k] { observed[i] = true }
        let results = zip(probes, observed).map { probe, seen in
            LabResult(probe: probe, observed: seen, predicted: LabPlan.predict(probe, model))
        }
        return LabReport(plan: plan, results: results,
                         verifier: Reachability.matrix(fleet: fleet, rulesets: rulesets), namespaces: network.namespaces)
    }
}
