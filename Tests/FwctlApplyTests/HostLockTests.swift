import Foundation
import Testing
@testable import FwctlApply

@Suite struct HostLockTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-lock-\(getpid())-\(UUID().uuidString)").path
    }

    @Test func secondRunFailsCleanlyWhileTheFirstHoldsTheLock() throws {
        let path = tempPath()
        defer { unlink(path) }
        let first = try HostLock(path: path, timeout: 0)
        #expect(throws: HostLock.Failure.busy(path: path, holder: "\(getpid())")) {
            _ = try HostLock(path: path, timeout: 0.1)
        }
        first.release()
        let again = try HostLock(path: path, timeout: 0)
        again.release()
    }

    /// The second lock is granted only once the first is released: a lock that never blocks
    /// is granted before the release and fails this.
    @Test func waitsForTheLockUntilReleased() throws {
        let path = tempPath()
        defer { unlink(path) }
        nonisolated(unsafe) let first = try HostLock(path: path, timeout: 0)
        let released = NSLock()
        nonisolated(unsafe) var releasing = false
        // A plain thread: the waiting below blocks its own thread, and Swift's cooperative
        // pool (two threads on two cores) may be busy with other tests.
        Thread.detachNewThread {
            usleep(200_000)
            released.withLock { releasing = true }
            first.release()
        }
        let start = Date()
        let second = try HostLock(path: path, timeout: 30)
        defer { second.release() }
        #expect(released.withLock { releasing }, "the second lock was granted while the first was held")
        #expect(Date().timeIntervalSince(start) >= 0.15)
    }

    @Test func unwritableLockPathIsAClearError() {
        #expect(throws: HostLock.Failure.self) {
            _ = try HostLock(path: "/nonexistent-dir/fwctl.lock", timeout: 0)
        }
    }
}
