import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// What a host's compiled table depends on of the fleet's role memberships: the role and
/// fleet sets its rules asked for (`role_web_v4`, `fleet_v6`, ...), including those left out
/// because the role had no address of that family (so a first such address would add rules).
public struct TableDependencies: Hashable, Sendable, Codable {
    /// Sorted set names.
    public var membershipSets: [String]
    /// Every address of every host of the fleet (merged ranges), so a derivation can decline
    /// an inserted host whose address another host has with one lookup; nil when unknown
    /// (the derivation then reads the host entries of the policy's files).
    public var hostAddresses: AddressSet?

    public init(membershipSets: [String], hostAddresses: AddressSet? = nil) {
        self.membershipSets = membershipSets
        self.hostAddresses = hostAddresses
    }
}

/// Derives a host's new table from its old one when the policy edit is a `HostInsertion`,
/// giving exactly what compiling the edited policy would give, without the fleet.
///
/// Why that is exact: new hosts have names used nowhere else, so no flow names them and no
/// host's roles change; their names and addresses are ones `check` accepts (`InsertedHosts`); they only join their role's and the fleet's address sets. A table
/// asks for those sets per family (`TableDependencies`); each such set gains the new hosts'
/// ranges, merged as the compiler merges them (overlaps joined, adjacent ranges kept apart).
/// If a set the table asked for does not exist, the role (or fleet) had no address of that
/// family and the edit would add rules: that is not derived here (nil). Rule comments name
/// their flow's line, so comments of lines at or after the insertion move down.
public enum TablePatch {
    /// The table compiling `newFiles` would give, derived from `table` (compiled from
    /// `oldFiles`, with `dependencies`), when the files are the same but one, changed by a
    /// `HostInsertion`; nil for any other edit.
    public static func derive(from oldFiles: [(path: String, bytes: [UInt8])], to newFiles: [(path: String, bytes: [UInt8])],
                              table: Table, dependencies: TableDependencies) -> Table? {
        deriveWithDependencies(from: oldFiles, to: newFiles, table: table, dependencies: dependencies)?.table
    }

    /// `derive`, with the dependencies of the derived table (the fleet's host addresses grow
    /// by the inserted hosts'), for the next derivation.
    public static func deriveWithDependencies(from oldFiles: [(path: String, bytes: [UInt8])], to newFiles: [(path: String, bytes: [UInt8])],
                                              table: Table, dependencies: TableDependencies) -> (table: Table, dependencies: TableDependencies)? {
        guard oldFiles.count == newFiles.count, zip(oldFiles, newFiles).allSatisfy({ $0.path == $1.path }) else { return nil }
        let changed = oldFiles.indices.filter { !HostInsertion.sameBytes(oldFiles[$0].bytes, newFiles[$0].bytes) }
        guard changed.count == 1, let i = changed.first else { return nil }
        // Comments name a file by its basename: with two files of that name, moving one's comments would move the other's.
        guard !newFiles.indices.contains(where: { $0 != i && RuleComment.fileName(newFiles[$0].path) == RuleComment.fileName(newFiles[i].path) }) else { return nil }
        let others = newFiles.indices.filter { $0 != i }.map { newFiles[$0].bytes }
        guard let edit = HostInsertion.recognise(old: oldFiles[i].bytes, new: newFiles[i].bytes, otherFiles: others),
              InsertedHosts.admissible(edit.hosts, known: dependencies.hostAddresses, files: oldFiles.map(\.bytes)),
              let derived = applying(edit, inFile: newFiles[i].path, to: table, dependencies: dependencies) else { return nil }
        var next = dependencies
        if var known = next.hostAddresses {
            for h in edit.hosts { known.formUnion(h.addresses) }
            next.hostAddresses = known
        }
        return (derived, next)
    }

    public static func applying(_ edit: HostInsertion, inFile path: String, to table: Table, dependencies: TableDependencies) -> Table? {
        var table = table
        let wanted = Set(dependencies.membershipSets)
        let setIndex = Dictionary(table.sets.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        for host in edit.hosts {
            for family in IPFamily.allCases where !host.addresses.isEmpty(family) {
                for name in [TableBuilder.roleSetName(edit.role, family), TableBuilder.fleetSetName(family)] where wanted.contains(name) {
                    guard let i = setIndex[name] else { return nil }
                    for range in host.addresses.ranges(family) { insertMerging(range, into: &table.sets[i].elements) }
                }
            }
        }
        guard edit.lineCount > 0 else { return table }
        let file = RuleComment.fileName(path)
        for c in table.chains.indices {
            for r in table.chains[c].rules.indices {
                guard let comment = table.chains[c].rules[r].comment else { continue }
                switch RuleComment.moved(comment, file: file, from: edit.line, by: edit.lineCount) {
                case .unchanged: continue
                case .moved(let text): table.chains[c].rules[r].comment = text
                case .unknown: return nil
                }
            }
        }
        return table
    }

    /// Adds `range` to sorted, non-overlapping elements, joining the elements it overlaps.
    static func insertMerging(_ range: AddressRange, into elements: inout [SetElement]) {
        func bounds(_ e: SetElement) -> AddressRange? {
            if case .address(let r) = e { return r }
            return nil
        }
        // First element not entirely below `range` (elements are disjoint and sorted).
        var lo = 0, hi = elements.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if let r = bounds(elements[mid]), r.upper < range.lower { lo = mid + 1 } else { hi = mid }
        }
        var merged = range
        var end = lo
        while end < elements.count, let r = bounds(elements[end]), !(range.upper < r.lower) {
            merged = AddressRange(lower: min(merged.lower, r.lower), upper: max(merged.upper, r.upper))
            end += 1
        }
        elements.replaceSubrange(lo..<end, with: [.address(merged)])
    }
}
