import Foundation
import FwctlState
import FwctlSystem
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock that keeps two fwctl runs on one host from interleaving plan and apply.
///
/// `flock(2)` on a file in the state directory: the kernel drops it when the process dies,
/// however it dies, so a killed fwctl never leaves a stale lock behind. The file is opened as
/// every state file is (`StateFile.open`): never through a link, since it is truncated.
public final class HostLock {
    public let path: String
    private var fd: Int32 = -1

    /// Why the lock could not be taken.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case cannotOpen(path: String, errno: Int32)
        case unsafe(String)
        case busy(path: String, holder: String?)

        public var description: String {
            switch self {
            case .cannotOpen(let path, let e):
                return "cannot open lock file \(path) (\(Errno.name(e)))"
            case .unsafe(let why):
                return why
            case .busy(let path, let holder):
                let who = holder.map { " (held by pid \($0))" } ?? ""
                return "another fwctl is planning or applying on this host\(who); lock \(path). Try again, or pass --lock-timeout SECONDS to wait"
            }
        }
    }

    /// Takes the lock, waiting up to `timeout` seconds (0: fail at once when busy).
    public init(path: String, timeout: Double) throws(Failure) {
        self.path = path
        do throws(StateFile.Unsafe) {
            fd = try StateFile.open(path, O_RDWR, create: 0o644).fd
        } catch {
            throw error.errno.map { $0 == ELOOP ? .unsafe(error.description) : .cannotOpen(path: path, errno: $0) } ?? .unsafe(error.description)
        }
        let deadline = Self.now() + max(0, timeout)
        while Syscall.retryingEINTR({ flock(fd, LOCK_EX | LOCK_NB) }) != 0 {
            guard errno == EWOULDBLOCK, Self.now() < deadline else {
                let holder = Self.readHolder(fd)
                close(fd)
                fd = -1
                throw .busy(path: path, holder: holder)
            }
            usleep(50_000)
        }
        // Record the holder for the message another run prints.
        _ = ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Releases the lock (also done when the value is freed, and by the kernel on exit).
    public func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private static func readHolder(_ fd: Int32) -> String? {
        var buf = [UInt8](repeating: 0, count: 32)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let s = String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? nil : s
    }
}
