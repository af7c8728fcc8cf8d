import Foundation
import FwctlPlanner
import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

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
    ///
    /// An apply without a confirm window is kept for good first: its table becomes the one
    /// `fwctl restore` loads at boot (a provisional one waits for `fwctl confirm`), so an
    /// `applied` entry means the table was kept or a warning said why not.
    func recordApplied(_ plan: Plan, confirmationID: String?, generation: UInt32?) -> String? {
        Self.pauseAfterCommitForTests()
        let kept = confirmationID == nil ? keepConfirmed(plan.table) : nil
        do {
            try recorder?.finished(plan, confirmationID: confirmationID, generationAfter: generation, failure: nil)
            return kept
        } catch {
            return ["the apply went through, but its result could not be logged: \(error)", kept].compactMap { $0 }.joined(separator: "; ")
        }
    }

    /// Saves the table now loaded as the one `fwctl restore` brings back (see
    /// `ConfirmedTable`): after an apply without confirm window, and by `fwctl confirm`.
    /// Returns a warning when it could not be saved.
    public func keepConfirmed(_ ref: TableRef) -> String? {
        ConfirmedTable.keep(ref, backend: backend, host: recorder?.host ?? "", stateDirectory: state.path)
    }

    /// First thing under the lock for a run that writes `log`: when the log's last entry is an
    /// apply that recorded `started` and no result (fwctl was killed between the two), reads
    /// what the kernel holds and records it as a `recovered` entry, so the log and `status`
    /// never go on naming the apply before it. Returns what was recovered, for the user; nil
    /// when there was nothing to. A log that cannot be read is left for the next append to
    /// report.
    public func recoverUnfinished(log: ApplyLog, table: TableRef? = nil) throws -> String? {
        guard let last = (try? log.lastEntry()) ?? nil, last.action == .apply, last.outcome == "started" else { return nil }
        let ref = table ?? backend.likelyTable()
        let (loaded, generation) = try Self.explained { try backend.read(table: ref) }
        let recorder = ApplyRecorder(log: log, host: last.host)
        let entry: ApplyLogEntry
        do { entry = try recorder.recovered(last, loaded: loaded, generation: generation) } catch {
            throw ApplyError("the apply log's last entry (seq \(last.seq)) is an apply that recorded no result, and recording what is loaded failed: \(error)")
        }
        return "the apply log's last entry (seq \(last.seq), apply started at \(last.time)) has no result: that fwctl was killed midway. The kernel holds \(entry.loaded ?? "?") (table \(ref), generation \(generation)); recorded as seq \(entry.seq) (recovered)"
    }

    /// Test-only: kernel tests kill fwctl between the commit and the result entry. With
    /// FWCTL_TEST_PAUSE_AFTER_COMMIT=PATH set, creates PATH and waits (60 s at most) right
    /// after the commit; without it, does nothing.
    static func pauseAfterCommitForTests() {
        guard let marker = ProcessInfo.processInfo.environment["FWCTL_TEST_PAUSE_AFTER_COMMIT"], !marker.isEmpty else { return }
        let fd = open(marker, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        sleep(60)
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
