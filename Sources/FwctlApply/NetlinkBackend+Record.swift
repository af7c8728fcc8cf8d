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
        let record = records.flatMap { store in refresh ? nil : store.load() }
        let known = here.flatMap { h in record?.known(for: ref, at: h) }
        var read = try connection.readTable(family: ref.family, name: ref.name, known: known)
        if !read.reused.isEmpty, read.table?.chains.contains(where: { $0.rules.contains(where: \.hasUnknownExpression) }) == true {
            // A rule fwctl does not model might touch sets in ways the record cannot see:
            // believe only the kernel.
            read = try connection.readTable(family: ref.family, name: ref.name, known: nil)
        }
        lastRead = (ref, read)
        remember(read, of: ref, at: here, replacing: record)
        return read
    }

    /// After a commit of `plan` at `expected` that returned `generation`: the sets' elements
    /// are the ones the plan's base held, changed by the plan — provided nothing else
    /// committed (the generation moved by exactly one). The read-back dumps rules, chains and
    /// set headers, and the set elements too if that proviso fails.
    func recordAfterCommit(of plan: Plan, expected: UInt32?, generation: UInt32?) {
        guard let records else { return }
        guard let expected, let generation, let base = baseSets(of: plan.table, at: expected),
              generation == expected &+ 1 else {
            records.remove()
            return
        }
        let predicted = Self.predict(base, after: plan.changes)
        if let record = elementsOnlyRecord(plan, expected: expected, generation: generation, predicted: predicted) {
            records.save(record)
            lastRead = nil   // the kernel has moved on from it
            return
        }
        let known = KnownSetElements(generation: generation, tableHandle: nil, sets: predicted)
        guard let read = try? connection.readTable(family: plan.table.family, name: plan.table.name, known: known) else {
            records.remove()
            return
        }
        lastRead = (plan.table, read)
        remember(read, of: plan.table, at: place, replacing: nil)
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
            case .deleteSet(let name):
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
        }
    }

    /// Writes the record of a consistent read unless `current` already says the same.
    private func remember(_ read: TableRead, of ref: TableRef, at here: AppliedRecord.Place?, replacing current: AppliedRecord?) {
        guard let records else { return }
        guard let here, let table = read.table, let tableHandle = table.handle else { return records.remove() }
        var sets: [String: KnownSetElements.Entry] = [:]
        for s in table.sets where read.recordable.contains(s.name) {
            guard let handle = s.handle else { continue }
            sets[s.name] = KnownSetElements.Entry(handle: handle, keyType: s.keyType, isInterval: s.isInterval, elements: s.elements)
        }
        let record = AppliedRecord(place: here, table: ref, generation: read.generation, tableHandle: tableHandle, sets: sets)
        if let current, current.generation == record.generation, current.place == here, current.table == ref,
           current.tableHandle == tableHandle, read.reused == read.recordable, Set(current.sets.keys) == read.recordable {
            return
        }
        records.save(record)
    }
}
