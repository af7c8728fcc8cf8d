import FwctlNet
import FwctlRuleset

extension SnapshotWriter {
    /// The elements of an IPv4 set (nearly every element of a large fleet) written straight
    /// into the bytes, 9 per range as `element` writes them; false, writing nothing, when
    /// any element is something else.
    mutating func ipv4Ranges(_ elements: [SetElement]) -> Bool {
        var ranges: [(UInt32, UInt32)] = []
        ranges.reserveCapacity(elements.count)
        for e in elements {
            guard case .address(let r) = e, case .v4(let lo) = r.lower, case .v4(let hi) = r.upper else { return false }
            ranges.append((lo, hi))
        }
        let start = storage.count
        storage.append(contentsOf: repeatElement(0, count: 9 * ranges.count))
        storage.withUnsafeMutableBytes { raw in
            var at = start
            for (lo, hi) in ranges {
                raw[at] = 4
                raw.storeBytes(of: lo.littleEndian, toByteOffset: at + 1, as: UInt32.self)
                raw.storeBytes(of: hi.littleEndian, toByteOffset: at + 5, as: UInt32.self)
                at += 9
            }
        }
        return true
    }
}
