import FwctlRuleset

extension LockoutGuard {
    /// What an apply may do given the SSH session: what to warn about, and how long the apply
    /// stays provisional (nil: not at all).
    public struct Decision: Hashable, Sendable {
        public var warnings: [String] = []
        public var confirmSeconds: Double?
    }

    /// Why the apply is refused; says what to change.
    public struct Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The guard for applying `table` in `session`. Over SSH the apply is provisional unless
    /// `noConfirm`; `confirm` chooses the window, with or without SSH. A ruleset that drops new
    /// SSH connections from the client is refused unless `force`. When the session cannot be
    /// read, nothing could be checked, so the worst is assumed: a warning, the confirm window
    /// on, and `noConfirm` refused unless `force` (nothing would stand between an unchecked
    /// ruleset and a lock-out).
    public static func decide(_ table: Table, session: SSHSession, confirm: Double?, noConfirm: Bool,
                              force: Bool) throws(Refusal) -> Decision {
        var decision = Decision()
        switch session {
        case .local:
            break
        case .connection(let connection):
            if let problem = check(table, connection: connection) {
                guard force else {
                    throw Refusal(description: "\(problem). Nothing was applied; fix the policy, or pass --force if you have another way in")
                }
                decision.warnings.append("\(problem) (--force)")
            }
        case .unreadable(let why):
            if noConfirm && !force {
                throw Refusal(description: "\(why), so the lock-out guard cannot check this ruleset, and --no-confirm would leave no way back. Nothing was applied; drop --no-confirm (the apply is then provisional), or pass --force as well if you have another way in")
            }
            decision.warnings.append("\(why): the lock-out guard cannot check whether this ruleset drops your SSH connection"
                                     + (noConfirm ? " (--force)" : "; the apply is provisional: run `fwctl confirm` once you have checked you can still log in"))
        }
        if !noConfirm { decision.confirmSeconds = confirm ?? (session == .local ? nil : sshConfirmSeconds) }
        return decision
    }
}
