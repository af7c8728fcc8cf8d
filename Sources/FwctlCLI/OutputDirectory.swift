#if canImport(Glibc)
import Glibc
#endif

/// The directory a command writes its files into (`compile -o DIR`), created with its parents
/// when missing, as `mkdir -p` does.
public enum OutputDirectory {
    /// Why the directory could not be made: the path asked for and the errno of the step
    /// that failed.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let errno: Int32
        public init(path: String, errno: Int32) { self.path = path; self.errno = errno }
        public var description: String { "cannot create directory '\(path)': \(String(cString: strerror(errno)))" }
    }

    /// Creates `path` and each missing parent (mode 0755 less the umask); a directory that
    /// exists already is fine, anything else at `path` is ENOTDIR.
    public static func create(_ path: String) throws(Failure) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0 {
                let e = Glibc.errno
                if e != EEXIST { throw Failure(path: path, errno: e) }
            }
            prefix += "/"
        }
        var st = stat()
        guard stat(path, &st) == 0 else { throw Failure(path: path, errno: Glibc.errno) }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw Failure(path: path, errno: ENOTDIR) }
    }
}
