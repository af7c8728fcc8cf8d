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

    @Test func waitsForTheLockUntilReleased() throws {
        let path = tempPath()
        defer { unlink(path) }
        nonisolated(unsafe) let first = try HostLock(path: path, timeout: 0)
        // A plain thread: the waiting below blocks its own thread, and Swift's cooperative
        // pool (two threads on two cores) may be busy with other tests.
        Thread.detachNewThread {
            usleep(200_000)
            first.release()
        }
        let second = try HostLock(path: path, timeout: 30)
        second.release()
    }

    @Test func unwritableLockPathIsAClearError() {
        #expect(throws: HostLock.Failure.self) {
            _ = try HostLock(path: "/nonexistent-dir/fwctl.lock", timeout: 0)
        }
    }
}
