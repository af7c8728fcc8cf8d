/// Which rule took which cells, kept as (class, word, bits, rule) records rather than one slot
/// per cell: a chain of 10,000 rules over 2,000 addresses has millions of cells but only as
/// many records as (rule, class) takes, and most cells fall to the policy.
///
/// Records are appended in rule order while evaluating, then grouped by class. Records of one
/// class and word never share a bit (each cell is taken at most once), so a look-up finds at
/// most one.
struct DecisionLog: Sendable {
    private var rawClass: [Int32] = []
    private var rawWord: [Int32] = []
    private var rawBits: [UInt64] = []
    private var rawRule: [Int32] = []

    /// After `seal`: records of class k are `start[k] ..< start[k + 1]`, by word.
    private var start: [Int32] = []
    private var word: [Int32] = []
    private var bits: [UInt64] = []
    private var rule: [Int32] = []

    mutating func record(class k: Int, word w: Int, bits m: UInt64, rule r: Int32) {
        rawClass.append(Int32(k))
        rawWord.append(Int32(w))
        rawBits.append(m)
        rawRule.append(r)
    }

    /// Groups the records by class (counting sort), then by word within a class.
    mutating func seal(classes: Int) {
        var counts = [Int32](repeating: 0, count: classes + 1)
        for k in rawClass { counts[Int(k) + 1] += 1 }
        for k in 0..<classes { counts[k + 1] += counts[k] }
        start = counts
        var next = counts
        let n = rawClass.count
        var order = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let k = Int(rawClass[i])
            order[Int(next[k])] = i
            next[k] += 1
        }
        for k in 0..<classes {
            let lo = Int(start[k]), hi = Int(start[k + 1])
            if hi - lo > 1 { order[lo..<hi].sort { rawWord[$0] < rawWord[$1] } }
        }
        word = order.map { rawWord[$0] }
        bits = order.map { rawBits[$0] }
        rule = order.map { rawRule[$0] }
        rawClass = []; rawWord = []; rawBits = []; rawRule = []
    }

    /// The rule that took piece `p` of class `k`, or -1.
    func rule(class k: Int, piece p: Int) -> Int32 {
        guard !start.isEmpty else { return -1 }
        let w = Int32(p >> 6), bit: UInt64 = 1 << UInt64(p & 63)
        var lo = Int(start[k]), hi = Int(start[k + 1])
        while lo < hi {   // first record of word w
            let mid = (lo + hi) / 2
            if word[mid] < w { lo = mid + 1 } else { hi = mid }
        }
        var i = lo
        while i < Int(start[k + 1]) && word[i] == w {
            if bits[i] & bit != 0 { return rule[i] }
            i += 1
        }
        return -1
    }

    /// The rule of every piece of class `k` (-1: none), in one pass over its records.
    func row(class k: Int, pieces: Int) -> [Int32] {
        var out = [Int32](repeating: -1, count: pieces)
        guard !start.isEmpty else { return out }
        for i in Int(start[k])..<Int(start[k + 1]) {
            var m = bits[i]
            while m != 0 {
                out[Int(word[i]) << 6 + m.trailingZeroBitCount] = rule[i]
                m &= m - 1
            }
        }
        return out
    }

    /// The rules that took any of `mask`'s bits in word `w` of class `k`.
    func rules(class k: Int, word w: Int, meeting mask: UInt64, into out: inout Set<Int>) {
        guard !start.isEmpty else { return }
        for i in Int(start[k])..<Int(start[k + 1]) where word[i] == Int32(w) && bits[i] & mask != 0 {
            out.insert(Int(rule[i]))
        }
    }
}
