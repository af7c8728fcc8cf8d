/// The longest common subsequence of two integer sequences, as index pairs.
///
/// Rule lists are mostly equal with a few edits, so the common prefix and suffix are taken
/// off first and the quadratic table is built only for the part that differs.
enum LongestCommonSubsequence {
    /// Ascending pairs `(i, j)` with `a[i] == b[j]`, as many as possible. Ties between equally
    /// long answers are broken the same way every time, so plans are deterministic.
    static func pairs(_ a: [Int], _ b: [Int]) -> [(Int, Int)] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix,
              a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }

        var out: [(Int, Int)] = (0..<prefix).map { ($0, $0) }
        let a0 = prefix, n = a.count - prefix - suffix
        let b0 = prefix, m = b.count - prefix - suffix
        if n > 0 && m > 0 {
            // table[i][j] = LCS length of a[a0+i..<a0+n] and b[b0+j..<b0+m] (suffix lengths),
            // so walking forward from (0, 0) yields pairs in ascending order.
            let width = m + 1
            var table = [Int32](repeating: 0, count: (n + 1) * width)
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * width + j] = a[a0 + i] == b[b0 + j]
                        ? table[(i + 1) * width + j + 1] + 1
                        : max(table[(i + 1) * width + j], table[i * width + j + 1])
                }
            }
            var i = 0, j = 0
            while i < n && j < m {
                if a[a0 + i] == b[b0 + j] {
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
