import Foundation
import FwctlKernel
import FwctlLog
import FwctlPlanner
import FwctlRuleset
import FwctlState
import FwctlSystem
#if canImport(Glibc)
import Glibc
#endif

/// One `fwctl plan` / `apply` / `confirm` run against the kernel: holds the host lock for its
/// whole life, so two runs never interleave reading, planning and applying.
public final class ApplySession {
    public let backend: NetlinkBackend
    public let state: StateDirectory
    private let lock: HostLock
    /// Writes the apply log (nil: nothing is recorded). See `ApplyRecorder`.
    public var recorder: ApplyRecorder?

    public init(stateDirectory: String, lockTimeout: Double, netnsPath: String? = nil) throws {
        state = StateDirectory(path: stateDirectory)
        do { try state.prepare() } catch { throw ApplyError(error.description) }
        do {
            lock = try HostLock(path: state.lockPath, timeout: lockTimeout)
        } catch {
            throw ApplyError(error.description)
        }
        do {
            backend = try NetlinkBackend(netnsPath: netnsPath)
        } catch {
            throw ApplyError.socketFailure(error)
        }
        backend.records = AppliedRecordStore(directory: state.path)
    }

    /// Reads fwctl's table and plans toward `desired`.
    public func plan(toward desired: Table) throws -> Plan {
        try ApplyError.explained { try backend.plan(toward: desired) }
    }

    /// Base chains of other tables on the hooks that matter (see `OtherBaseChain`); they are
    /// never touched.
    public func otherTablesWarnings(for desired: Table) -> [String] {
        let others = (try? backend.otherBaseChains(excluding: desired.ref)) ?? []
        return OtherBaseChain.warnings(for: desired, others: others.map {
            OtherBaseChain(family: $0.family, table: $0.table, chain: $0.chain, hook: $0.hook, priority: $0.priority, policy: $0.policy)
        })
    }

    /// What `apply` did.
    public struct Outcome: Sendable {
        public var generation: UInt32?
        public var pending: PendingConfirmation?
        /// Set when the kernel changed but the result entry could not be logged.
        public var logWarning: String?
    }

    /// Applies `plan` in one atomic batch, refusing if the kernel moved on since the plan was
    /// made. With `confirmSeconds`, the previous table is saved first and a watchdog restores
    /// it unless `fwctl confirm` comes in time. With `check`, the kernel validates the batch
    /// and nothing changes.
    public func apply(_ plan: Plan, confirmSeconds: Double?, check: Bool) throws -> Outcome {
        if let p = try state.readPending() {
            if !Self.isRunning(p.watchdogPID) {
                // Its watchdog is gone (killed, or the machine restarted): nothing will roll
                // the unconfirmed table back, so do it now and let the user plan again.
                let done = try restoreAndRecord(p)
                state.removePending()
                throw ApplyError("an earlier apply with --confirm lost its rollback watchdog before it was confirmed; \(done). Run fwctl apply again")
            }
            throw ApplyError("an earlier apply is waiting for `fwctl confirm` (it rolls back at \(Self.time(p.deadline))); confirm it or let it roll back first")
        }
        if check {
            return Outcome(generation: try ApplyError.explained(plan) { try backend.apply(plan, checkOnly: true) }, pending: nil)
        }
        guard let seconds = confirmSeconds else {
            try recordStarted(plan, confirmationID: nil)
            let generation = try recordingFailure(plan, confirmationID: nil) { try ApplyError.explained(plan) { try backend.apply(plan) } }
            return Outcome(generation: generation, pending: nil, logWarning: recordApplied(sent(plan), confirmationID: nil, generation: generation))
        }
        let previous = try previousTable(for: plan)
        try Rollback.requireRestorable(previous)
        let confirmationID = UUID().uuidString
        try recordStarted(plan, confirmationID: confirmationID)
        // The watchdog starts BEFORE the pending confirmation is written or the kernel touched
        // (only the log's intent entry precedes it), and it knows
        // its deadline from its arguments: killed at any moment after this (fwctl killed, SSH
        // gone), either nothing was recorded and nothing changed, or the previous table comes
        // back at the deadline. The watchdog decides only once it holds the host lock, which
        // this process keeps until it exits, so it never acts on a half-done apply.
        let deadline = Date().timeIntervalSince1970 + seconds
        var pending = PendingConfirmation(id: confirmationID, table: plan.table, previous: previous, deadline: deadline)
        let newGeneration: UInt32? = try recordingFailure(plan, confirmationID: confirmationID) {
            pending.watchdogPID = try Rollback.spawnWatchdog(id: pending.id, deadline: deadline, stateDirectory: state.path, logPath: recorder?.log.path)
            do {
                try state.writePending(pending)
            } catch {
                if let pid = pending.watchdogPID { kill(pid, SIGTERM) }
                throw error
            }
            do {
                return try ApplyError.explained(plan) { try backend.apply(plan) }
            } catch {
                // Nothing changed: the watchdog finds no pending confirmation and exits.
                state.removePending()
                throw error
            }
        }
        return Outcome(generation: newGeneration, pending: pending, logWarning: recordApplied(sent(plan), confirmationID: confirmationID, generation: newGeneration))
    }

    /// The table a rollback restores: the one the plan was made from. The batch goes only
    /// onto that generation, or onto a later one where the table is proved the same (see
    /// `ConflictRetry`), so this is what the commit replaces.
    private func previousTable(for plan: Plan) throws -> Table? {
        if let read = backend.lastRead, read.ref == plan.table, read.read.generation == plan.generation { return read.read.table }
        let (previous, generation) = try ApplyError.explained { try backend.read(table: plan.table) }
        if let planned = plan.generation, planned != generation {
            throw ApplyError(BackendError.generationChanged(expected: planned, actual: generation).description)
        }
        return previous
    }

    /// `fwctl confirm`: keeps the applied ruleset; the watchdog finds nothing to do.
    public func confirm() throws -> PendingConfirmation {
        guard let pending = try state.readPending() else {
            throw ApplyError("nothing to confirm: no apply with --confirm is waiting")
        }
        // Recorded first: a confirm that cannot be logged does not happen (the watchdog
        // still rolls back at the deadline, and logs that).
        do {
            try recorder?.concluded(.confirm, confirmationID: pending.id, changes: [], generationBefore: nil, generationAfter: nil, outcome: "confirmed")
        } catch {
            throw ApplyError("\(error); not confirmed: the previous ruleset comes back at \(Self.time(pending.deadline)) unless the log is fixed and `fwctl confirm` runs again")
        }
        state.removePending()
        if let pid = pending.watchdogPID, pid > 0 { kill(pid, SIGTERM) }
        return pending
    }

    /// The watchdog's last step: restores the previous table if `id` is still unconfirmed.
    public func rollBackIfUnconfirmed(id: String) throws -> String? {
        guard let pending = try state.readPending(), pending.id == id else { return nil }
        let done = try restoreAndRecord(pending)
        state.removePending()
        return done
    }

    public func release() {
        _ = backend.joinPrefetch(for: nil)
        lock.release()
    }

    static func isRunning(_ pid: Int32?) -> Bool {
        guard let pid, pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// `13:56:31 UTC`: a deadline for the operator, in the zone every fwctl time is in.
    static func time(_ t: Double) -> String {
        UTCTime(truncatingToSecond: t).clock + " UTC"
    }
}
