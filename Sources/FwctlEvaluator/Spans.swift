import FwctlNet

/// Sorted, disjoint, non-adjacent closed ranges: the same value as `FwctlNet.IntervalSet`, for
/// the evaluator's and the fleet layer's hot loops.
///
/// Why a second type: `IntervalSet`'s generic methods are not inlinable, so every call from
/// another module runs unspecialised (metadata look-ups, retains) — which dominated the
/// matrix's profile. These operations are `@inlinable`, so the verifier's loops get them
/// specialised too, and merge in one pass without allocating for the tests (`intersects`,
/// `isSuperset`). Package-wide, not public: a tool of fwctl's own analyses, not an API.
@usableFromInline package struct Spans<V: FixedWidthInteger & UnsignedInteger & Sendable>: Hashable, Sendable {
    @usableFromInline package internal(set) var ranges: [ClosedRange<V>]

    @inlinable package init() { ranges = [] }
    @inlinable package init(_ set: IntervalSet<V>) { ranges = set.intervals }
    @inlinable package init(_ range: ClosedRange<V>) { ranges = [range] }
    /// From ranges already sorted and disjoint (adjacent ones are merged here).
    @inlinable package init(sorted: [ClosedRange<V>]) {
        ranges = []
        ranges.reserveCapacity(sorted.count)
        for r in sorted { append(r) }
    }

    /// From ranges in any order, overlapping or not.
    @inlinable package init(unsorted: [ClosedRange<V>]) { self.init(sorted: unsorted.sorted { $0.lowerBound < $1.lowerBound }) }

    @inlinable package static var full: Spans { Spans(V.min...V.max) }

    @inlinable package var isEmpty: Bool { ranges.isEmpty }
    @inlinable package var intervalSet: IntervalSet<V> { IntervalSet(ranges) }
    @inlinable package var lowest: V? { ranges.first?.lowerBound }

    /// Adds a range that starts at or after every range held (merging overlap and adjacency).
    @inlinable package mutating func append(_ r: ClosedRange<V>) {
        if let last = ranges.last, last.upperBound == V.max || r.lowerBound <= last.upperBound + 1 {
            if r.upperBound > last.upperBound { ranges[ranges.count - 1] = last.lowerBound...r.upperBound }
        } else {
            ranges.append(r)
        }
    }

    @inlinable package func union(_ o: Spans) -> Spans {
        if o.isEmpty { return self }
        if isEmpty { return o }
        var out = Spans()
        out.ranges.reserveCapacity(ranges.count + o.ranges.count)
        var i = 0, j = 0
        while i < ranges.count || j < o.ranges.count {
            if j == o.ranges.count || (i < ranges.count && ranges[i].lowerBound <= o.ranges[j].lowerBound) {
                out.append(ranges[i]); i += 1
            } else {
                out.append(o.ranges[j]); j += 1
            }
        }
        return out
    }

    @inlinable package mutating func formUnion(_ o: Spans) { self = union(o) }

    @inlinable package func intersection(_ o: Spans) -> Spans {
        var out = Spans()
        var i = 0, j = 0
        while i < ranges.count && j < o.ranges.count {
            let lo = max(ranges[i].lowerBound, o.ranges[j].lowerBound)
            let hi = min(ranges[i].upperBound, o.ranges[j].upperBound)
            if lo <= hi { out.ranges.append(lo...hi) }
            if ranges[i].upperBound < o.ranges[j].upperBound { i += 1 } else { j += 1 }
        }
        return out
    }

    @inlinable package func intersects(_ o: Spans) -> Bool {
        var i = 0, j = 0
        while i < ranges.count && j < o.ranges.count {
            if max(ranges[i].lowerBound, o.ranges[j].lowerBound) <= min(ranges[i].upperBound, o.ranges[j].upperBound) { return true }
            if ranges[i].upperBound < o.ranges[j].upperBound { i += 1 } else { j += 1 }
        }
        return false
    }

    /// Every value of `o` is in `self`.
    @inlinable package func isSuperset(of o: Spans) -> Bool {
        var i = 0
        for r in o.ranges {
            while i < ranges.count && ranges[i].upperBound < r.lowerBound { i += 1 }
            guard i < ranges.count, ranges[i].lowerBound <= r.lowerBound, ranges[i].upperBound >= r.upperBound else { return false }
        }
        return true
    }

    @inlinable package func contains(_ v: V) -> Bool {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound < v { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].lowerBound <= v
    }
}
