import FwctlNetlink
import FwctlPlanner
import FwctlRuleset

/// The backend's part of `ConflictRetry`: after the kernel refused a batch because the
/// generation moved, is fwctl's table still the one the plan was made from?
extension NetlinkBackend {
    /// Reads `ref` from the kernel alone (every set dumped, the record ignored: the record
    /// describes the generation the conflict proved old) and records what was read, so the
    /// commit that follows predicts its record from this read.
    func readFully(_ ref: TableRef) throws -> TableRead {
        let read = try connection.readTable(family: ref.family, name: ref.name, known: nil)
        lastRead = (ref, read)
        remember(read, of: ref, at: place, replacing: nil)
        return read
    }

    /// True when the two reads of a table hold the same thing under the same handles (the
    /// table's, each set's, each chain's and every rule's, in order): planning toward any
    /// table gives the same plan from either, so a plan made from one holds for the other.
    /// Counter values do not count. Two absent tables are the same.
    static func sameState(_ a: Table?, _ b: Table?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        guard a.handle == b.handle, a.sameContent(as: b) else { return false }
        for s in a.sets where b.set(named: s.name)?.handle != s.handle { return false }
        for c in a.chains {
            guard let o = b.chain(named: c.name), o.handle == c.handle, o.rules.map(\.handle) == c.rules.map(\.handle) else { return false }
        }
        return true
    }
}
