import Foundation
import Testing
@testable import FwctlPlanner

/// `apply PLANFILE` reads the file before anything else is decided, holding the host lock:
/// whatever is at the path (a FIFO, a device, a file of gigabytes, nothing) must give a
/// prompt refusal that says why in errno terms, never a hang or the whole device read.
struct PlanFileReadTests {
    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-planread-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        return dir
    }

    final class Box: @unchecked Sendable { var value: String? }

    /// Runs `body` on another thread; nil when it has not returned within `seconds`.
    static func within(_ seconds: Double, _ body: @escaping @Sendable () -> String) -> String? {
        let box = Box(), done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { box.value = body(); done.signal() }
        return done.wait(timeout: .now() + seconds) == .success ? box.value : nil
    }

    static func refusal(_ path: String) -> String? {
        within(10) { () -> String in
            do { _ = try PlanFile.read(from: path); return "read" } catch { return "\(error)" }
        }
    }

    @Test func aFIFOIsRefusedAtOnce() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/plan.json"
        try #require(mkfifo(fifo, 0o600) == 0)
        let r = Self.refusal(fifo)
        #expect(r?.contains("not a regular file") == true, "\(r ?? "still reading after 10 s")")
    }

    @Test func aDeviceIsNotARegularFile() {
        let r = Self.refusal("/dev/zero")
        #expect(r?.contains("cannot read plan file /dev/zero: not a regular file") == true, "\(r ?? "still reading after 10 s")")
    }

    @Test func aFileLargerThanAnyPlanIsNotRead() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.json"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        try #require(fd >= 0)
        try #require(ftruncate(fd, 1 << 30) == 0)   // 1 GiB, sparse: no disk used
        close(fd)
        let r = Self.refusal(path)
        #expect(r?.contains("larger than") == true, "\(r ?? "still reading after 10 s")")
    }

    @Test func aMissingFileSaysWhyInErrnoTerms() {
        let r = Self.refusal("/nonexistent-fwctl-plan.json")
        #expect(r == "cannot read plan file /nonexistent-fwctl-plan.json: ENOENT (no such file or directory)", "\(r ?? "")")
    }
}
