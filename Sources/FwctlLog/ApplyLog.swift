import Foundation
import FwctlState
import FwctlSystem
#if canImport(Glibc)
import Glibc
#endif

/// The append-only apply log: a JSON Lines file (`<state-dir>/apply-log.jsonl` by default),
/// one hash-chained `ApplyLogEntry` per line.
///
/// An append is one `write(2)` of the whole line on an `O_APPEND` descriptor, then `fsync`
/// of the file (and of its directory when the file was just created), so after a crash the
/// file ends with whole lines or with one torn line. A torn last line is never written after:
/// `append` refuses until someone has looked (`fwctl audit log --verify` says where it is).
/// A short write (disk full) is cut off again before the error is reported, so a failed
/// append leaves the file as it was. Callers serialise appends with the host lock.
public struct ApplyLog: Sendable {
    public static let fileName = "apply-log.jsonl"

    public let path: String
    /// The `write(2)` appends go through; tests inject failures here.
    public var writeFunction: @Sendable (Int32, UnsafeRawBufferPointer) -> Int

    public init(path: String, write: @escaping @Sendable (Int32, UnsafeRawBufferPointer) -> Int = { fd, buffer in
        Glibc.write(fd, buffer.baseAddress, buffer.count)
    }) {
        self.path = path
        self.writeFunction = write
    }

    /// The default log of a state directory.
    public static func path(stateDirectory: String) -> String { stateDirectory + "/" + fileName }

    /// The directory the log is in: it must be writable by its owner alone (see `StateFile`).
    var directory: String {
        let dir = (path as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }

    /// The file's bytes; nil when there is no log yet.
    public func read() throws -> Data? {
        // Never through a link (see `StateFile`); anyone may read a log they can open.
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 && errno == ENOENT { return nil }
        guard fd >= 0 else { throw ApplyLogError.cannotRead(path: path, reason: StateFile.failure(path, errno).description) }
        defer { close(fd) }
        return try Self.contents(of: fd, path: path)
    }

    /// The last entry, reading only the end of the file; nil when there is none.
    public func lastEntry() throws -> ApplyLogEntry? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 && errno == ENOENT { return nil }
        guard fd >= 0 else { throw ApplyLogError.cannotRead(path: path, reason: StateFile.failure(path, errno).description) }
        defer { close(fd) }
        guard let line = try lastLine(fd).line else { return nil }
        guard let entry = try? JSONDecoder().decode(ApplyLogEntry.self, from: line) else {
            throw ApplyLogError.malformed(path: path, line: ApplyLogLines(try Self.contents(of: fd, path: path)).lines.count,
                                          reason: "the last line is not an apply log entry")
        }
        return entry
    }

    /// Every entry, in file order. Throws on a torn or malformed line (the verifier reports
    /// those one by one; this is for readers that need whole entries).
    public func entries() throws -> [ApplyLogEntry] {
        guard let data = try read() else { return [] }
        let split = ApplyLogLines(data)
        if let torn = split.torn { throw ApplyLogError.torn(path: path, line: torn.number) }
        return try split.lines.map { line in
            do { return try JSONDecoder().decode(ApplyLogEntry.self, from: line.bytes) } catch {
                throw ApplyLogError.malformed(path: path, line: line.number, reason: "not an apply log entry")
            }
        }
    }

    /// Appends `entry`, filling in `seq`, `time`, `prev` and `hash`; returns what was stored.
    @discardableResult
    public func append(_ entry: ApplyLogEntry, now: Date = Date()) throws -> ApplyLogEntry {
        let fd: Int32, created: Bool
        do throws(StateFile.Unsafe) {
            try StateFile.checkDirectory(directory, role: "log directory")
            // Not only regular files: /dev/full stands for a full disk in tests.
            (fd, created) = try StateFile.open(path, O_RDWR | O_APPEND, create: 0o600, regular: false)
        } catch {
            throw ApplyLogError.cannotWrite(path: path, reason: error.errno.map { $0 == ELOOP ? error.description : Self.reason($0) } ?? error.description)
        }
        defer { close(fd) }
        let (size, last) = try lastLine(fd)
        var stored = entry
        stored.seq = 1
        stored.prev = ApplyLogEntry.genesis
        if let last {
            guard let previous = try? JSONDecoder().decode(ApplyLogEntry.self, from: last), let hash = previous.hash else {
                let number = ApplyLogLines(try Self.contents(of: fd, path: path)).lines.count
                throw ApplyLogError.malformed(path: path, line: number, reason: "the last line is not an apply log entry; cannot chain onto it")
            }
            stored.seq = previous.seq + 1
            stored.prev = hash
        }
        stored.time = ApplyLogEntry.formatTime(now)
        stored.hash = nil
        stored.hash = stored.computedHash
        var line = stored.line
        line.append(0x0A)
        let written = line.withUnsafeBytes { writeFunction(fd, $0) }
        if written != line.count {
            let reason = written < 0 ? Self.lastError() : "short write (\(written) of \(line.count) bytes)"
            // Cut a partial line off again so the log stays whole lines (we hold the host lock:
            // nobody else appended meanwhile).
            if written > 0 { _ = ftruncate(fd, off_t(size)) }
            throw ApplyLogError.cannotWrite(path: path, reason: reason)
        }
        guard fsync(fd) == 0 || errno == EINVAL else {
            throw ApplyLogError.cannotWrite(path: path, reason: "fsync: \(Self.lastError())")
        }
        if created { try syncDirectory() }
        return stored
    }

    /// Makes a new file's directory entry durable.
    private func syncDirectory() throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ApplyLogError.cannotWrite(path: path, reason: "open directory: \(Self.lastError())") }
        defer { close(fd) }
        guard fsync(fd) == 0 || errno == EINVAL else {
            throw ApplyLogError.cannotWrite(path: path, reason: "fsync directory: \(Self.lastError())")
        }
    }

    /// The file's size and its last line (nil: empty), reading only the end of the file: an
    /// append must not cost more as the log grows. A torn tail throws, with its line number
    /// (the one time the whole file is read).
    private func lastLine(_ fd: Int32) throws -> (size: Int, line: Data?) {
        let size = try Self.size(of: fd, path: path)
        var chunk = 64 * 1024
        while true {
            let start = max(0, size - chunk)
            let tail = try Self.contents(of: fd, path: path, from: start)
            guard let end = tail.last else { return (size, nil) }
            if end != 0x0A {
                throw ApplyLogError.torn(path: path, line: ApplyLogLines(try Self.contents(of: fd, path: path)).torn?.number ?? 0)
            }
            let body = tail.dropLast()
            if let newline = body.lastIndex(of: 0x0A) { return (size, Data(body[body.index(after: newline)...])) }
            if start == 0 { return (size, Data(body)) }
            chunk *= 4
        }
    }

    /// A regular file's size; 0 for anything else (a character device such as /dev/full
    /// reads as an empty log).
    private static func size(of fd: Int32, path: String) throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ApplyLogError.cannotRead(path: path, reason: lastError()) }
        return st.st_mode & S_IFMT == S_IFREG ? Int(st.st_size) : 0
    }

    /// The file's bytes from `start` to its end.
    private static func contents(of fd: Int32, path: String, from start: Int = 0) throws -> Data {
        let size = try size(of: fd, path: path)
        guard size > start else { return Data() }
        var buffer = [UInt8](repeating: 0, count: size - start)
        let count = buffer.withUnsafeMutableBytes { Syscall.readFully(fd, into: $0, at: start) }
        guard count >= 0 else { throw ApplyLogError.cannotRead(path: path, reason: lastError()) }
        return Data(buffer[0..<count])
    }

    static func lastError() -> String { reason(errno) }
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// A log's bytes cut into lines (numbered from 1), and the torn tail if the file does not
/// end with a newline.
struct ApplyLogLines {
    struct Line { var number: Int; var bytes: Data }
    var lines: [Line] = []
    var torn: Line?

    init(_ data: Data) {
        var start = data.startIndex
        var number = 1
        while start < data.endIndex {
            guard let end = data[start...].firstIndex(of: 0x0A) else {
                torn = Line(number: number, bytes: data[start...])
                break
            }
            lines.append(Line(number: number, bytes: data[start..<end]))
            number += 1
            start = data.index(after: end)
        }
    }
}

/// Why the apply log could not be read or appended to: one line for the operator each.
public enum ApplyLogError: Error, Hashable, Sendable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    /// A log named on the command line that is not there.
    case missing(path: String)
    case cannotWrite(path: String, reason: String)
    case torn(path: String, line: Int)
    case malformed(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): "cannot read the apply log \(path): \(reason)"
        case .missing(let path): "no apply log at \(path) (nothing was applied with it yet?)"
        case .cannotWrite(let path, let reason): "cannot write the apply log \(path): \(reason)"
        case .torn(let path, let line):
            "the apply log \(path) ends in a torn line (line \(line), an interrupted write); inspect it with `fwctl audit log --verify --log \(path)`, then move the log aside or cut the torn line off"
        case .malformed(let path, let line, let reason):
            "the apply log \(path) is damaged at line \(line): \(reason); inspect it with `fwctl audit log --verify --log \(path)`"
        }
    }
}
