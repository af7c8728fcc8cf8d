import FwctlRuleset

extension Plan {
    /// The table as the kernel lists it once this plan committed onto `base`, the table it
    /// was planned from (as read at the plan's generation, handles included), with no kernel
    /// state (handles, counter values): what the in-memory kernel makes of it, objects in
    /// the kernel's listing order (`KernelAgreementTests` holds that kernel to Linux). Nil
    /// when the plan does not fit `base` (that kernel refuses it): then only a read can say.
    /// Meant for a plan the kernel committed: the element checks are skipped.
    public func outcome(onto base: Table?) -> Table? {
        var state = KernelState(generation: 0)
        if let base {
            guard base.ref == table else { return nil }
            state.hold(base)
        }
        state.trustCommittedBatches()
        do { try state.apply(self) } catch { return nil }
        return state.table(table)?.table.withoutKernelState
    }
}
