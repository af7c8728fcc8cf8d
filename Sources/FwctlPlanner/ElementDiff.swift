import FwctlRuleset

/// The exact element difference of two versions of one set: what to remove from `current`
/// and add to get `desired`, each in its own array's order.
///
/// Both lists are usually sorted already (the kernel lists an interval set in ascending order
/// and the compiler emits normalised ranges), and then one merge pass finds the difference
/// without hashing 100,000 elements twice. Anything else falls back to hashing, which gives
/// the same answer for any order.
enum ElementDiff {
    static func difference(current: [SetElement], desired: [SetElement]) -> (removed: [SetElement], added: [SetElement]) {
        if isStrictlyAscending(current), isStrictlyAscending(desired),
           let merged = merge(current, desired) {
            return merged
        }
        let have = Set(current), want = Set(desired)
        return (current.filter { !want.contains($0) }, desired.filter { !have.contains($0) })
    }

    /// Sorted and free of duplicates under `SetElement.ascending`.
    static func isStrictlyAscending(_ elements: [SetElement]) -> Bool {
        var i = 1
        while i < elements.count {
            guard SetElement.ascending(elements[i - 1], elements[i]) else { return false }
            i += 1
        }
        return true
    }

    /// One pass over two strictly ascending lists; nil if two elements that are not equal
    /// neither order before the other (not expected; the caller then hashes instead).
    private static func merge(_ a: [SetElement], _ b: [SetElement]) -> (removed: [SetElement], added: [SetElement])? {
        var removed: [SetElement] = [], added: [SetElement] = []
        var i = 0, j = 0
        while i < a.count && j < b.count {
            // Equal first: nearly every element of a large set is in both lists.
            if a[i] == b[j] {
                i += 1
                j += 1
            } else if SetElement.ascending(a[i], b[j]) {
                removed.append(a[i])
                i += 1
            } else if SetElement.ascending(b[j], a[i]) {
                added.append(b[j])
                j += 1
            } else {
                return nil
            }
        }
        removed += a[i...]
        added += b[j...]
        return (removed, added)
    }
}
