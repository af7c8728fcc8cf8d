import FwctlPolicy
import FwctlRuleset
import FwctlSystem

extension PolicyDiff {
    /// The diff of two versions of a policy, each modelled from its hosts' rulesets as
    /// `rulesets` gives them (the caller compiles: the verifier judges rulesets, it does not
    /// make them). Both versions are compiled and modelled side by side, one core each.
    /// Equal versions admit the same (compiling is a function of the fleet): none, and
    /// `rulesets` is not called.
    public static func between(old: Fleet, new: Fleet, rulesets: @Sendable (Fleet) -> [String: Ruleset]) -> PolicyDiff {
        guard old != new else { return .none }
        let flows = Parallel.map([old, new]) { fleet in
            PolicyFlows(fleet: fleet, model: FleetModel(fleet: fleet, rulesets: rulesets(fleet)))
        }
        return PolicyDiff(old: flows[0], new: flows[1])
    }
}
