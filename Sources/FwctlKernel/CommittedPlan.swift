import FwctlPlanner
import FwctlRuleset
import FwctlState

/// A plan this process committed onto a table it had read, no other commit in between (the
/// generation moved by exactly one): the table it left follows from the two, so keeping it
/// (`ConfirmedTable`) needs no read of the kernel. A value, to be worked out on another thread.
public struct CommittedPlan: Sendable {
    public let plan: Plan
    /// The table the plan was made from, as read at `plan.generation` (nil: there was none).
    let base: Table?
    /// The generation the commit left.
    public let generation: UInt32
    /// `table()`, worked out on another thread from the moment of the commit, while the
    /// record and the log are written.
    private let outcome: BackgroundWork<Table?>

    init(plan: Plan, base: Table?, generation: UInt32) {
        self.plan = plan
        self.base = base
        self.generation = generation
        outcome = BackgroundWork { plan.outcome(onto: base) }
    }

    /// The table the commit left, as the kernel lists it, without kernel state (see
    /// `Plan.outcome(onto:)`); nil when it cannot be worked out.
    public func table() -> Table? { outcome.wait() }
}

extension NetlinkBackend {
    /// Notes the commit of `plan` at `expected` that returned `generation`, before the record
    /// moves on from the read the plan was made from.
    func noteCommit(of plan: Plan, at expected: UInt32, generation: UInt32?) {
        guard let generation, generation == expected &+ 1, let (ref, read) = lastRead, ref == plan.table,
              read.generation == expected else { lastCommit = nil; return }
        var sent = plan
        sent.generation = expected
        lastCommit = CommittedPlan(plan: sent, base: read.table, generation: generation)
    }

    /// This process's last commit, if it was to `ref` and the only one at the time.
    public func lastCommit(to ref: TableRef) -> CommittedPlan? {
        lastCommit.flatMap { $0.plan.table == ref ? $0 : nil }
    }
}
