/// Suggestions for misspelt names, by edit distance (insertions, deletions, substitutions
/// and transpositions of adjacent characters each cost one): policy names and command-line
/// names (hosts) alike.
public enum DidYouMean {
    /// The closest candidate, when it is close enough to be a plausible typo: at most one
    /// edit per three characters (at least one, at most three). Ties go to the candidate
    /// that comes first: callers list the likelier kinds first, each sorted, so suggestions
    /// are deterministic. `ignoringCase`: letters compare without case (host names, which
    /// DNS compares so).
    public static func suggestion(for name: String, among candidates: some Sequence<String>, ignoringCase: Bool = false) -> String? {
        let fold: (String) -> [Unicode.Scalar] = { Array((ignoringCase ? $0.lowercased() : $0).unicodeScalars) }
        let a = fold(name)
        guard a.count <= 64 else { return nil }
        let limit = min(3, max(1, a.count / 3))
        var best: (distance: Int, name: String)? = nil
        for c in candidates where c != name {
            let b = fold(c)
            // One-letter names are one edit from every other: no suggestion is better.
            if a.count < 2 || b.count < 2 { continue }
            if abs(a.count - b.count) > limit { continue }
            let d = distance(a, b)
            guard d <= limit else { continue }
            if best == nil || d < best!.distance { best = (d, c) }
        }
        return best?.name
    }

    /// Optimal string alignment distance.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prev2[j - 2] + 1)
                }
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}
