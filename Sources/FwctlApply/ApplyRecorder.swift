import Foundation
import FwctlPlanner

/// What an `ApplySession` writes to the apply log, and about whom.
///
/// An apply records an intent entry (`started`) before the kernel is touched, so a log that
/// cannot be written stops the apply with the kernel unchanged, and a crash between intent
/// and result stays visible as a `started` entry without a result. Confirm and rollback
/// entries copy the host and policy of the apply they conclude (found by confirmation id).
public struct ApplyRecorder: Sendable {
    public var log: ApplyLog
    /// The policy host being changed; confirm and rollback take it from the apply's entry.
    public var host: String
    public var actor: ApplyLogEntry.Actor
    public var policy: ApplyLogEntry.Policy

    public init(log: ApplyLog, host: String, actor: ApplyLogEntry.Actor = .current(), policy: ApplyLogEntry.Policy = .init()) {
        self.log = log
        self.host = host
        self.actor = actor
        self.policy = policy
    }

    /// The intent entry of an apply, written before the kernel is touched.
    @discardableResult
    public func started(_ plan: Plan, confirmationID: String?) throws -> ApplyLogEntry {
        try log.append(entry(plan, confirmationID: confirmationID, generationAfter: nil, outcome: "started"))
    }

    /// The result entry of an apply: `applied` or `failed: reason`.
    @discardableResult
    public func finished(_ plan: Plan, confirmationID: String?, generationAfter: UInt32?, failure: String?) throws -> ApplyLogEntry {
        try log.append(entry(plan, confirmationID: confirmationID, generationAfter: generationAfter,
                             outcome: failure.map { "failed: \($0)" } ?? "applied"))
    }

    /// A confirm or rollback entry for the apply with `confirmationID`.
    @discardableResult
    public func concluded(_ action: ApplyLogEntry.Action, confirmationID: String, changes: [String],
                          generationBefore: UInt32?, generationAfter: UInt32?, outcome: String) throws -> ApplyLogEntry {
        let origin = (try? log.entries())?.last { $0.action == .apply && $0.confirmationID == confirmationID }
        return try log.append(ApplyLogEntry(host: origin?.host ?? host, action: action, actor: actor,
                                            policy: origin?.policy ?? policy, confirmationID: confirmationID,
                                            changes: changes, generationBefore: generationBefore,
                                            generationAfter: generationAfter, outcome: outcome))
    }

    private func entry(_ plan: Plan, confirmationID: String?, generationAfter: UInt32?, outcome: String) -> ApplyLogEntry {
        ApplyLogEntry(host: host, action: .apply, actor: actor, policy: policy, confirmationID: confirmationID,
                      summary: plan.summary, changes: ApplyLogEntry.changeLines(plan),
                      generationBefore: plan.generation, generationAfter: generationAfter, outcome: outcome)
    }
}
