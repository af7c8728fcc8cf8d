import FwctlRuleset

/// `fwctl apply FILE`: a saved plan is untrusted input (anyone who can write the file can
/// edit it), so it is never sent as read. The plan is made again from the kernel and the
/// policy as they are now and applied only if it is the saved one, as Terraform refuses a
/// stale saved plan: an edit of the file either changes nothing or is refused.
public enum SavedPlan {
    /// Why a saved plan is not applied. In every case nothing was applied.
    public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        case otherTable(saved: TableRef, now: TableRef)
        case otherHost(saved: String, now: String)
        case policyChanged
        /// Planning now gives other changes: the kernel's table changed since the plan was
        /// made, or the file was edited.
        case stale(savedGeneration: UInt32?, generation: UInt32?, savedChanges: Int, changes: Int)

        public var description: String {
            switch self {
            case .otherTable(let saved, let now): "the saved plan is for table \(saved), not \(now); nothing was applied"
            case .otherHost(let saved, let now): "the saved plan is for host \(saved), not \(now); nothing was applied"
            case .policyChanged: "the policy has changed since the plan was made; nothing was applied. Run `fwctl plan` again"
            case .stale(let g0, let g, let n0, let n):
                "Saved plan is stale: planning again now (kernel generation \(g.map(String.init) ?? "?"), the plan's \(g0.map(String.init) ?? "?")) gives \(n) change\(n == 1 ? "" : "s") where the plan file has \(n0), not the same ones: fwctl's table in the kernel changed since the plan was made, or the file was edited; nothing was applied. Run `fwctl plan` again"
            }
        }
    }

    /// The plan to apply for `saved`: planned now through `backend` toward `desired` (the
    /// policy compiled now for `host`, whose files hash to `policySHA256` when known), the
    /// same changes as the saved plan, at the generation read now. The saved generation only
    /// informs: a ruleset that moved on only outside fwctl's table (another table's commits)
    /// gives the same plan, which is then sent at today's generation, as a retry would.
    public static func replan(_ saved: PlanFile, toward desired: Table, host: String, policySHA256: String?,
                              backend: some RulesetBackend) throws -> Plan {
        guard saved.plan.table == desired.ref else { throw Refusal.otherTable(saved: saved.plan.table, now: desired.ref) }
        guard saved.host == host else { throw Refusal.otherHost(saved: saved.host, now: host) }
        if let was = saved.policySHA256, let now = policySHA256, was != now { throw Refusal.policyChanged }
        guard saved.matches(desired: desired) else { throw Refusal.policyChanged }
        let fresh = try backend.plan(toward: desired)
        guard fresh.sameChanges(as: saved.plan) else {
            throw Refusal.stale(savedGeneration: saved.plan.generation, generation: fresh.generation,
                                savedChanges: saved.plan.changes.count, changes: fresh.changes.count)
        }
        return fresh
    }
}
