import FwctlNetlink
import FwctlPlanner
import FwctlRuleset
import FwctlState

/// What one fwctl commit did to the recorded sets, appended to the record's file instead of
/// writing the whole record again.
///
/// Adding one host to a role of 25,000 must not rewrite the record of all 100,000 elements
/// (encoding, checksumming and writing 0.9 MB per apply); a delta costs what the change
/// costs. A delta holds the generation it starts from and the one the commit produced;
/// a reader applies deltas in file order while each starts at the generation reached so far,
/// and stops at the first one that is damaged, cut short or does not follow on. Stopping early
/// is always safe: the record then names an older generation than the kernel's, so the next
/// read dumps every set, exactly as without a record.
extension AppliedRecord {
    public struct Delta: Equatable, Sendable {
        /// One element change of one set, in plan order.
        public struct Step: Equatable, Sendable {
            public var set: String
            public var adds: Bool
            public var elements: [SetElement]
        }

        public var from: UInt32
        public var to: UInt32
        public var steps: [Step]

        /// The element changes `plan` makes to the sets in `recorded`, committed at `from`
        /// and producing `to`. nil when the plan creates or deletes the table or a set: then
        /// handles change, and only a new whole record describes the result.
        public init?(plan: Plan, from: UInt32, to: UInt32, recorded: Set<String>) {
            var steps: [Step] = []
            for change in plan.changes {
                switch change {
                case .createTable, .addSet, .deleteSet:
                    return nil
                case .addElements(let set, _, let elements) where recorded.contains(set):
                    steps.append(Step(set: set, adds: true, elements: elements))
                case .removeElements(let set, _, let elements) where recorded.contains(set):
                    steps.append(Step(set: set, adds: false, elements: elements))
                default:
                    continue
                }
            }
            self.init(from: from, to: to, steps: steps)
        }

        public init(from: UInt32, to: UInt32, steps: [Step]) {
            self.from = from
            self.to = to
            self.steps = steps
        }

        /// The delta as one section of the record's file: its length, then the sealed bytes.
        func section() -> [UInt8] {
            var w = SnapshotWriter()
            w.reserve(64 + steps.reduce(0) { $0 + 16 + $1.set.utf8.count + 33 * $1.elements.count })
            w.u32(from)
            w.u32(to)
            w.u32(UInt32(steps.count))
            for s in steps {
                w.string(s.set)
                w.u8(s.adds ? 1 : 0)
                w.u32(UInt32(s.elements.count))
                for e in s.elements { w.element(e) }
            }
            let sealed = w.sealed()
            var out = SnapshotWriter()
            out.u32(UInt32(sealed.count))
            return out.bytes + sealed
        }

        /// A delta from its sealed bytes (the section without its length); nil if damaged.
        init?(sealed: [UInt8]) {
            guard var r = SnapshotReader(sealed: sealed), let from = r.u32(), let to = r.u32(), let count = r.u32(),
                  Int(count) <= sealed.count else { return nil }
            var steps: [Step] = []
            for _ in 0..<count {
                guard let set = r.string(), let op = r.u8(), op <= 1, let n = r.u32(), let elements = r.elements(n) else { return nil }
                steps.append(Step(set: set, adds: op == 1, elements: elements))
            }
            guard r.isAtEnd else { return nil }
            self.init(from: from, to: to, steps: steps)
        }
    }

    /// The record after `delta`; nil unless the delta starts at this record's generation.
    public func applying(_ delta: Delta) -> AppliedRecord? {
        guard delta.from == generation else { return nil }
        var next = self
        next.generation = delta.to
        next.sets = Self.applying(delta.steps, to: sets)
        return next
    }

    /// `sets` after `steps` (sets not in `sets` are left out), each touched set re-sorted in
    /// the kernel's order: the same rule `NetlinkBackend.predict` follows for a whole plan.
    static func applying(_ steps: [Delta.Step], to sets: [String: KnownSetElements.Entry]) -> [String: KnownSetElements.Entry] {
        var sets = sets
        var touched: Set<String> = []
        for step in steps where sets[step.set] != nil {
            if step.adds {
                sets[step.set]!.elements += step.elements
                touched.insert(step.set)
            } else {
                let gone = Set(step.elements)
                sets[step.set]!.elements.removeAll { gone.contains($0) }
            }
        }
        for name in touched { sets[name]!.elements.sort(by: NetlinkBackend.ascending) }
        return sets
    }
}
