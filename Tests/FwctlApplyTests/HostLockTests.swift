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

    @Test func waitsForTheLockUntilReleased() async throws {
        let path = tempPath()
        defer { unlink(path) }
        let first = try HostLock(path: path, timeout: 0)
        let releaser = Task.detached {
            try await Task.sleep(nanoseconds: 200_000_000)
            first.release()
        }
        let second = try HostLock(path: path, timeout: 10)
        second.release()
        try await releaser.value
    }

    @Test func unwritableLockPathIsAClearError() {
        #expect(throws: HostLock.Failure.self) {
            _ = try HostLock(path: "/nonexistent-dir/fwctl.lock", timeout: 0)
        }
    }
}
