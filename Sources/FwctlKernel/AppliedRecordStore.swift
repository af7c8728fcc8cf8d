import Foundation
import FwctlPlanner
import FwctlState
import FwctlSystem
#if canImport(Glibc)
import Glibc
#endif

/// The record's file in the state directory. Only a cache: a missing, unreadable or
/// damaged file means "no record", and failing to write one only costs the next run a full read.
/// Opened as every state file is (`StateFile`): a link or another user's file is no record.
///
/// The file is a whole record followed by deltas (see `AppliedRecord.Delta`). A delta is
/// appended only to the very file this process last loaded or wrote — same device, inode and
/// size, every byte of it understood — and only while the deltas stay small next to the whole
/// record (so loading stays cheap); otherwise the whole record is written again.
public struct AppliedRecordStore: Sendable {
    public let path: String

    /// The record's file as this process last loaded or wrote it.
    public struct FileState: Equatable, Sendable {
        var device: UInt64
        var inode: UInt64
        var size: Int
        /// The generation the file's record reaches, deltas included.
        public var generation: UInt32
        var baseSize: Int
        var deltas: Int
        var deltaBytes: Int
        /// False when bytes after the whole record were not a delta that follows on: the
        /// file is then only ever replaced, never appended to.
        var clean: Bool
    }

    /// At most this many deltas, and delta bytes up to a quarter of the whole record's (at
    /// least 4 KiB), before the whole record is written again.
    static let maxDeltas = 64

    public init(directory: String) { path = directory + "/applied-table.rec" }

    public func load() -> AppliedRecord? {
        loadWithState()?.record
    }

    /// The record and the file it came from; with `generation`, nil at once when the file's
    /// record does not reach that generation (it cannot stand for a read made there).
    public func loadWithState(at generation: UInt32? = nil) -> (record: AppliedRecord, file: FileState)? {
        guard let fd = try? StateFile.open(path, O_RDONLY).fd else { return nil }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var st = stat()
        guard fstat(fd, &st) == 0, let data = try? handle.readToEnd() else { return nil }
        let bytes = [UInt8](data)
        if let generation, AppliedRecord.reachedGeneration(bytes) != generation { return nil }
        guard let d = AppliedRecord.decode(bytes) else { return nil }
        let file = FileState(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: bytes.count,
                             generation: d.record.generation, baseSize: d.baseSize, deltas: d.deltas,
                             deltaBytes: d.deltaBytes, clean: d.clean)
        return (d.record, file)
    }

    /// Replaces the file by rename, so a reader sees the old or the new record; not synced
    /// (after a crash a damaged file fails its checksum and is ignored). The new file's state,
    /// nil when it could not be written (the file is then removed).
    @discardableResult
    public func save(_ record: AppliedRecord) -> FileState? {
        let bytes = record.encoded()
        do { try AtomicFile.write(bytes, to: path, mode: 0o600) } catch {
            remove()
            return nil
        }
        var st = stat()
        guard lstat(path, &st) == 0, Int(st.st_size) == bytes.count else { return nil }
        return FileState(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: bytes.count, generation: record.generation,
                         baseSize: bytes.count, deltas: 0, deltaBytes: 0, clean: true)
    }

    /// Appends `delta` to the file `file` describes, if it is still exactly that file, its
    /// record reaches the delta's starting generation and the deltas have room; the file's new
    /// state, or nil when nothing was appended (then the caller writes the whole record). A
    /// failed write is cut off again, or the file removed.
    public func append(_ delta: AppliedRecord.Delta, to file: FileState) -> FileState? {
        guard file.clean, file.generation == delta.from, file.deltas < Self.maxDeltas else { return nil }
        let section = delta.section()
        guard file.deltaBytes + section.count <= max(file.baseSize / 4, 4096) else { return nil }
        guard let fd = try? StateFile.open(path, O_WRONLY | O_APPEND).fd else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, UInt64(st.st_dev) == file.device, UInt64(st.st_ino) == file.inode,
              Int(st.st_size) == file.size else { return nil }
        let written = section.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == section.count else {
            // A reader would stop at the partial delta anyway (it fails its checksum), but
            // leave whole sections only; if even that fails, no record at all.
            if ftruncate(fd, off_t(file.size)) != 0 { remove() }
            return nil
        }
        var next = file
        next.size += section.count
        next.generation = delta.to
        next.deltas += 1
        next.deltaBytes += section.count
        return next
    }

    public func remove() { unlink(path) }

    /// This boot's id, nil when the kernel does not tell.
    public static func bootID() -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/sys/kernel/random/boot_id") else { return nil }
        let id = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return id.isEmpty ? nil : id
    }
}
