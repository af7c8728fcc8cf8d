import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whole files read with one read(2) into an array of their size (no `Data` in between:
/// a 3 MB policy is read in about a millisecond).
public enum FileBytes {
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return read(fd: fd)
    }

    /// The rest of an open regular file.
    public static func read(fd: Int32) -> [UInt8]? {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        // One byte more than the size, to see the end of the file in the same read; a file
        // that grew since fstat is read on in a second buffer.
        let capacity = Int(st.st_size) + 1
        var failed = false
        var out = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            while count < capacity {
                let n = Glibc.read(fd, buffer.baseAddress! + count, capacity - count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failed = true }
                if n <= 0 { return }
                count += n
            }
        }
        guard !failed else { return nil }
        if out.count == capacity {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { return nil }
                if n == 0 { break }
                out += chunk[..<n]
            }
        }
        return out
    }
}
