/// A set of unsigned integers kept as sorted, disjoint, non-adjacent closed intervals.
///
/// Addresses (IPv4 as `UInt32`, IPv6 as `UInt128`) and ports (`UInt16`) are all interval
/// sets: role membership, networks, port lists. Normalising on every insert keeps equality
/// structural, so two sets that admit the same values compare equal.
public struct IntervalSet<Value: FixedWidthInteger & UnsignedInteger & Sendable>: Hashable, Sendable {
    public private(set) var intervals: [ClosedRange<Value>]

    public init() { intervals = [] }

    /// The union of `ranges` in any order: sorted once, then merged in one pass (inserting
    /// 100,000 ranges one by one would allocate for each). Inlinable, so callers in other
    /// modules get it specialised for their integer type.
    @inlinable
    public init<S: Sequence>(_ ranges: S) where S.Element == ClosedRange<Value> {
        let sorted = ranges.sorted(by: { $0.lowerBound < $1.lowerBound })
        var merged: [ClosedRange<Value>] = []
        merged.reserveCapacity(sorted.count)
        for r in sorted {
            guard let last = merged.last, last.upperBound == Value.max || r.lowerBound <= last.upperBound + 1 else {
                merged.append(r)
                continue
            }
            if r.upperBound > last.upperBound { merged[merged.count - 1] = last.lowerBound...r.upperBound }
        }
        self.init(normalized: merged)
    }

    /// `intervals` already sorted, disjoint and non-adjacent.
    @usableFromInline init(normalized: [ClosedRange<Value>]) { intervals = normalized }

    public static var full: IntervalSet { IntervalSet([Value.min...Value.max]) }

    public var isEmpty: Bool { intervals.isEmpty }
    public var isFull: Bool { intervals.count == 1 && intervals[0] == Value.min...Value.max }

    /// Adds `range`, merging with overlapping and adjacent intervals.
    public mutating func insert(_ range: ClosedRange<Value>) {
        var lo = range.lowerBound
        var hi = range.upperBound
        // First interval whose upper bound reaches lo - 1 (adjacent counts as touching).
        var i = firstIndex(touching: lo)
        var j = i
        while j < intervals.count {
            let r = intervals[j]
            if hi != Value.max && r.lowerBound > hi + 1 { break }
            lo = Swift.min(lo, r.lowerBound)
            hi = Swift.max(hi, r.upperBound)
            j += 1
        }
        if i > intervals.count { i = intervals.count }
        intervals.replaceSubrange(i..<j, with: [lo...hi])
    }

    public mutating func insert(_ value: Value) { insert(value...value) }

    public mutating func formUnion(_ other: IntervalSet) {
        for r in other.intervals { insert(r) }
    }

    public func union(_ other: IntervalSet) -> IntervalSet {
        var s = self
        s.formUnion(other)
        return s
    }

    public func intersection(_ other: IntervalSet) -> IntervalSet {
        var out: [ClosedRange<Value>] = []
        var i = 0, j = 0
        let a = intervals, b = other.intervals
        while i < a.count && j < b.count {
            let lo = Swift.max(a[i].lowerBound, b[j].lowerBound)
            let hi = Swift.min(a[i].upperBound, b[j].upperBound)
            if lo <= hi { out.append(lo...hi) }
            if a[i].upperBound < b[j].upperBound { i += 1 } else { j += 1 }
        }
        var s = IntervalSet()
        s.intervals = out
        return s
    }

    public func subtracting(_ other: IntervalSet) -> IntervalSet {
        intersection(other.complement)
    }

    public var complement: IntervalSet {
        var out: [ClosedRange<Value>] = []
        var next: Value? = Value.min
        for r in intervals {
            if let n = next, n < r.lowerBound { out.append(n...(r.lowerBound - 1)) }
            next = r.upperBound == Value.max ? nil : r.upperBound + 1
        }
        if let n = next { out.append(n...Value.max) }
        var s = IntervalSet()
        s.intervals = out
        return s
    }

    public func contains(_ value: Value) -> Bool {
        var lo = 0, hi = intervals.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if intervals[mid].upperBound < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < intervals.count && intervals[lo].lowerBound <= value
    }

    public func isSuperset(of other: IntervalSet) -> Bool {
        other.subtracting(self).isEmpty
    }

    public func intersects(_ other: IntervalSet) -> Bool {
        !intersection(other).isEmpty
    }

    /// Index of the first interval whose upper bound is >= value - 1 (binary search).
    private func firstIndex(touching value: Value) -> Int {
        var lo = 0, hi = intervals.count
        let key = value == Value.min ? value : value - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if intervals[mid].upperBound < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

extension IntervalSet: Codable where Value: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let pairs = try c.decode([[Value]].self)
        self.init()
        for p in pairs {
            guard p.count == 2, p[0] <= p[1] else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "interval must be [lo, hi] with lo <= hi")
            }
            insert(p[0]...p[1])
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(intervals.map { [$0.lowerBound, $0.upperBound] })
    }
}
