import FwctlRuleset

/// Everything `fwctl apply` would do to one table, as a value: shown to a human, printed as
/// JSON, saved to a file and applied later, all from the same data.
public struct Plan: Hashable, Sendable, Codable {
    /// The one table the plan touches; nothing outside it is ever changed.
    public var table: TableRef
    /// The kernel generation id the current state was read at; `nil` when the plan was made
    /// without a kernel (e.g. against a file). Apply refuses if the kernel has moved on.
    public var generation: UInt32?
    /// The changes, in an order valid for one atomic batch.
    public var changes: [Change]

    public init(table: TableRef, generation: UInt32?, changes: [Change]) {
        self.table = table
        self.generation = generation
        self.changes = changes
    }

    /// Counts of objects to add, change and remove. A set whose elements change counts once
    /// as changed however many elements move (not at all when the plan creates it); a
    /// re-created set or chain counts as one removed and one added, as Terraform counts a
    /// replacement.
    public var summary: PlanSummary {
        var s = PlanSummary()
        // A set this plan creates counts as added, whatever elements it gets after its creation.
        var changedSets = Set(changes.compactMap { if case .addSet(let set) = $0 { set.name } else { nil } })
        for c in changes {
            switch c {
            case .addElements(let set, _, _), .removeElements(let set, _, _):
                if changedSets.insert(set).inserted { s.change += 1 }
            default:
                switch c.action {
                case .add: s.add += 1
                case .change: s.change += 1
                case .remove: s.remove += 1
                }
            }
        }
        return s
    }

    /// True when the kernel already matches: applying would change nothing.
    public var isEmpty: Bool { changes.isEmpty }
}

/// How many objects (table, sets, chains, rules) a plan adds, changes and removes.
public struct PlanSummary: Hashable, Sendable, Codable {
    public var add: Int
    public var change: Int
    public var remove: Int

    public init(add: Int = 0, change: Int = 0, remove: Int = 0) {
        self.add = add
        self.change = change
        self.remove = remove
    }

    /// The closing line of a plan, as Terraform words it.
    public var line: String {
        "Plan: \(add) to add, \(change) to change, \(remove) to remove."
    }
}

// JSON: {"table": TableRef, "generation": 42 | null, "summary": PlanSummary, "changes": [Change]}.
// The summary is written for readers and scripts and ignored when reading: it is derived.
extension Plan {
    private enum Key: String, CodingKey { case table, generation, summary, changes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(table: try c.decode(TableRef.self, forKey: .table),
                  generation: try c.decodeIfPresent(UInt32.self, forKey: .generation),
                  changes: try c.decode([Change].self, forKey: .changes))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(table, forKey: .table)
        // Written as null rather than left out, so the key is always there for scripts.
        try c.encode(generation, forKey: .generation)
        try c.encode(summary, forKey: .summary)
        try c.encode(changes, forKey: .changes)
    }
}
