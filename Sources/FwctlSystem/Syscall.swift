#if canImport(Glibc)
import Glibc
#endif

/// System calls that a signal can interrupt, retried in one place.
///
/// A call that a signal handler interrupts fails with EINTR having done nothing (or, for
/// read and write, returns a short count): fwctl installs handlers (the lab's SIGINT/SIGTERM,
/// the watchdog's), so every blocking call must go again. Each method mirrors the C call
/// named in its comment and keeps its convention: a count or 0 on success, -1 with `errno`
/// set on failure, so callers report errno constants as before.
public enum Syscall {
    /// `call()` again for as long as it fails with EINTR (returns -1, errno EINTR); any other
    /// result, success or failure, is returned with errno as the call left it.
    @inlinable
    public static func retryingEINTR<R: SignedInteger>(_ call: () -> R) -> R {
        while true {
            let r = call()
            if r >= 0 || errno != EINTR { return r }
        }
    }

    /// write(2) until all of `bytes` are written: `bytes.count`, or -1 with errno set (ENOSPC
    /// when the file takes no more and the kernel says nothing).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while offset < bytes.count {
            let n = retryingEINTR { Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
            if n < 0 { return -1 }
            if n == 0 { errno = ENOSPC; return -1 }
            offset += n
        }
        return offset
    }

    /// write(2) of all of `bytes`, as `writeAll(_:_:)`.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { writeAll(fd, $0) }
    }

    /// read(2), or pread(2) from `offset`, until `buffer` is full or the file ends: the count
    /// read (less than the buffer only at the end of the file), or -1 with errno set.
    public static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int? = nil) -> Int {
        var count = 0
        while count < buffer.count {
            let n = retryingEINTR {
                if let offset { return pread(fd, buffer.baseAddress! + count, buffer.count - count, off_t(offset + count)) }
                return Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
            }
            if n < 0 { return -1 }
            if n == 0 { break }
            count += n
        }
        return count
    }

    /// The rest of an open file, read in as few calls as its size allows: one read(2) of its
    /// size and one byte more (to see the end in the same call), then more for a file that
    /// grew meanwhile. nil with errno set when a read fails.
    public static func readToEnd(_ fd: Int32, sizeHint: Int) -> [UInt8]? {
        let capacity = max(sizeHint, 0) + 1
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = readFully(fd, into: UnsafeMutableRawBufferPointer(buffer))
            if count < 0 { failed = true; count = 0 }
        }
        guard !failed else { return nil }
        guard bytes.count == capacity else { return bytes }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { readFully(fd, into: $0) }
            if n < 0 { return nil }
            bytes += chunk[..<n]
            if n < chunk.count { return bytes }
        }
    }
}
