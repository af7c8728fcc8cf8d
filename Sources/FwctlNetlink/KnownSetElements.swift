import FwctlRuleset

/// Named sets' elements the caller already knows the kernel holds at one generation id, so a
/// read can skip dumping them (a 25,000-address interval set costs the kernel a walk of its
/// tree per dump message, and us decoding 50,000 elements).
///
/// A read uses an entry only when the generation it reads at equals `generation` (every
/// nf_tables commit in the namespace changes it), the table's handle equals `tableHandle`,
/// and the set's handle, key type and interval flag equal the entry's. A set without a
/// usable entry is dumped as usual, so the read never returns less than the truth.
public struct KnownSetElements: Sendable, Equatable {
    /// One set as it was known.
    public struct Entry: Sendable, Equatable {
        /// nil: any handle (a set the caller just created and has not read back yet).
        public var handle: UInt64?
        public var keyType: SetKeyType
        public var isInterval: Bool
        public var elements: [SetElement]

        public init(handle: UInt64?, keyType: SetKeyType, isInterval: Bool, elements: [SetElement]) {
            self.handle = handle
            self.keyType = keyType
            self.isInterval = isInterval
            self.elements = elements
        }
    }

    public var generation: UInt32
    /// nil: any handle (as for `Entry.handle`).
    public var tableHandle: UInt64?
    public var sets: [String: Entry]

    public init(generation: UInt32, tableHandle: UInt64?, sets: [String: Entry]) {
        self.generation = generation
        self.tableHandle = tableHandle
        self.sets = sets
    }

    /// The elements of set `name` if its entry applies to a read at `generation` of a table
    /// with handle `table` and a set with `handle`, `keyType` and `interval`.
    func elements(of name: String, generation g: UInt32, table: UInt64?, handle: UInt64,
                  keyType: SetKeyType, interval: Bool) -> [SetElement]? {
        guard g == generation, tableHandle == nil || tableHandle == table, let e = sets[name],
              e.handle == nil || e.handle == handle, e.keyType == keyType, e.isInterval == interval else { return nil }
        return e.elements
    }
}

/// One consistent read of a table, and which of its sets a caller may remember.
public struct TableRead: Sendable {
    /// nil: the table does not exist.
    public var table: Table?
    public var generation: UInt32
    /// Sets whose elements came from `KnownSetElements` instead of the kernel.
    public var reused: Set<String> = []
    /// Named sets whose elements only a commit can change (see `KnownSetElements`): the
    /// ones worth remembering with their generation.
    public var recordable: Set<String> = []
}
