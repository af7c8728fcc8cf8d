#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FwctlRuleset

/// Everything the in-memory kernel holds. A value: a batch runs on a copy, so a refusal
/// half way leaves the original untouched, as the kernel's abort path does.
struct KernelState {
    var generation: UInt32
    private(set) var tables: [KernelTable] = []
    /// Table handles come from one counter for the whole namespace, like the kernel's.
    private var lastTableHandle: UInt64 = 0
    private var trusted = false

    init(generation: UInt32) {
        self.generation = generation
    }

    func table(_ ref: TableRef) -> KernelTable? {
        tables.first { $0.table.ref == ref }
    }

    /// Adds a table, giving it and everything in it fresh handles.
    mutating func insert(_ table: Table) {
        var t = table
        lastTableHandle += 1
        t.handle = lastTableHandle
        t.sets = t.sets.map { var s = $0; s.handle = nil; return s }
        t.chains = t.chains.map { c in
            var c = c
            c.handle = nil
            c.rules = c.rules.map { var r = $0; r.handle = nil; return r }
            return c
        }
        var k = KernelTable(table: t)
        k.committed = trusted
        k.assignMissingHandles()
        tables.append(k)
    }

    /// Adds a table read from a kernel as it is, handles included (a plan refers to its
    /// rules by them). New objects then take handles above the highest one present, which
    /// the kernel may not (its counter also counted objects since deleted).
    mutating func hold(_ table: Table) {
        lastTableHandle = max(lastTableHandle, table.handle ?? 0)
        tables.append(KernelTable(table: table))
    }

    /// Skips the element checks from now on (see `KernelTable.committed`).
    mutating func trustCommittedBatches() {
        trusted = true
        for i in tables.indices { tables[i].committed = true }
    }

    @discardableResult
    mutating func remove(_ ref: TableRef) -> Bool {
        guard let i = tables.firstIndex(where: { $0.table.ref == ref }) else { return false }
        tables.remove(at: i)
        return true
    }

    /// Runs `body` on a table in place; false when there is no such table.
    mutating func modify(_ ref: TableRef, _ body: (inout Table) -> Void) -> Bool {
        guard let i = tables.firstIndex(where: { $0.table.ref == ref }) else { return false }
        body(&tables[i].table)
        tables[i].assignMissingHandles()
        return true
    }

    /// Runs every change of `plan` in order; the first refusal aborts the whole batch.
    mutating func apply(_ plan: Plan) throws {
        var batch = Batch()
        for (index, change) in plan.changes.enumerated() {
            do {
                try apply(change, to: plan.table, batch: &batch)
            } catch let refusal as Refusal {
                throw BackendError.rejected(changeIndex: index, errno: refusal.errno, reason: refusal.reason)
            }
        }
    }

    private mutating func apply(_ change: Change, to ref: TableRef, batch: inout Batch) throws {
        if case .createTable(let r) = change {
            guard r == ref else { throw Refusal(EINVAL, "table \(r) is not the plan's table \(ref)") }
            guard table(r) == nil else { throw Refusal(EEXIST, "table \(r) already exists") }
            // Created as fwctl creates it: carrying its ownership comment.
            insert(Table(family: r.family, name: r.name, comment: Table.ownershipComment))
            return
        }
        guard let i = tables.firstIndex(where: { $0.table.ref == ref }) else {
            throw Refusal(ENOENT, "table \(ref) does not exist")
        }
        try tables[i].apply(change, batch: &batch)
    }
}

/// What a batch remembers across its messages: rules added so far, by the plan's rule id,
/// so later rules can be placed after them (NFTA_RULE_POSITION_ID).
struct Batch {
    var newRules: [Int: (chain: String, handle: UInt64)] = [:]
}

/// One refused change: the error number the kernel would answer and why.
struct Refusal: Error {
    let errno: Int32
    let reason: String

    init(_ errno: Int32, _ reason: String) {
        self.errno = errno
        self.reason = reason
    }
}
