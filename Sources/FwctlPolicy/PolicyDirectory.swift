import FwctlSystem
#if canImport(Glibc)
import Glibc
#endif

/// Which files form a policy, and why a path cannot be read, in the user's words.
///
/// A directory's policy is its `*.policy` files, sorted by name, not recursive. Hidden names
/// (starting with `.`) are skipped: editors keep lock files (Emacs' `.#web.policy`, a
/// dangling symlink), swap files (`.web.policy.swp`) and the like there, and a half-saved
/// file must not become part of the policy, or break every command. Backups such as
/// `web.policy~` and `#web.policy#` do not end in `.policy` and are not read either. What is
/// skipped is listed (`--verbose` prints it).
public enum PolicyDirectory {
    /// A name in the directory that is not part of the policy, and why.
    public struct Skipped: Hashable, Sendable {
        public var name: String
        public var reason: String
    }

    public struct Listing: Hashable, Sendable {
        /// The policy files' paths (the directory's path joined with each name), in order.
        public var files: [String]
        /// Every other name, sorted.
        public var skipped: [Skipped]
    }

    static let hidden = "hidden (a name starting with '.': editor locks and swap files)"
    static let notPolicy = "not a *.policy file"

    /// The policy files of `path`: the file itself, or the directory's policy files.
    public static func list(_ path: String) throws(PolicyLoadError) -> Listing {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .unreadable(path: path, reason: reason(errno: errno, path: path)) }
        guard st.st_mode & S_IFMT == S_IFDIR else { return Listing(files: [path], skipped: []) }
        guard let dir = opendir(path) else { throw .unreadable(path: path, reason: "cannot list the directory: " + reason(errno: errno, path: path)) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        names.sort()
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var listing = Listing(files: [], skipped: [])
        for name in names {
            if name.hasPrefix(".") {
                listing.skipped.append(Skipped(name: name, reason: hidden))
            } else if !name.hasSuffix(".policy") {
                listing.skipped.append(Skipped(name: name, reason: notPolicy))
            } else {
                listing.files.append(prefix + name)
            }
        }
        guard !listing.files.isEmpty else { throw .emptyDirectory(path: path) }
        return listing
    }

    /// The bytes of one policy file.
    public static func read(_ path: String) throws(PolicyLoadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: reason(errno: errno, path: path)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .unreadable(path: path, reason: reason(errno: errno, path: path)) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw .unreadable(path: path, reason: st.st_mode & S_IFMT == S_IFDIR ? "is a directory" : "not a regular file") }
        guard let bytes = Syscall.readToEnd(fd, sizeHint: Int(st.st_size)) else {
            throw .unreadable(path: path, reason: reason(errno: errno, path: path))
        }
        return bytes
    }

    /// What an errno of open/stat means for a policy path. A dangling symbolic link is told
    /// apart from a missing file, and a loop of links from both.
    static func reason(errno: Int32, path: String? = nil) -> String {
        switch errno {
        case ENOENT:
            var st = stat()
            if let path, lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK { return "a symbolic link to a missing file" }
            return "no such file or directory"
        case ELOOP: return "too many levels of symbolic links (a symlink loop)"
        case EACCES, EPERM: return "permission denied"
        case ENOTDIR: return "a component of the path is not a directory"
        case EISDIR: return "is a directory"
        case ENAMETOOLONG: return "the path is too long"
        case EIO: return "input/output error (EIO)"
        case EMFILE, ENFILE: return "too many open files (EMFILE)"
        default: return "errno \(errno)"
        }
    }
}
