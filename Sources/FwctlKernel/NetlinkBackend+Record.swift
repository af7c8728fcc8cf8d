import FwctlNet
import FwctlNetlink
import FwctlPlanner
import FwctlRuleset

/// The applied record's part of the backend: reads that skip dumping the sets the record
/// proves unchanged, and a new record after every full read and every commit.
extension NetlinkBackend {
    /// Where this backend's kernel state lives; nil when the boot or namespace cannot be
    /// identified (then no record is used or written).
    var place: AppliedRecord.Place? {
        guard let boot = AppliedRecordStore.bootID(), let id = connection.namespaceIdentity() else { return nil }
        return AppliedRecord.Place(bootID: boot, cookie: id.cookie, device: id.device, inode: id.inode)
    }

    /// Reads `ref`, taking set elements from the record where it proves them current (unless
    /// `refresh`), and records what was read.
    func readUsingRecord(_ ref: TableRef) throws -> TableRead {
        let here = place
        // A record of another generation than the kernel's is stale: not worth decoding.
        let now = records != nil && !refresh ? try connection.generation() : nil
        let loaded = records.flatMap { store in refresh ? nil : store.loadWithState(at: now) }
        let record = loaded?.record
        let known = here.flatMap { h in record?.known(for: ref, at: h) }
        var read = try connection.readTable(family: ref.family, name: ref.name, known: known)
        if !read.reused.isEmpty, read.table?.chains.contains(where: { $0.rules.contains(where: \.hasUnknownExpression) }) == true {
            // A rule fwctl does not model might touch sets in ways the record cannot see:
            // believe only the kernel.
            read = try connection.readTable(family: ref.family, name: ref.name, known: nil)
        }
        lastRead = (ref, read)
        remember(read, of: ref, at: here, replacing: loaded)
        return read
    }

    /// After a commit of `plan` at `expected` that returned `generation`: the sets' elements
    /// are the ones the plan's base held, changed by the plan — provided nothing else
    /// committed (the generation moved by exactly one). Cheapest first: a delta appended to
    /// the record file of the plan's base; a whole record predicted from that base; or a
    /// read-back that dumps rules, chains and set headers, and set elements too if that
    /// proviso fails.
    func recordAfterCommit(of plan: Plan, expected: UInt32?, generation: UInt32?) {
        guard let records else { return }
        guard let expected, let generation, generation == expected &+ 1 else { return forgetRecord() }
        if appendDelta(of: plan, expected: expected, generation: generation) {
            lastRead = nil   // the kernel has moved on from it
            return
        }
        guard let base = baseSets(of: plan.table, at: expected) else { return forgetRecord() }
        let predicted = Self.predict(base, after: plan.changes)
        if let record = elementsOnlyRecord(plan, expected: expected, generation: generation, predicted: predicted) {
            recordFile = records.save(record)
            lastRead = nil
            return
        }
        let known = KnownSetElements(generation: generation, tableHandle: nil, sets: predicted)
        guard let read = try? connection.readTable(family: plan.table.family, name: plan.table.name, known: known) else {
            return forgetRecord()
        }
        lastRead = (plan.table, read)
        remember(read, of: plan.table, at: place, replacing: nil)
    }

    /// The plan's element changes as a delta on the record file, when that file is the one
    /// this process read the plan's base from (or wrote from it) at `expected`, and the plan
    /// left every handle as it was (see `elementsOnlyRecord`).
    private func appendDelta(of plan: Plan, expected: UInt32, generation: UInt32) -> Bool {
        guard let records, let file = recordFile, file.generation == expected, let (ref, read) = lastRead,
              ref == plan.table, read.generation == expected, read.table?.handle != nil,
              let delta = AppliedRecord.Delta(plan: plan, from: expected, to: generation, recorded: read.recordable),
              let next = records.append(delta, to: file) else { return false }
        recordFile = next
        return true
    }

    /// No record: the next run reads everything.
    func forgetRecord() {
        records?.remove()
        recordFile = nil
    }

    /// When the plan created, deleted or re-created no table or set, the table's and sets'
    /// handles are the ones this process read before the commit: the record needs no read-back.
    private func elementsOnlyRecord(_ plan: Plan, expected: UInt32, generation: UInt32,
                                    predicted: [String: KnownSetElements.Entry]) -> AppliedRecord? {
        guard let here = place, let (ref, read) = lastRead, ref == plan.table, read.generation == expected,
              let table = read.table, let tableHandle = table.handle else { return nil }
        for change in plan.changes {
            switch change {
            case .createTable, .addSet, .deleteSet: return nil
            default: continue
            }
        }
        var sets: [String: KnownSetElements.Entry] = [:]
        for s in table.sets where read.recordable.contains(s.name) {
            guard let handle = s.handle, var entry = predicted[s.name] else { return nil }
            entry.handle = handle
            sets[s.name] = entry
        }
        return AppliedRecord(place: here, table: ref, generation: generation, tableHandle: tableHandle, sets: sets)
    }

    /// The recordable sets of `ref` as they were at generation `g`: from this process's
    /// last read, or from the record (a saved plan applied by a later run).
    private func baseSets(of ref: TableRef, at g: UInt32) -> [String: KnownSetElements.Entry]? {
        if let (r, read) = lastRead, r == ref, read.generation == g {
            var sets: [String: KnownSetElements.Entry] = [:]
            for s in read.table?.sets ?? [] where read.recordable.contains(s.name) {
                sets[s.name] = KnownSetElements.Entry(handle: nil, keyType: s.keyType, isInterval: s.isInterval, elements: s.elements)
            }
            return sets
        }
        guard let here = place, let record = records?.load(), record.known(for: ref, at: here) != nil,
              record.generation == g else { return nil }
        return record.sets.mapValues { var e = $0; e.handle = nil; return e }
    }

    /// The sets after the plan's set and element changes, elements in the kernel's order.
    static func predict(_ base: [String: KnownSetElements.Entry], after changes: [Change]) -> [String: KnownSetElements.Entry] {
        var sets = base
        for change in changes {
            switch change {
            case .addSet(let s):
                sets[s.name] = KnownSetElements.Entry(handle: nil, keyType: s.keyType, isInterval: s.isInterval, elements: s.elements)
            case .deleteSet(let name, _):
                sets[name] = nil
            case .addElements(let name, _, let elements):
                sets[name]?.elements += elements
            case .removeElements(let name, _, let elements):
                let gone = Set(elements)
                sets[name]?.elements.removeAll { gone.contains($0) }
            default:
                break
            }
        }
        return sets.mapValues { var e = $0; e.elements.sort(by: ascending); return e }
    }

    /// The order the kernel lists an interval set in (by key; ranges are disjoint).
    static func ascending(_ a: SetElement, _ b: SetElement) -> Bool {
        switch (a, b) {
        case (.address(let x), .address(let y)): (x.lower, x.upper) < (y.lower, y.upper)
        case (.port(let x), .port(let y)): x < y
        case (.proto(let x), .proto(let y)): x < y
        default: rank(a) < rank(b)
        }
    }

    private static func rank(_ e: SetElement) -> Int {
        switch e {
        case .address: 0
        case .port: 1
        case .proto: 2
        case .dispatch: 3
        }
    }

    /// Writes the record of a consistent read unless `current` (as loaded) already says the
    /// same; either way `recordFile` then describes a file holding exactly this read's record.
    func remember(_ read: TableRead, of ref: TableRef, at here: AppliedRecord.Place?,
                          replacing loaded: (record: AppliedRecord, file: AppliedRecordStore.FileState)?) {
        guard let records else { return }
        guard let here, let table = read.table, let tableHandle = table.handle else { return forgetRecord() }
        var sets: [String: KnownSetElements.Entry] = [:]
        for s in table.sets where read.recordable.contains(s.name) {
            guard let handle = s.handle else { continue }
            sets[s.name] = KnownSetElements.Entry(handle: handle, keyType: s.keyType, isInterval: s.isInterval, elements: s.elements)
        }
        let record = AppliedRecord(place: here, table: ref, generation: read.generation, tableHandle: tableHandle, sets: sets)
        if let (current, file) = loaded, current.generation == record.generation, current.place == here, current.table == ref,
           current.tableHandle == tableHandle, read.reused == read.recordable, Set(current.sets.keys) == read.recordable {
            recordFile = file
            return
        }
        recordFile = records.save(record)
    }
}
