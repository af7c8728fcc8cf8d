#if canImport(Glibc)
import Glibc
#endif

extension AtomicFile {
    /// Replaces `path` with what `body` writes piece by piece (a report too large to hold
    /// whole), with the same guarantees as `write(_:to:)`: a reader sees the old file or the
    /// complete new one. When `body` throws, or a write fails, the temporary file is removed
    /// and `path` is left as it was.
    public static func stream(to path: String, mode: mode_t = 0o644, _ body: ((String) throws -> Void) throws -> Void) throws {
        let (tmp, fd) = try temporaryFile(beside: path, mode: mode)
        do {
            try body { text in
                if Syscall.writeAll(fd, Array(text.utf8)) < 0 { throw Failure(path: path, reason: reason(errno)) }
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
