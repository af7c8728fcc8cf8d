import FwctlNet

/// The peer address space of one family, cut at every boundary the chain's address matches
/// mention and grouped into classes of pieces that belong to exactly the same matches.
///
/// Membership is found without per-address work: each distinct match gets a random 128-bit
/// tag, XORed onto a difference array at its intervals' ends; a prefix XOR then gives every
/// piece the tag sum of the matches containing it. Pieces with equal sums form one class.
/// (Two different membership sets colliding has probability about 2^-128 per pair.)
struct AddressAxis {
    let family: IPFamily
    /// Piece `i` is `cuts[i] ... cuts[i+1] - 1` (the last piece runs to the family's maximum).
    let cuts: [UInt128]
    /// The class of each piece.
    let pieceClass: [Int32]
    let classCount: Int
    /// For each distinct constraint (in the order given), the classes it contains, as a bitset.
    let constraintClasses: [[UInt64]]

    init(family: IPFamily, constraints: [Spans<UInt128>]) {
        self.family = family
        let top = family.maxAddress
        var bounds: [UInt128] = [0]
        for c in constraints {
            for r in c.ranges {
                bounds.append(r.lowerBound)
                if r.upperBound < top { bounds.append(r.upperBound + 1) }
            }
        }
        bounds.sort()
        var cuts: [UInt128] = []
        cuts.reserveCapacity(bounds.count)
        for b in bounds where cuts.last != b { cuts.append(b) }
        self.cuts = cuts

        let n = cuts.count
        var lowTags = [UInt64](repeating: 0, count: n + 1)
        var highTags = [UInt64](repeating: 0, count: n + 1)
        var rng = SeededGenerator(seed: 0x6677_6374_6c76_6572)
        var spans: [[Range<Int>]] = []
        spans.reserveCapacity(constraints.count)
        for c in constraints {
            let (a, b) = (rng.next(), rng.next())
            var mine: [Range<Int>] = []
            for r in c.ranges {
                let lo = Self.piece(r.lowerBound, in: cuts)
                let hi = Self.piece(r.upperBound, in: cuts) + 1
                lowTags[lo] ^= a; lowTags[hi] ^= a
                highTags[lo] ^= b; highTags[hi] ^= b
                mine.append(lo..<hi)
            }
            spans.append(mine)
        }
        var classes: [Int32] = []
        classes.reserveCapacity(n)
        var ids: [UInt128: Int32] = [:]
        var low: UInt64 = 0, high: UInt64 = 0
        for i in 0..<n {
            low ^= lowTags[i]
            high ^= highTags[i]
            let tag = UInt128(high) << 64 | UInt128(low)
            if let id = ids[tag] { classes.append(id) } else {
                let id = Int32(ids.count)
                ids[tag] = id
                classes.append(id)
            }
        }
        pieceClass = classes
        classCount = ids.count
        let words = (classCount + 63) / 64
        constraintClasses = spans.map { ranges in
            var bits = [UInt64](repeating: 0, count: words)
            for range in ranges {
                for p in range {
                    let c = Int(classes[p])
                    bits[c >> 6] |= 1 << UInt64(c & 63)
                }
            }
            return bits
        }
    }

    /// The piece holding `value` (the last cut not above it).
    static func piece(_ value: UInt128, in cuts: [UInt128]) -> Int {
        var lo = 0, hi = cuts.count
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if cuts[mid] <= value { lo = mid } else { hi = mid }
        }
        return lo
    }

    func classOf(_ value: UInt128) -> Int { Int(pieceClass[Self.piece(value, in: cuts)]) }

    /// Every class's addresses, as interval sets of the family.
    func classAddresses() -> [AddressSet] {
        classValues().map { family.addressSet($0) }
    }

    /// Every class's addresses in the verifier's common integer type.
    func classValues() -> [IntervalSet<UInt128>] { classSpans().map(\.intervalSet) }

    /// Every class's addresses as spans (pieces are in ascending order, so each is one pass).
    func classSpans() -> [Spans<UInt128>] {
        var sets = [Spans<UInt128>](repeating: Spans(), count: classCount)
        let top = family.maxAddress
        for i in 0..<cuts.count {
            let hi = i + 1 < cuts.count ? cuts[i + 1] - 1 : top
            sets[Int(pieceClass[i])].append(cuts[i]...hi)
        }
        return sets
    }
}

extension IPFamily {
    /// An address set of this family from the verifier's common integer type.
    package func addressSet(_ values: IntervalSet<UInt128>) -> AddressSet {
        if self == .v6 { return AddressSet(v6: values) }
        return AddressSet(v4: IntervalSet(values.intervals.map { UInt32($0.lowerBound)...UInt32($0.upperBound) }))
    }

    package func addressSet(_ values: Spans<UInt128>) -> AddressSet { addressSet(values.intervalSet) }

    /// The addresses of this family in `set`, as the verifier's common integer type.
    @inlinable package func wide(_ set: AddressSet) -> Spans<UInt128> {
        if self == .v6 { return Spans(set.v6) }
        return Spans(sorted: set.v4.intervals.map { UInt128($0.lowerBound)...UInt128($0.upperBound) })
    }
}
