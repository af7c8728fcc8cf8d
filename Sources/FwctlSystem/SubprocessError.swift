#if canImport(Glibc)
import Glibc
#endif

/// A program that could not be started, with the errno of the failed call.
public struct SubprocessError: Error, CustomStringConvertible, Equatable, Sendable {
    public var program: String
    public var errno: Int32

    public init(program: String, errno: Int32) {
        self.program = program
        self.errno = errno
    }

    public var description: String { "cannot run \(program): \(reason)" }

    /// Why, in a few words with the errno's name.
    public var reason: String {
        switch errno {
        case ENOENT: "not found (ENOENT)"
        case EACCES: "permission denied (EACCES)"
        case ENOMEM: "out of memory (ENOMEM)"
        case EAGAIN: "too many processes (EAGAIN)"
        case EMFILE, ENFILE: "too many open files (EMFILE)"
        case ENOSPC: "no space left on the device (ENOSPC)"
        default: Errno.reason(errno)
        }
    }
}
