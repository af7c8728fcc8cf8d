import FwctlNet
import FwctlRuleset

/// A compact binary writer for the state directory's caches: 100,000 set elements take
/// 9 bytes each and decode in milliseconds, where JSON takes a large part of a second.
///
/// Little-endian fixed-width integers, length-prefixed strings. The caller ends the data with
/// `sealed()`, a 64-bit checksum of everything before it, so a truncated or damaged
/// file is recognised and ignored (these files are caches: the truth is re-read instead).
public struct SnapshotWriter {
    // Internal but inlinable: the primitives below are called per element across modules.
    @usableFromInline var storage: [UInt8] = []

    public init() {}

    public var bytes: [UInt8] { storage }

    /// Room for `count` more bytes (a record of 100,000 elements is written in one go).
    @inlinable public mutating func reserve(_ count: Int) { storage.reserveCapacity(storage.count + count) }

    @inlinable public mutating func u8(_ v: UInt8) { storage.append(v) }
    @inlinable public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { storage.append(contentsOf: $0) } }
    @inlinable public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { storage.append(contentsOf: $0) } }
    @inlinable public mutating func string(_ s: String) {
        u32(UInt32(s.utf8.count))
        storage += s.utf8
    }
    @inlinable public mutating func data(_ d: [UInt8]) {
        u64(UInt64(d.count))
        storage += d
    }

    /// Tag byte and bounds of each element; one byte longer than the bounds themselves.
    @inlinable public mutating func element(_ e: SetElement) {
        switch e {
        case .address(let r):
            switch (r.lower, r.upper) {
            case (.v4(let lo), .v4(let hi)):
                u8(4); u32(lo); u32(hi)
            case (.v6(let lo), .v6(let hi)):
                u8(6); u64(UInt64(truncatingIfNeeded: lo >> 64)); u64(UInt64(truncatingIfNeeded: lo))
                u64(UInt64(truncatingIfNeeded: hi >> 64)); u64(UInt64(truncatingIfNeeded: hi))
            default:
                preconditionFailure("an address range of two families")
            }
        case .port(let p):
            u8(2); u32(UInt32(p.lower) << 16 | UInt32(p.upper))
        case .proto(let p):
            u8(1); u8(p)
        case .dispatch(let p, let port, let v):
            u8(8); u8(p); u32(UInt32(port)); verdict(v)
        }
    }

    @inlinable public mutating func verdict(_ v: Verdict) {
        switch v {
        case .accept: u8(1)
        case .drop: u8(2)
        case .jump(let chain): u8(3); string(chain)
        case .goto(let chain): u8(4); string(chain)
        case .return: u8(5)
        }
    }

    /// The bytes followed by their checksum (the writer is used up: no copy of its bytes).
    public consuming func sealed() -> [UInt8] {
        u64(Self.checksum(storage[...]))
        return storage
    }

    /// FNV-1a over 8-byte little-endian words (then the tail bytes, then the length): eight
    /// times faster than byte by byte over a cache holding a 3 MB policy, and still a
    /// bijection of each word, so any one damaged word changes it.
    public static func checksum(_ b: ArraySlice<UInt8>) -> UInt64 {
        let prime: UInt64 = 0x100_0000_01b3
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        b.withUnsafeBytes { raw in
            var i = 0
            while i + 8 <= raw.count {
                h = (h ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* prime
                i += 8
            }
            while i < raw.count {
                h = (h ^ UInt64(raw[i])) &* prime
                i += 1
            }
        }
        return (h ^ UInt64(b.count)) &* prime
    }
}

/// Reads what `SnapshotWriter` wrote; every read fails (nil) instead of trapping on short,
/// damaged or unexpected input.
public struct SnapshotReader {
    // Internal but inlinable: the primitives below are called per element across modules.
    @usableFromInline let bytes: [UInt8]
    /// The end of what is read: before the checksum of sealed bytes (kept, not copied off).
    @usableFromInline let end: Int
    @usableFromInline var at = 0

    /// nil unless the checksum at the end matches the bytes before it.
    public init?(sealed: [UInt8]) {
        guard sealed.count >= 8 else { return nil }
        var tail = SnapshotReader(unchecked: Array(sealed[(sealed.count - 8)...]))
        guard tail.u64() == SnapshotWriter.checksum(sealed[..<(sealed.count - 8)]) else { return nil }
        bytes = sealed
        end = sealed.count - 8
    }

    /// Without checking anything: for reading a hint from the head of a file.
    public init(unchecked: [UInt8]) {
        bytes = unchecked
        end = unchecked.count
    }

    @inlinable public var isAtEnd: Bool { at == end }
    /// Bytes left to read.
    @inlinable public var remaining: Int { end - at }

    @inlinable public mutating func u8() -> UInt8? {
        guard at < end else { return nil }
        defer { at += 1 }
        return bytes[at]
    }

    @inlinable public mutating func u32() -> UInt32? {
        guard end - at >= 4 else { return nil }
        defer { at += 4 }
        return UInt32(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt32.self) })
    }

    @inlinable public mutating func u64() -> UInt64? {
        guard end - at >= 8 else { return nil }
        defer { at += 8 }
        return UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt64.self) })
    }

    @inlinable public mutating func string() -> String? {
        guard let n = u32(), end - at >= Int(n) else { return nil }
        defer { at += Int(n) }
        return String(validating: bytes[at..<(at + Int(n))], as: UTF8.self)
    }

    @inlinable public mutating func data() -> [UInt8]? {
        guard let n = u64(), UInt64(end - at) >= n else { return nil }
        defer { at += Int(n) }
        return Array(bytes[at..<(at + Int(n))])
    }

    @inlinable public mutating func element() -> SetElement? {
        switch u8() {
        case 4:
            guard let lo = u32(), let hi = u32(), lo <= hi else { return nil }
            return .address(AddressRange(lower: .v4(lo), upper: .v4(hi)))
        case 6:
            guard let a = u64(), let b = u64(), let c = u64(), let d = u64() else { return nil }
            let lo = UInt128(a) << 64 | UInt128(b), hi = UInt128(c) << 64 | UInt128(d)
            guard lo <= hi else { return nil }
            return .address(AddressRange(lower: .v6(lo), upper: .v6(hi)))
        case 2:
            guard let v = u32(), v >> 16 <= v & 0xffff else { return nil }
            return .port(PortRange(UInt16(v >> 16), UInt16(v & 0xffff)))
        case 1:
            return u8().map { .proto($0) }
        case 8:
            guard let p = u8(), let port = u32(), port <= UInt32(UInt16.max), let v = verdict() else { return nil }
            return .dispatch(proto: p, port: UInt16(port), verdict: v)
        default:
            return nil
        }
    }

    @inlinable public mutating func verdict() -> Verdict? {
        switch u8() {
        case 1: return .accept
        case 2: return .drop
        case 3: return string().map { .jump($0) }
        case 4: return string().map { .goto($0) }
        case 5: return .return
        default: return nil
        }
    }

    /// `count` elements, refusing a count the remaining bytes cannot hold.
    public mutating func elements(_ count: UInt32) -> [SetElement]? {
        guard Int(count) <= (end - at) / 2 else { return nil }
        var out: [SetElement] = []
        out.reserveCapacity(Int(count))
        for _ in 0..<count {
            // IPv4 ranges (nearly every element of a large fleet) read straight from the bytes.
            if end - at >= 9 && bytes[at] == 4 {
                let (lo, hi) = bytes.withUnsafeBytes {
                    (UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: at + 1, as: UInt32.self)),
                     UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: at + 5, as: UInt32.self)))
                }
                guard lo <= hi else { return nil }
                at += 9
                out.append(.address(AddressRange(lower: .v4(lo), upper: .v4(hi))))
                continue
            }
            guard let e = element() else { return nil }
            out.append(e)
        }
        return out
    }
}
