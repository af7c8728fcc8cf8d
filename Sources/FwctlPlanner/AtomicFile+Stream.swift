#if canImport(Glibc)
import Glibc
#endif

extension AtomicFile {
    /// Replaces `path` with what `body` writes piece by piece (a report too large to hold
    /// whole), with the same guarantees as `write(_:to:)`: a reader sees the old file or the
    /// complete new one. When `body` throws, or a write fails, the temporary file is removed
    /// and `path` is left as it was.
    public static func stream(to path: String, mode: mode_t = 0o644, _ body: ((String) throws -> Void) throws -> Void) throws {
        var tmp = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            tmp = path + ".tmp.\(getpid()).\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw Failure(path: path, reason: reason(errno)) }
        do {
            try body { text in
                var bytes = Array(text.utf8)
                var offset = 0
                while offset < bytes.count {
                    let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { throw Failure(path: path, reason: reason(n < 0 ? errno : ENOSPC)) }
                    offset += n
                }
            }
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        var failure: Int32? = nil
        if close(fd) != 0 { failure = errno }
        if failure == nil && rename(tmp, path) != 0 { failure = errno }
        if let failure {
            unlink(tmp)
            throw Failure(path: path, reason: reason(failure))
        }
    }
}
