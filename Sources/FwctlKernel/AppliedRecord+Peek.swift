import FwctlState

extension AppliedRecord {
    /// The generation the record in `bytes` (a whole file) reaches with its deltas, read
    /// without decoding a set or checking a checksum: only to tell at once that a record is
    /// stale (the kernel is at another generation), which decoding 100,000 elements would
    /// tell too, milliseconds later. A record it does not rule out is decoded and checked as
    /// usual, so a damaged file can only cost that decoding, never be believed.
    static func reachedGeneration(_ bytes: [UInt8]) -> UInt32? {
        let headSize = magic.count + 8
        guard bytes.count >= headSize, bytes.starts(with: magic) else { return nil }
        var head = SnapshotReader(unchecked: Array(bytes[magic.count..<headSize]))
        guard let baseCount = head.u64(), baseCount <= UInt64(bytes.count - headSize) else { return nil }
        let baseEnd = headSize + Int(baseCount)
        // The generation follows the place and the table's name: well within the first KiB.
        var base = SnapshotReader(unchecked: Array(bytes[headSize..<min(baseEnd, headSize + 1024)]))
        guard base.string() != nil, base.u8() != nil, base.u64() != nil, base.u64() != nil, base.u64() != nil,
              base.string() != nil, base.string() != nil, var reached = base.u32() else { return nil }
        var at = baseEnd
        while bytes.count - at >= 12 {
            var section = SnapshotReader(unchecked: Array(bytes[at..<(at + 12)]))
            guard let n = section.u32(), Int(n) <= bytes.count - at - 4, let from = section.u32(), let to = section.u32(),
                  from == reached else { break }
            reached = to
            at += 4 + Int(n)
        }
        return reached
    }
}
