import FwctlNet

/// The fleet's host addresses of one family, sorted, to turn an address set into the hosts it
/// touches without looking at every host.
struct HostSlots {
    /// Host address intervals sorted by lower bound, with their host's index.
    private let lows: [UInt128]
    private let highs: [UInt128]
    private let owners: [Int32]
    /// Running maximum of `highs`: monotone, so binary search works even if hosts overlap.
    private let reach: [UInt128]
    let hostCount: Int

    init(hosts: [Spans<UInt128>]) {
        var slots: [(UInt128, UInt128, Int32)] = []
        for (h, set) in hosts.enumerated() {
            for r in set.ranges { slots.append((r.lowerBound, r.upperBound, Int32(h))) }
        }
        slots.sort { $0.0 < $1.0 }
        lows = slots.map(\.0)
        highs = slots.map(\.1)
        owners = slots.map(\.2)
        var m: UInt128 = 0
        reach = highs.map { m = max(m, $0); return m }
        hostCount = hosts.count
    }

    /// Calls `body(host, whole)` for each host address interval meeting `set`; `whole` tells
    /// whether the interval lies entirely inside one interval of `set`.
    func forEach(meeting set: Spans<UInt128>, _ body: (Int, Bool) -> Void) {
        for r in set.ranges {
            // First slot whose running maximum reaches r.lowerBound.
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
