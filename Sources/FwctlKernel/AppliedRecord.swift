import Foundation
import FwctlNetlink
import FwctlPlanner
import FwctlRuleset
import FwctlState

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

    /// The file: this magic, the whole record as one sealed section (its length first, as a
    /// u64), then zero or more sealed delta sections (u32 length each; see `Delta`).
    static let magic: [UInt8] = Array("fwctl applied-record 2\n".utf8)

    /// The file of this record alone (no deltas yet).
    public func encoded() -> [UInt8] {
        var w = SnapshotWriter()
        w.reserve(256 + sets.values.reduce(0) { $0 + 64 + 9 * $1.elements.count })
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
        let base = w.sealed()
        var head = SnapshotWriter()
        for b in Self.magic { head.u8(b) }
        head.u64(UInt64(base.count))
        return head.bytes + base
    }

    /// nil for anything but a complete, undamaged whole record of this format; the deltas
    /// after it are applied while they are whole and follow on (see `Delta`).
    public init?(encoded bytes: [UInt8]) {
        guard let decoded = Self.decode(bytes) else { return nil }
        self = decoded.record
    }

    /// The record, how many bytes its whole-record section and its applied deltas take, and
    /// whether every byte after the whole record was a delta applied.
    static func decode(_ bytes: [UInt8]) -> (record: AppliedRecord, baseSize: Int, deltas: Int, deltaBytes: Int, clean: Bool)? {
        let headSize = magic.count + 8
        guard bytes.count >= headSize, bytes.starts(with: magic) else { return nil }
        let baseCount = Self.integer(bytes, at: magic.count, size: 8)
        guard baseCount <= UInt64(bytes.count - headSize), var record = decodeBase(Array(bytes[headSize..<(headSize + Int(baseCount))])) else { return nil }
        var at = headSize + Int(baseCount)
        var deltas = 0
        while bytes.count - at >= 4 {
            let n = Int(Self.integer(bytes, at: at, size: 4))
            guard n <= bytes.count - at - 4, let delta = Delta(sealed: Array(bytes[(at + 4)..<(at + 4 + n)])),
                  let next = record.applying(delta) else { break }
            record = next
            deltas += 1
            at += 4 + n
        }
        return (record, headSize + Int(baseCount), deltas, at - headSize - Int(baseCount), at == bytes.count)
    }

    /// A little-endian integer of `size` bytes at `offset` (the caller checked the bounds).
    private static func integer(_ bytes: [UInt8], at offset: Int, size: Int) -> UInt64 {
        (0..<size).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }

    private static func decodeBase(_ bytes: [UInt8]) -> AppliedRecord? {
        guard var r = SnapshotReader(sealed: bytes) else { return nil }
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
        return AppliedRecord(place: Place(bootID: boot, cookie: hasCookie == 1 ? cookie : nil, device: device, inode: inode),
                             table: TableRef(family: family, name: name), generation: generation, tableHandle: tableHandle, sets: sets)
    }
}

