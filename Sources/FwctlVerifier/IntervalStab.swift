import FwctlEvaluator

/// Intervals sorted by lower bound, each with an owner, to find those meeting a set of values
/// without looking at every interval: a binary search over the running maximum of the upper
/// bounds (monotone, so it works even when intervals overlap), then a scan while lower bounds
/// stay in range. Host addresses (`HostSlots`) and probe values (`ValueIndex`) use it.
struct IntervalStab<V: FixedWidthInteger & UnsignedInteger & Sendable> {
    private var lows: [V] = []
    private var highs: [V] = []
    private var owners: [Int32] = []
    private var reach: [V] = []

    init(_ items: [(lower: V, upper: V, owner: Int)]) {
        for item in items.sorted(by: { $0.lower < $1.lower }) {
            lows.append(item.lower)
            highs.append(item.upper)
            owners.append(Int32(item.owner))
            reach.append(Swift.max(reach.last ?? 0, item.upper))
        }
    }

    /// Calls `body(owner, whole)` for each interval meeting `set` (once per interval of `set`
    /// it meets); `whole` tells whether it lies entirely inside that interval of `set`.
    func forEach(meeting set: Spans<V>, _ body: (Int, Bool) -> Void) {
        for r in set.ranges {
            var lo = 0, hi = reach.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if reach[mid] < r.lowerBound { lo = mid + 1 } else { hi = mid }
            }
            var i = lo
            while i < lows.count && lows[i] <= r.upperBound {
                if highs[i] >= r.lowerBound {
                    body(Int(owners[i]), lows[i] >= r.lowerBound && highs[i] <= r.upperBound)
                }
                i += 1
            }
        }
    }
}
