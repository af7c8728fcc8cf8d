#if canImport(Glibc)
import Glibc
#endif

/// An errno as fwctl's messages give it: the constant's name and a few words
/// (`ENOENT (no such file or directory)`), the same whatever the locale, never the C
/// library's `strerror` text, so a message can be searched for and tested.
public enum Errno {
    /// `ENOENT (no such file or directory)`; `errno 123` for one without a name here.
    public static func reason(_ code: Int32) -> String {
        guard let (name, words) = known[code] else { return "errno \(code)" }
        return "\(name) (\(words))"
    }

    /// `ENOENT`; `errno 123` for one without a name here.
    public static func name(_ code: Int32) -> String {
        known[code]?.name ?? "errno \(code)"
    }

    private static let known: [Int32: (name: String, words: String)] = [
        ENOENT: ("ENOENT", "no such file or directory"),
        EACCES: ("EACCES", "permission denied"),
        EPERM: ("EPERM", "operation not permitted"),
        ELOOP: ("ELOOP", "too many levels of symbolic links"),
        ENOTDIR: ("ENOTDIR", "a component of the path is not a directory"),
        EISDIR: ("EISDIR", "a directory"),
        EEXIST: ("EEXIST", "already exists"),
        EROFS: ("EROFS", "read-only file system"),
        ENOSPC: ("ENOSPC", "no space left on the device"),
        EDQUOT: ("EDQUOT", "disk quota exceeded"),
        EFBIG: ("EFBIG", "file too large"),
        EIO: ("EIO", "input/output error"),
        EXDEV: ("EXDEV", "not on the same file system"),
        ENAMETOOLONG: ("ENAMETOOLONG", "file name too long"),
        EMFILE: ("EMFILE", "too many open files"),
        ENFILE: ("ENFILE", "too many open files in the system"),
        ENOMEM: ("ENOMEM", "out of memory"),
        EAGAIN: ("EAGAIN", "resource temporarily unavailable"),
        EBADF: ("EBADF", "bad file descriptor"),
        EBUSY: ("EBUSY", "busy"),
        EINVAL: ("EINVAL", "invalid argument"),
        EOPNOTSUPP: ("EOPNOTSUPP", "operation not supported"),
        EMLINK: ("EMLINK", "too many links"),
        ERANGE: ("ERANGE", "out of range"),
    ]
}
