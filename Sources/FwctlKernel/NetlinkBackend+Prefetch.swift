import Foundation
import FwctlNetlink
import FwctlRuleset
import FwctlState

/// A read of one table started on another thread, so that the kernel's dump (≈ 0.1 s for
/// 100,000 set elements, spent in the kernel) overlaps compiling the policy on the other core.
final class Prefetch: @unchecked Sendable {
    let ref: TableRef
    let done = DispatchGroup()
    /// Written by the reading thread before `done` is left; read only after waiting on it.
    var result: Result<TableRead, any Error>?

    init(ref: TableRef) { self.ref = ref }
}

/// The backend handed to the reading thread, which alone uses it until `joinPrefetch`.
private struct Exclusive: @unchecked Sendable {
    let backend: NetlinkBackend
}

extension NetlinkBackend {
    /// Starts reading `ref` (as `read(table:)` does, record included) on another thread. The
    /// next `read(table:)` waits for it and returns it if it asks for the same table; every
    /// other use of the backend waits for it first. A read so made is as consistent as any:
    /// the apply batch still carries its generation id, so a change made since is refused.
    public func prefetch(_ ref: TableRef) {
        guard prefetched == nil else { return }
        let p = Prefetch(ref: ref)
        let exclusive = Exclusive(backend: self)
        p.done.enter()
        Thread.detachNewThread {
            p.result = Result { try exclusive.backend.readUsingRecord(ref) }
            p.done.leave()
        }
        prefetched = p
    }

    /// The table to prefetch when the policy has not been compiled yet: the one the record
    /// names (fwctl's table of the last run), else `inet fwctl`.
    public func likelyTable() -> TableRef {
        records?.tableHint() ?? TableRef(family: .inet, name: "fwctl")
    }

    /// Waits for a prefetch in flight; its outcome when it read `ref`.
    public func joinPrefetch(for ref: TableRef?) -> Result<TableRead, any Error>? {
        guard let p = prefetched else { return nil }
        p.done.wait()
        prefetched = nil
        return p.ref == ref ? p.result : nil
    }
}

extension AppliedRecordStore {
    /// The table the record is about, read from the head of the file without checking the
    /// rest: only a guess of what to prefetch, never trusted for anything else.
    func tableHint() -> TableRef? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 1024) else { return nil }
        var r = SnapshotReader(unchecked: [UInt8](head))
        for b in AppliedRecord.magic { guard r.u8() == b else { return nil } }
        guard r.u64() != nil, r.string() != nil, r.u8() != nil, r.u64() != nil, r.u64() != nil, r.u64() != nil,
              let family = r.string().flatMap(TableFamily.init(rawValue:)), let name = r.string() else { return nil }
        return TableRef(family: family, name: name)
    }
}
