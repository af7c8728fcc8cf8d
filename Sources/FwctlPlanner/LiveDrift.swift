import FwctlRuleset

/// What `fwctl verify --live` reports besides the verifier's findings: everything by which
/// the loaded table differs from the compiled one, as the changes `fwctl plan` would make.
/// The verifier judges what the chains admit; a dormant table (which filters nothing), a
/// named counter, a constant set or a commented element are invisible to it, and each is
/// drift all the same.
public enum LiveDrift {
    /// One line per difference (`~ clear the table's flags (now dormant)`), or the reason
    /// fwctl may not touch the table at all; empty when the table is as compiled.
    public static func lines(loaded: Table, desired: Table) -> [String] {
        guard loaded.isOwnedByFwctl else { return ["\(ForeignTableError(table: loaded.ref, comment: loaded.comment))"] }
        let plan = Planner.plan(current: loaded, desired: desired, generation: nil)
        return plan.changes.map { change in
            var line = "\(change.action.symbol) \(change.phrase)"
            if case .changeTableFlags(let from, _) = change {
                line += " (now \(NftText.tableFlagNames(from).joined(separator: ",")))"
                if from & 1 != 0 { line += ": a dormant table filters nothing" }
            }
            if case .deleteSet(_, let drift) = change, !drift.isEmpty { line += " (it has \(drift.joined(separator: ", ")))" }
            return line
        }
    }
}
