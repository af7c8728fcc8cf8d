#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FwctlRuleset
import FwctlSystem

/// Where tables live: the kernel (through netlink) or the in-memory fake the tests use.
///
/// The planner never talks to the kernel itself; `fwctl plan` reads through a backend, and
/// `fwctl apply` hands the plan back to it together with the generation it was made at.
public protocol RulesetBackend {
    /// The table as the kernel holds it (with handles and counter values), or `nil` when it
    /// does not exist, and the generation id the read was made at.
    func read(table: TableRef) throws -> (table: Table?, generation: UInt32)

    /// Applies the plan atomically: every change or none, and only onto the ruleset at
    /// `expectedGeneration` (there is no unguarded apply).
    ///
    /// When the ruleset has moved on since, throws `BackendError.generationChanged` and
    /// changes nothing (a backend may first send the same plan again at the new generation
    /// when it proves the plan's table unchanged, see `NetlinkBackend`). With `checkOnly` the
    /// backend validates every change and changes nothing, returning `nil`. Otherwise returns
    /// the generation after the commit (unchanged for an empty plan, which commits nothing).
    func apply(_ plan: Plan, expectedGeneration: UInt32, checkOnly: Bool) throws -> UInt32?
}

/// Why a backend refused a plan. In every case nothing was changed.
public enum BackendError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The ruleset changed since the plan's state was read (the kernel's ERESTART on a batch
    /// carrying NFNL_BATCH_GENID). `actual` is the current generation when the backend knows it.
    case generationChanged(expected: UInt32, actual: UInt32?)
    /// The backend refused one change of the plan. `changeIndex` is its index in
    /// `Plan.changes` (`nil` when the refusal concerns the batch as a whole, e.g. a failed
    /// commit); `errno` is the kernel's error number for it.
    case rejected(changeIndex: Int?, errno: Int32, reason: String)
    /// The plan carries no generation id (made without reading the kernel): sending it could
    /// overwrite a ruleset nobody planned against, so it is never sent.
    case unguarded

    public var description: String {
        switch self {
        case .unguarded:
            return "the plan was not made against the kernel (it carries no generation id), so it cannot be applied; nothing was applied"
        case .generationChanged(let expected, let actual?):
            return "the ruleset changed since it was read (generation \(expected), now \(actual)); nothing was applied"
        case .generationChanged(let expected, nil):
            return "the ruleset changed since it was read (generation \(expected)); nothing was applied"
        case .rejected(let index?, let errno, let reason):
            return "change \(index + 1) refused (\(Errno.name(errno))): \(reason); nothing was applied"
        case .rejected(nil, let errno, let reason):
            return "plan refused (\(Errno.name(errno))): \(reason); nothing was applied"
        }
    }

    /// One line for the operator naming the change refused and, for a rule, the policy line
    /// it came from: `cannot add a rule to chain input from scale-up.policy:31: ... (ENOENT:
    /// rule refers to missing set role_x_v4); nothing was applied`.
    public func message(for plan: Plan) -> String {
        guard case .rejected(let index?, let errno, let reason) = self, plan.changes.indices.contains(index) else {
            return description
        }
        return "cannot \(plan.changes[index].phrase) (\(Errno.name(errno)): \(reason)); nothing was applied"
    }
}

extension RulesetBackend {
    /// Reads the table `desired` names and plans toward `desired` against what was read,
    /// recording the generation of the read: what `fwctl plan` does.
    public func plan(toward desired: Table) throws -> Plan {
        try readAndPlan(toward: desired).plan
    }

    /// `plan(toward:)` that also returns the table it read (nil: not loaded), for callers
    /// that show both (`fwctl status`, `fwctl audit export --live`) from one kernel read.
    /// Throws `ForeignTableError` for a table fwctl did not create.
    public func readAndPlan(toward desired: Table) throws -> (current: Table?, plan: Plan) {
        let (current, generation) = try read(table: desired.ref)
        try Ownership.check(current)
        return (current, Planner.plan(current: current, desired: desired, generation: generation))
    }

    /// Applies a plan only if the ruleset is still at the generation the plan was made at:
    /// what `fwctl apply` does. A plan without a generation is refused (`.unguarded`).
    public func apply(_ plan: Plan, checkOnly: Bool = false) throws -> UInt32? {
        guard let generation = plan.generation else { throw BackendError.unguarded }
        return try apply(plan, expectedGeneration: generation, checkOnly: checkOnly)
    }
}
