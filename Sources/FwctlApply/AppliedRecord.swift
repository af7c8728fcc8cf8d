import Foundation
import FwctlNetlink
import FwctlPlanner
import FwctlRuleset

/// What fwctl last saw in, or left in, the kernel: the elements of its table's sets at one
/// generation id, in one network namespace of one boot.
///
/// Every nf_tables commit in a namespace changes its generation id, and the sets recorded
/// change only through commits (`KnownSetElements`), so while the generation, the boot, the
/// namespace and the table's and sets' handles are the recorded ones, the sets hold exactly
/// the recorded elements and a read need not dump them again. Anything else — another boot,
/// namespace or generation, a re-created table or set, a missing or damaged file — makes
/// the read dump everything, as without a record.
public struct AppliedRecord: Equatable, Sendable {
    /// Where the kernel state lives: a boot, and a network namespace in it.
    public struct Place: Equatable, Sendable {
        /// /proc/sys/kernel/random/boot_id: generation ids and handles restart with a boot.
        public var bootID: String
        /// SO_NETNS_COOKIE, never reused during a boot (nil on kernels before 5.14).
        public var cookie: UInt64?
        /// The namespace file's device and inode (reusable once the namespace is gone).
        public var device: UInt64
        public var inode: UInt64

        public init(bootID: String, cookie: UInt64?, device: UInt64, inode: UInt64) {
            self.bootID = bootID
            self.cookie = cookie
            self.device = device
            self.inode = inode
        }
    }

    public var place: Place
    public var table: TableRef
    public var generation: UInt32
    public var tableHandle: UInt64
    /// By set name; every entry has the set's handle.
    public var sets: [String: KnownSetElements.Entry]

    public init(place: Place, table: TableRef, generation: UInt32, tableHandle: UInt64, sets: [String: KnownSetElements.Entry]) {
        self.place = place
        self.table = table
        self.generation = generation
        self.tableHandle = tableHandle
        self.sets = sets
    }

    /// The record as known elements for a read of `ref` at `place`; nil when it is about
    /// another table or place (the generation and handles are checked during the read).
    public func known(for ref: TableRef, at here: Place) -> KnownSetElements? {
        guard ref == table, here == place else { return nil }
        return KnownSetElements(generation: generation, tableHandle: tableHandle, sets: sets)
    }

    static let magic: [UInt8] = Array("fwctl applied-record 1\n".utf8)

    public func encoded() -> [UInt8] {
        var w = SnapshotWriter()
        w.reserve(256 + sets.values.reduce(0) { $0 + 64 + 9 * $1.elements.count })
        for b in Self.magic { w.u8(b) }
        w.string(place.bootID)
        w.u8(place.cookie == nil ? 0 : 1)
        w.u64(place.cookie ?? 0)
        w.u64(place.device)
        w.u64(place.inode)
        w.string(table.family.rawValue)
        w.string(table.name)
        w.u32(generation)
        w.u64(tableHandle)
        w.u32(UInt32(sets.count))
        for name in sets.keys.sorted() {
            let s = sets[name]!
            w.string(name)
            w.u64(s.handle ?? 0)
            w.string(s.keyType.rawValue)
            w.u8(s.isInterval ? 1 : 0)
            w.u32(UInt32(s.elements.count))
            for e in s.elements { w.element(e) }
        }
        return w.sealed()
    }

    /// nil for anything but a complete, undamaged record of this format.
    public init?(encoded bytes: [UInt8]) {
        guard var r = SnapshotReader(sealed: bytes) else { return nil }
        for b in Self.magic { guard r.u8() == b else { return nil } }
        guard let boot = r.string(), let hasCookie = r.u8(), let cookie = r.u64(), let device = r.u64(), let inode = r.u64(),
              let family = r.string().flatMap(TableFamily.init(rawValue:)), let name = r.string(),
              let generation = r.u32(), let tableHandle = r.u64(), let count = r.u32() else { return nil }
        var sets: [String: KnownSetElements.Entry] = [:]
        for _ in 0..<count {
            guard let set = r.string(), let handle = r.u64(), let keyType = r.string().flatMap(SetKeyType.init(rawValue:)),
                  let interval = r.u8(), let n = r.u32(), let elements = r.elements(n) else { return nil }
            sets[set] = KnownSetElements.Entry(handle: handle, keyType: keyType, isInterval: interval == 1, elements: elements)
        }
        guard r.isAtEnd, sets.count == Int(count) else { return nil }
        self.init(place: Place(bootID: boot, cookie: hasCookie == 1 ? cookie : nil, device: device, inode: inode),
                  table: TableRef(family: family, name: name), generation: generation, tableHandle: tableHandle, sets: sets)
    }
}

/// The record's file in the state directory. Only a cache: a missing, unreadable or
/// damaged file means "no record", and failing to write one only costs the next run a full read.
public struct AppliedRecordStore: Sendable {
    public let path: String

    public init(directory: String) { path = directory + "/applied-table.rec" }

    public func load() -> AppliedRecord? {
        FileManager.default.contents(atPath: path).flatMap { AppliedRecord(encoded: [UInt8]($0)) }
    }

    /// Replaces the file by rename, so a reader sees the old or the new record; not synced
    /// (after a crash a damaged file fails its checksum and is ignored).
    public func save(_ record: AppliedRecord) {
        do { try AtomicFile.write(record.encoded(), to: path, mode: 0o600) } catch { remove() }
    }

    public func remove() { unlink(path) }

    /// This boot's id, nil when the kernel does not tell.
    public static func bootID() -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/sys/kernel/random/boot_id") else { return nil }
        let id = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return id.isEmpty ? nil : id
    }
}
