extension ApplySession.Outcome {
    /// What `fwctl apply` says when it is done: the check passed, the confirm window to
    /// answer within (and the watchdog that rolls back otherwise), or the kernel generation
    /// the table is now at. `confirmSeconds` is the window the apply was made with.
    public func text(check: Bool, confirmSeconds: Double?) -> String {
        if check { return "Check passed: the kernel accepts every change; nothing was applied.\n" }
        if let pending, let seconds = confirmSeconds {
            return "Applied. Run `fwctl confirm` within \(Int(seconds)) s to keep it, or the previous ruleset comes back by itself (watchdog pid \(pending.watchdogPID ?? 0)).\n"
        }
        return "Applied\(generation.map { " (kernel generation \($0))" } ?? "").\n"
    }
}
