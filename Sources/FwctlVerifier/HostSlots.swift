import FwctlEvaluator
import FwctlNet

/// The fleet's host addresses of one family, sorted, to turn an address set into the hosts it
/// touches without looking at every host.
struct HostSlots {
    private let intervals: IntervalStab<UInt128>
    let hostCount: Int

    init(hosts: [Spans<UInt128>]) {
        var items: [(lower: UInt128, upper: UInt128, owner: Int)] = []
        for (h, set) in hosts.enumerated() {
            for r in set.ranges { items.append((r.lowerBound, r.upperBound, h)) }
        }
        intervals = IntervalStab(items)
        hostCount = hosts.count
    }

    /// Calls `body(host, whole)` for each host address interval meeting `set`; `whole` tells
    /// whether the interval lies entirely inside one interval of `set`.
    func forEach(meeting set: Spans<UInt128>, _ body: (Int, Bool) -> Void) {
        intervals.forEach(meeting: set, body)
    }

    /// Hosts with an address in `set` (`any`), and hosts with an interval wholly inside it (`whole`), as bitsets.
    func bits(_ set: Spans<UInt128>) -> (any: Bitset, whole: Bitset) {
        var any = Bitset(count: hostCount), whole = Bitset(count: hostCount)
        forEach(meeting: set) { h, inside in
            any.insert(h)
            if inside { whole.insert(h) }
        }
        return (any, whole)
    }
}

/// A fixed-size set of small integers.
struct Bitset: Hashable {
    private(set) var words: [UInt64]

    init(count: Int) { words = [UInt64](repeating: 0, count: (count + 63) / 64) }

    mutating func insert(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }
    func contains(_ i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
    var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    func forEach(_ body: (Int) -> Void) {
        for (w, var word) in words.enumerated() {
            while word != 0 {
                body(w << 6 + word.trailingZeroBitCount)
                word &= word - 1
            }
        }
    }
}
