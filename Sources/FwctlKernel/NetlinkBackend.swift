import Foundation
import FwctlNetlink
import FwctlPlanner
import FwctlRuleset

/// The real backend: the kernel's nf_tables, through netlink (never by running `nft`).
///
/// Each change of a plan becomes one message of a single batch, so the kernel applies the
/// plan entirely or not at all, and the batch carries the generation id the plan was made
/// at, so a ruleset changed in between is refused instead of overwritten.
public final class NetlinkBackend: RulesetBackend {
    let connection: NftConnection
    /// Where the applied record lives (see `AppliedRecord`); nil: no record.
    public var records: AppliedRecordStore?
    /// Ignore the record when reading: dump every set (a new record is still written).
    public var refresh = false
    /// This process's last read, the base of the record written after a commit.
    public internal(set) var lastRead: (ref: TableRef, read: TableRead)?
    /// The record's file as this process last loaded or wrote it (what a delta may go onto).
    var recordFile: AppliedRecordStore.FileState?
    /// A read running on another thread (see `prefetch`).
    var prefetched: Prefetch?
    /// What to do when the kernel refuses a batch for a moved generation (see `ConflictRetry`).
    public var conflictRetry = ConflictRetry()
    /// Where retries are reported: standard error unless the caller says otherwise.
    public var notice: (String) -> Void = { FileHandle.standardError.write(Data("fwctl: \($0)\n".utf8)) }
    /// The generation the last committed or checked batch was sent at: the plan's, or a later
    /// one after a retry. Nil until a batch went through.
    public private(set) var sentAtGeneration: UInt32?
    /// The last batch this process committed, when nothing else committed with it.
    var lastCommit: CommittedPlan?

    /// Opens a netlink socket in this process's network namespace, or in `netnsPath`.
    public init(netnsPath: String? = nil) throws {
        connection = try NftConnection(netnsPath: netnsPath)
    }

    public func read(table ref: TableRef) throws -> (table: Table?, generation: UInt32) {
        let r = try joinPrefetch(for: ref)?.get() ?? readUsingRecord(ref)
        return (r.table, r.generation)
    }

    public func apply(_ plan: Plan, expectedGeneration: UInt32, checkOnly: Bool) throws -> UInt32? {
        _ = joinPrefetch(for: nil)
        sentAtGeneration = nil
        lastCommit = nil
        if plan.changes.isEmpty { return checkOnly ? nil : try connection.generation() }
        // The read the plan was made from, when this process made it: what a retry compares
        // the kernel's table with.
        let base = lastRead.flatMap { $0.ref == plan.table && $0.read.generation == expectedGeneration ? $0.read : nil }
        // A policy change re-sends the chain's hook as the kernel holds it (NEWCHAIN updates
        // a base chain in place only when the hook and priority are unchanged).
        var hooks: [String: BaseChainHook] = [:]
        if plan.changes.contains(where: { if case .changeChainPolicy = $0 { true } else { false } }) {
            let current = base != nil ? base?.table : try read(table: plan.table).table
            for chain in current?.chains ?? [] { hooks[chain.name] = chain.hook }
        }
        let batch = PlanTransaction(plan, hooks: hooks)
        return try conflictRetry.run(from: expectedGeneration, send: { expected in
            let generation = try commit(batch, at: expected, checkOnly: checkOnly)
            if !checkOnly {
                noteCommit(of: plan, at: expected, generation: generation)
                recordAfterCommit(of: plan, expected: expected, generation: generation)
            }
            sentAtGeneration = expected
            return generation
        }, rebase: {
            guard let base else { return nil }
            let now = try readFully(plan.table)
            return Self.sameState(now.table, base.table) ? now.generation : nil
        }, notice: notice)
    }

    /// Removes fwctl's own table (a rollback to "no table"), at the generation it is read at.
    /// Absent already: nothing to do.
    public func removeTable(_ ref: TableRef) throws {
        _ = joinPrefetch(for: nil)
        let (table, generation) = try read(table: ref)
        guard table != nil else { return }
        // Only fwctl's own: a table re-created under its name by someone else is theirs.
        try Ownership.check(table)
        var tx = Transaction()
        tx.deleteTable(family: ref.family, name: ref.name)
        forgetRecord()
        let batch = PlanTransaction(tx: tx, changeIndex: [])
        _ = try conflictRetry.run(from: generation, send: { try commit(batch, at: $0, checkOnly: false) }, rebase: {
            let now = try readFully(ref)
            try Ownership.check(now.table)
            return now.table != nil ? now.generation : nil
        }, notice: notice)
        forgetRecord()
    }

    /// Sends the batch guarded by `generation`; kernel errors as `BackendError`, a refused
    /// message attributed to the plan change it came from.
    private func commit(_ batch: PlanTransaction, at generation: UInt32, checkOnly: Bool) throws -> UInt32? {
        do {
            return try connection.commit(batch.tx, expectedGeneration: generation, checkOnly: checkOnly)
        } catch let e as NetlinkError where e.isGenerationConflict {
            throw BackendError.generationChanged(expected: generation, actual: try? connection.generation())
        } catch let e as NetlinkError {
            throw batch.rejection(e)
        } catch let e as EncodingError {
            throw batch.rejection(e)
        }
    }

    /// Other tables' base chains, read-only: a drop there is final whatever fwctl admits.
    public func otherBaseChains(excluding ref: TableRef) throws -> [(family: TableFamily, table: String, chain: String, hook: Hook, priority: Int32, policy: ChainPolicy)] {
        _ = joinPrefetch(for: nil)
        return try connection.listBaseChains().filter { !($0.family == ref.family && $0.table == ref.name) }
    }
}
