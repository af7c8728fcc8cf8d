import FwctlKernel
import FwctlPlanner
import FwctlRuleset

extension Rollback {
    /// What a rollback to `previous` could not put back, one description each: the rollback
    /// is a plan toward `previous`, and the planner writes only what fwctl models. Rules with
    /// an expression fwctl does not generate cannot be encoded, stateful objects, maps and
    /// flowtables are never created, and sets are created without attributes fwctl never sets.
    public static func unrestorable(_ previous: Table) -> [String] {
        var out: [String] = []
        for chain in previous.chains {
            for rule in chain.rules where rule.hasUnknownExpression {
                out.append("rule \(rule.handle.map(String.init) ?? "?") of chain \(chain.name): \(NftText.render(rule: rule))")
            }
        }
        out += previous.objects.map(\.description)
        for set in previous.sets where !set.extras.isEmpty {
            out.append("set \(set.name) with \(set.extras.joined(separator: ", "))")
        }
        return out
    }

    /// Refuses an apply with a rollback that could not restore `previous` exactly.
    static func requireRestorable(_ previous: Table?) throws {
        guard let previous else { return }
        let parts = unrestorable(previous)
        guard !parts.isEmpty else { return }
        let shown = parts.prefix(5).joined(separator: "; ") + (parts.count > 5 ? "; and \(parts.count - 5) more" : "")
        throw ApplyError("table \(previous.ref) holds what a rollback could not put back (\(shown)): an unconfirmed apply "
            + "would remove it for good. Nothing was applied. Apply with --no-confirm to remove it without the promise of a "
            + "rollback (over SSH the lock-out guard still checks new connections), or remove it by hand first")
    }
}
