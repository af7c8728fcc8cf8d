import Foundation
import FwctlLog
import FwctlState
#if canImport(Glibc)
import Glibc
#endif

/// The detached process that `apply --confirm` starts before it records anything or touches
/// the kernel (`fwctl confirm --watchdog ID --deadline T`).
///
/// It learns its deadline from its arguments, not from the pending-confirmation file, so the
/// apply may die at any moment: before the file is written (nothing to undo: the watchdog
/// finds no pending apply of its id at the deadline and leaves), or after (the previous table
/// comes back at the deadline). It decides only while holding the host lock, which the apply
/// keeps until it exits, so it never acts on an apply still in progress.
public struct Watchdog: Sendable {
    public let id: String
    public let deadline: Double
    public let state: StateDirectory
    /// Where the rollback is recorded (nil: not recorded).
    public let log: ApplyLog?

    public init(id: String, deadline: Double, state: StateDirectory, log: ApplyLog? = nil) {
        self.id = id
        self.deadline = deadline
        self.state = state
        self.log = log
    }

    /// Waits for the deadline, leaving early once the guarded apply was confirmed (its pending
    /// file seen, then gone or replaced); then rolls back if it is still unconfirmed. Returns
    /// what the rollback did, nil when there was nothing to roll back.
    public func run(poll: Double = 0.25) throws -> String? {
        var seen = false
        while true {
            let pending = try? state.readPending()
            if pending?.id == id {
                seen = true
            } else if seen {
                return nil   // confirmed (or rolled back by someone else) after we saw it
            }
            let left = deadline - Date().timeIntervalSince1970
            if left <= 0 { break }
            usleep(UInt32(min(left, poll) * 1_000_000))
        }
        // The state directory removed meanwhile: no apply can be in progress or pending
        // (both live there), and re-creating it would only leave an empty one behind.
        guard FileManager.default.fileExists(atPath: state.path) else { return nil }
        // Wait for the lock however long the apply holds it: giving up would leave an
        // unconfirmed ruleset in place.
        let session = try ApplySession(stateDirectory: state.path, lockTimeout: .infinity)
        defer { session.release() }
        // An apply killed after its commit left only `started`: say what is loaded first.
        if let log { _ = try? session.recoverUnfinished(log: log, table: (try? state.readPending())?.table) }
        // The host and policy come from the apply's own entry; the machine name is a fallback.
        session.recorder = log.map { ApplyRecorder(log: $0, host: ProcessInfo.processInfo.hostName) }
        return try session.rollBackIfUnconfirmed(id: id)
    }
}
