import Foundation
import FwctlRuleset
import FwctlState
import Testing
@testable import FwctlApply

/// The watchdog's decisions that need no kernel: it leaves without acting when the apply it
/// guards never recorded anything, was confirmed, or was replaced by another one.
@Suite(.timeLimit(.minutes(1))) struct WatchdogTests {
    func stateDirectory() throws -> StateDirectory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-watchdog-\(getpid())-\(UUID().uuidString)").path
        let state = StateDirectory(path: path)
        try state.prepare()
        return state
    }

    func pending(_ id: String, deadline: Double) -> PendingConfirmation {
        PendingConfirmation(id: id, table: TableRef(family: .inet, name: "fwctl"), previous: nil, deadline: deadline)
    }

    /// fwctl killed after starting the watchdog but before recording the apply: the kernel was
    /// never touched, so at the deadline there is nothing to do.
    @Test func applyThatNeverRecordedAnythingIsLeftAlone() throws {
        let state = try stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: state.path) }
        let done = try Watchdog(id: "a", deadline: Date().timeIntervalSince1970 + 0.3, state: state).run(poll: 0.05)
        #expect(done == nil)
    }

    /// `fwctl confirm` removes the pending file: the watchdog leaves long before its deadline
    /// (a deadline ten minutes away would hit the suite's one-minute limit otherwise).
    @Test func confirmedApplyEndsTheWatchdogEarly() throws {
        let state = try stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: state.path) }
        let deadline = Date().timeIntervalSince1970 + 600
        try state.writePending(pending("b", deadline: deadline))
        Thread.detachNewThread {
            usleep(300_000)
            state.removePending()
        }
        #expect(try Watchdog(id: "b", deadline: deadline, state: state).run(poll: 0.05) == nil)
        #expect(try state.readPending() == nil)
    }

    /// A pending apply of another id (a later apply after this one was confirmed) is not ours.
    @Test func anotherApplysPendingFileIsNotTouched() throws {
        let state = try stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: state.path) }
        let other = pending("other", deadline: Date().timeIntervalSince1970 + 600)
        try state.writePending(other)
        #expect(try Watchdog(id: "c", deadline: Date().timeIntervalSince1970 + 0.2, state: state).run(poll: 0.05) == nil)
        #expect(try state.readPending() == other)
    }
}
