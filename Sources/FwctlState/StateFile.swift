import Foundation
import FwctlSystem
#if canImport(Glibc)
import Glibc
#endif

/// fwctl's one way to open a file in its state directory (or the apply log's directory).
///
/// Root opens these files, so a link planted there would let whoever planted it have root
/// truncate, create or read any file: no link is ever followed (`O_NOFOLLOW`), a new file is
/// created only where nothing is (`O_CREAT | O_EXCL`), and an existing one must belong to
/// this user (or root). The directory itself must be writable by this user alone, so nobody else can
/// plant anything there in the first place (`checkDirectory`).
public enum StateFile {
    /// Why a state file or directory is not used: one line saying how to fix it.
    public struct Unsafe: Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
        /// The `open(2)` error, when that is what failed.
        public var errno: Int32?
    }

    /// Refuses `path` unless it is a directory owned by this user (or root, whom nothing
    /// protects against anyway) that group and others cannot write. `role` names it in the message (`state directory`, `log directory`).
    public static func checkDirectory(_ path: String, role: String) throws(Unsafe) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw Unsafe(description: "cannot use \(role) \(path) (\(Errno.name(Glibc.errno)))", errno: Glibc.errno)
        }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw Unsafe(description: "\(role) \(path) is not a directory") }
        let me = geteuid()
        guard st.st_uid == me || st.st_uid == 0 else {
            throw Unsafe(description: "\(role) \(path) is owned by uid \(st.st_uid), not \(me == 0 ? "root" : "uid \(me)"); fwctl keeps its files only where nobody else can change them: fix with: chown \(me == 0 ? "root:" : "\(me)") \(path)")
        }
        guard st.st_mode & 0o022 == 0 else {
            let mode = String(st.st_mode & 0o7777, radix: 8)
            let fix = st.st_mode & 0o1000 != 0
                ? "use a directory of its own (mkdir -m 0700 DIR), not a shared one"
                : "fix with: chmod go-w \(path)"
            throw Unsafe(description: "\(role) \(path) is writable by group or others (mode \(String(repeating: "0", count: max(0, 4 - mode.count)) + mode)); anyone who can write there could plant links for fwctl to follow: \(fix)")
        }
    }

    /// Opens `path` with `flags` (access mode and e.g. `O_APPEND`), never through a link.
    /// With `create`, a missing file is made with that mode (`O_EXCL`: never at a link's
    /// target). Refuses a file of another user (but root), and with `regular` anything but a regular file.
    /// Returns the descriptor (close-on-exec) and whether the file was created.
    public static func open(_ path: String, _ flags: Int32, create: mode_t? = nil, regular: Bool = true) throws(Unsafe) -> (fd: Int32, created: Bool) {
        var fd: Int32 = -1
        var created = false
        for _ in 0..<8 {
            if let mode = create {
                fd = Glibc.open(path, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
                if fd >= 0 { created = true; break }
                guard Glibc.errno == EEXIST else { break }
            }
            fd = Glibc.open(path, flags | O_NOFOLLOW | O_CLOEXEC)
            // Removed between the two opens: try creating again.
            if fd >= 0 || create == nil || Glibc.errno != ENOENT { break }
        }
        guard fd >= 0 else { throw failure(path, Glibc.errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = Glibc.errno
            close(fd)
            throw failure(path, e)
        }
        if st.st_uid != geteuid() && st.st_uid != 0 {
            close(fd)
            throw Unsafe(description: "\(path) belongs to uid \(st.st_uid), not to fwctl's user: fwctl does not use it; remove it (rm \(path)) after checking what it is")
        }
        if regular && st.st_mode & S_IFMT != S_IFREG {
            close(fd)
            throw Unsafe(description: "\(path) is not a regular file: fwctl does not use it; remove it after checking what it is")
        }
        return (fd, created)
    }

    /// A state file's bytes; nil when it does not exist. Throws when it is a link, another
    /// user's, or unreadable.
    public static func read(_ path: String) throws(Unsafe) -> [UInt8]? {
        let fd: Int32
        do throws(Unsafe) { fd = try open(path, O_RDONLY).fd } catch let e where e.errno == ENOENT { return nil }
        defer { close(fd) }
        guard let bytes = FileBytes.read(fd: fd) else { throw failure(path, Glibc.errno) }
        return bytes
    }

    /// A cache file's bytes, or nil for anything amiss (a cache is only ever a shortcut).
    public static func readCache(_ path: String) -> [UInt8]? {
        (try? read(path)) ?? nil
    }

    public static func failure(_ path: String, _ code: Int32) -> Unsafe {
        if code == ELOOP {
            return Unsafe(description: "\(path) is a symbolic link: fwctl follows no link in its state or log directory; remove it (rm \(path)) after checking where it points", errno: code)
        }
        return Unsafe(description: "cannot open \(path) (\(Errno.name(code)))", errno: code)
    }
}
