import Foundation
import FwctlPlanner

/// The apply log steps of `ApplySession` (see `ApplyRecorder` for what each entry holds).
extension ApplySession {
    /// The intent entry; a failure stops the apply before the kernel is touched.
    func recordStarted(_ plan: Plan, confirmationID: String?) throws {
        do {
            try recorder?.started(plan, confirmationID: confirmationID)
        } catch {
            throw ApplyError("\(error); nothing was applied (every apply is logged before the kernel is touched)")
        }
    }

    /// Runs the kernel step; when it fails, records `failed: reason` (best effort: the
    /// kernel error is what the user needs to see) and rethrows.
    func recordingFailure<T>(_ plan: Plan, confirmationID: String?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            _ = try? recorder?.finished(plan, confirmationID: confirmationID, generationAfter: nil, failure: "\(error)")
            throw error
        }
    }

    /// `plan` as the kernel took it, for the result entry: at the generation the batch went
    /// at (a retry's, if any), so the entry's generations are the commit's.
    func sent(_ plan: Plan) -> Plan {
        var p = plan
        p.generation = backend.sentAtGeneration ?? plan.generation
        return p
    }

    /// The result entry once the kernel changed. Returns a warning instead of throwing: the
    /// apply happened, and its `started` entry is already in the log.
    func recordApplied(_ plan: Plan, confirmationID: String?, generation: UInt32?) -> String? {
        do {
            try recorder?.finished(plan, confirmationID: confirmationID, generationAfter: generation, failure: nil)
            return nil
        } catch {
            return "the apply went through, but its result could not be logged: \(error)"
        }
    }

    /// Restores the table saved by an unconfirmed apply and records it. The rollback never
    /// waits for the log: putting the previous ruleset back matters more than recording it,
    /// so a log failure is only added to the returned text.
    func restoreAndRecord(_ pending: PendingConfirmation) throws -> String {
        let before = try? backend.read(table: pending.table).generation
        let done: String
        do {
            done = try Self.explained { try Rollback.restore(pending, backend: backend) }
        } catch {
            _ = try? recorder?.concluded(.rollback, confirmationID: pending.id, changes: [], generationBefore: before,
                                         generationAfter: nil, outcome: "failed: \(error)")
            throw error
        }
        let after = try? backend.read(table: pending.table).generation
        do {
            try recorder?.concluded(.rollback, confirmationID: pending.id, changes: [done], generationBefore: before,
                                    generationAfter: after, outcome: "rolled-back")
            return done
        } catch {
            return done + " (not recorded in the apply log: \(error))"
        }
    }
}
