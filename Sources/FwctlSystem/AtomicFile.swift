import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file so that a reader sees the old content or the new, never part of it: the
/// bytes go to a new temporary file beside it, then `rename(2)`.
///
/// The temporary file's name is unpredictable and it is created only where nothing is
/// (`O_CREAT | O_EXCL | O_NOFOLLOW`): a link planted in the directory is never followed, so
/// root writing state or a plan never truncates or creates a file elsewhere. `rename(2)`
/// replaces a link at `path` itself, never its target.
///
/// fwctl's one way to write a file it replaces (plans, reports, metrics, state): one place
/// that decides the temporary name, the mode (0600 for state and plans) and when to fsync,
/// and says why a write failed.
public enum AtomicFile {
    /// Why a file could not be written: the path and the system's reason.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let reason: String
        public var description: String { "cannot write '\(path)': \(reason)" }
    }

    /// A new file beside `path` for its replacement (unique name, created exclusively, never
    /// through a symlink), open for writing: its path and descriptor.
    static func temporaryFile(beside path: String, mode: mode_t) throws(Failure) -> (path: String, fd: Int32) {
        var tmp = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            tmp = path + ".tmp.\(getpid()).\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw Failure(path: path, reason: reason(errno)) }
        return (tmp, fd)
    }

    /// Writes `bytes` to `path` with `mode`; `sync` also flushes them to disk before the rename
    /// (for state that must survive a crash).
    public static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t = 0o644, sync: Bool = false) throws(Failure) {
        let data = bytes as? [UInt8] ?? Array(bytes)
        let (tmp, fd) = try temporaryFile(beside: path, mode: mode)
        var failure: Int32? = Syscall.writeAll(fd, data) < 0 ? errno : nil
        if failure == nil && sync && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == nil { failure = errno }
        if failure == nil && rename(tmp, path) != 0 { failure = errno }
        if let failure {
            unlink(tmp)
            throw Failure(path: path, reason: Self.reason(failure))
        }
    }

    /// Writes `text` as UTF-8.
    public static func write(_ text: String, to path: String, mode: mode_t = 0o644, sync: Bool = false) throws(Failure) {
        try write(Array(text.utf8), to: path, mode: mode, sync: sync)
    }

    static func reason(_ code: Int32) -> String { Errno.reason(code) }
}
