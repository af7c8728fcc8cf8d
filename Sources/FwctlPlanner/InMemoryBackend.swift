import Foundation
import FwctlRuleset

/// A kernel fake that behaves like nf_tables for what fwctl does: tables with kernel-style
/// handles (one counter per table), a generation id bumped by each commit, atomic batches
/// applied to a copy and swapped in only when every change is valid, and the refusals the
/// kernel would answer (ENOENT, EEXIST, EBUSY, EINVAL, EOPNOTSUPP, EMLINK).
///
/// Checked against Linux 6.18 with nft 1.0.6 in a scratch namespace: deleting a set in use
/// or a chain jumped to is EBUSY, a jump to a base chain or a policy on a regular chain
/// EOPNOTSUPP, a jump loop EMLINK on the rule closing it, a missing object ENOENT. Two
/// refusals are stricter than that kernel, on purpose, so plans never lean on leniency: an
/// existing set, chain or element added again is EEXIST (the kernel answers so only with
/// NLM_F_EXCL), and a chain still holding rules cannot be deleted (the kernel flushes it).
/// Family mismatches (an IPv6 lookup in an ipv4_addr set, an IPv6 element for it) are
/// EINVAL here as in nft's own checks; the kernel, seeing only key lengths, lets them by.
/// `KernelAgreementTests` holds the fake to the real kernel on all of this.
///
/// It runs the planner's tests without root, and lets them play the other programs on the
/// host: `load`, `modify` and `remove` change the state as a concurrent `nft` command would.
public final class InMemoryBackend: RulesetBackend, @unchecked Sendable {
    // @unchecked: every access to the state goes through `lock`.
    private let lock = NSLock()
    private var state: KernelState

    /// A kernel at generation `generation`, holding no tables.
    public init(generation: UInt32 = 1) {
        state = KernelState(generation: generation)
    }

    /// The current generation id.
    public var generation: UInt32 { lock.withLock { state.generation } }

    /// Every table held, in creation order, with handles.
    public var tables: [Table] { lock.withLock { state.tables.map(\.table) } }

    public func read(table ref: TableRef) throws -> (table: Table?, generation: UInt32) {
        lock.withLock { (state.table(ref)?.table, state.generation) }
    }

    public func apply(_ plan: Plan, expectedGeneration: UInt32, checkOnly: Bool) throws -> UInt32? {
        try lock.withLock {
            if expectedGeneration != state.generation {
                throw BackendError.generationChanged(expected: expectedGeneration, actual: state.generation)
            }
            var copy = state
            try copy.apply(plan)
            if checkOnly { return nil }
            // Like nf_tables, an empty batch commits nothing and leaves the generation alone.
            if plan.changes.isEmpty { return state.generation }
            copy.generation &+= 1
            state = copy
            return state.generation
        }
    }

    /// Puts `table` in place of any table of the same name, as `nft -f` of a file that
    /// deletes and re-creates it would: every object gets a fresh handle. One commit.
    public func load(_ table: Table) {
        lock.withLock {
            state.remove(table.ref)
            state.insert(table)
            state.generation &+= 1
        }
    }

    /// Deletes a table if present. One commit when it was there.
    public func remove(table ref: TableRef) {
        lock.withLock {
            if state.remove(ref) { state.generation &+= 1 }
        }
    }

    /// Changes a table in place, as another program would between fwctl's read and apply.
    /// Objects keep the handles they have; new ones (handle `nil`) get the next handles of
    /// the table. With `commit` the generation moves on, as it does for any ruleset change;
    /// pass `false` for what the kernel changes without a commit, such as counter values.
    public func modify(_ ref: TableRef, commit: Bool = true, _ body: (inout Table) -> Void) {
        lock.withLock {
            guard state.modify(ref, body) else { return }
            if commit { state.generation &+= 1 }
        }
    }
}
