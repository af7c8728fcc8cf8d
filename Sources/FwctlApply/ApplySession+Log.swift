import Foundation
import FwctlKernel
import FwctlLog
import FwctlPlanner
import FwctlRuleset
import FwctlState
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
    /// An apply without a confirm window is kept for good too: its table becomes the one
    /// `fwctl restore` loads at boot (a provisional one waits for `fwctl confirm`), written
    /// on the other core while the entry is, so an `applied` entry means the table was kept
    /// or a warning said why not.
    func recordApplied(_ plan: Plan, confirmationID: String?, generation: UInt32?) -> String? {
        Self.pauseAfterCommitForTests()
        let keeping = confirmationID == nil ? startKeeping(plan.table) : nil
        var warnings: [String] = []
        do {
            try recorder?.finished(plan, confirmationID: confirmationID, generationAfter: generation, failure: nil)
        } catch {
            warnings.append("the apply went through, but its result could not be logged: \(error)")
        }
        if let w = keeping?() { warnings.append(w) }
        return warnings.isEmpty ? nil : warnings.joined(separator: "; ")
    }

    /// Starts keeping the table this process's commit left in `ref` (see `ConfirmedTable`):
    /// worked out from the plan and written on another thread, or read back when the commit
    /// does not tell. The returned closure waits for it and gives its warning, if any.
    private func startKeeping(_ ref: TableRef) -> () -> String? {
        guard let commit = backend.lastCommit(to: ref) else { return { self.keepConfirmed(ref) } }
        let host = recorder?.host ?? "", directory = state.path
        let work = BackgroundWork { commit.table().map { ConfirmedTable.keep($0, host: host, stateDirectory: directory) } }
        // nil: the plan's outcome could not be worked out, so only the kernel can say.
        return { work.wait() ?? self.keepConfirmed(ref) }
    }

    /// Saves the table now loaded, read back from the kernel, as the one `fwctl restore`
    /// brings back (see `ConfirmedTable`): by `fwctl confirm`, and after an apply whose
    /// outcome cannot be worked out. Returns a warning when it could not be saved.
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
        let (loaded, generation) = try ApplyError.explained { try backend.read(table: ref) }
        let recorder = ApplyRecorder(log: log, host: last.host)
        let entry: ApplyLogEntry
        do { entry = try recorder.recovered(last, loaded: loaded, generation: generation) } catch {
            throw ApplyError("the apply log's last entry (seq \(last.seq)) is an apply that recorded no result, and recording what is loaded failed: \(error)")
        }
        return "the apply log's last entry (seq \(last.seq), apply started at \(last.time)) has no result: that fwctl was killed midway. The kernel holds \(entry.loaded ?? "?") (table \(ref), generation \(generation)); recorded as seq \(entry.seq) (recovered)"
    }

    /// Test-only: kernel tests kill fwctl, or change the table, between the commit and the
    /// result entry. With FWCTL_TEST_PAUSE_AFTER_COMMIT=PATH set, creates PATH right after the
    /// commit and waits until PATH is gone (60 s at most); without it, does nothing.
    static func pauseAfterCommitForTests() {
        guard let marker = ProcessInfo.processInfo.environment["FWCTL_TEST_PAUSE_AFTER_COMMIT"], !marker.isEmpty else { return }
        let fd = open(marker, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        for _ in 0..<600 where access(marker, F_OK) == 0 { usleep(100_000) }
    }

    /// Restores the table saved by an unconfirmed apply and records it. The rollback never
    /// waits for the log: putting the previous ruleset back matters more than recording it,
    /// so a log failure is only added to the returned text.
    func restoreAndRecord(_ pending: PendingConfirmation) throws -> String {
        let before = try? backend.read(table: pending.table).generation
        let done: String
        do {
            done = try ApplyError.explained { try Rollback.restore(pending, backend: backend) }
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
