/// The longest common subsequence of two sequences of rule keys, as index pairs.
///
/// Two rules may pair when their `loose` keys are equal (same expressions): the kernel rule
/// then survives, kept as it is or, when only its comment differs, replaced in place. Among
/// the pairings with the most pairs, the one with the most `exact` matches (same comment
/// too) wins, so a rule is only rewritten when that saves another one.
///
/// Rule lists are mostly equal with a few edits, so the exactly equal prefix and suffix are
/// taken off first and the quadratic table is built only for the part that differs.
enum LongestCommonSubsequence {
    struct Key: Equatable {
        var loose: Int
        var exact: Int
    }

    /// Ascending pairs `(i, j)` with `a[i].loose == b[j].loose`. Ties are broken the same
    /// way every time, so plans are deterministic.
    static func pairs(_ a: [Key], _ b: [Key]) -> [(Int, Int)] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix,
              a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }

        var out: [(Int, Int)] = (0..<prefix).map { ($0, $0) }
        let a0 = prefix, n = a.count - prefix - suffix
        let b0 = prefix, m = b.count - prefix - suffix
        if n > 0 && m > 0 {
            // score = pairs * weight + exact pairs, weight above any count of exact pairs.
            // table[i][j] is the best score of the suffixes a[a0+i...] and b[b0+j...], so
            // walking forward from (0, 0) yields pairs in ascending order.
            let weight = min(n, m) + 1
            func gain(_ i: Int, _ j: Int) -> Int? {
                let x = a[a0 + i], y = b[b0 + j]
                return x.loose == y.loose ? weight + (x.exact == y.exact ? 1 : 0) : nil
            }
            let width = m + 1
            var table = [Int](repeating: 0, count: (n + 1) * width)
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    var best = max(table[(i + 1) * width + j], table[i * width + j + 1])
                    if let g = gain(i, j) { best = max(best, g + table[(i + 1) * width + j + 1]) }
                    table[i * width + j] = best
                }
            }
            var i = 0, j = 0
            while i < n && j < m {
                if let g = gain(i, j), table[i * width + j] == g + table[(i + 1) * width + j + 1] {
                    out.append((a0 + i, b0 + j))
                    i += 1
                    j += 1
                } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
                    i += 1
                } else {
                    j += 1
                }
            }
        }
        for k in 0..<suffix { out.append((a.count - suffix + k, b.count - suffix + k)) }
        return out
    }
}
