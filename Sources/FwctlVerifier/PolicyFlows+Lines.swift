import FwctlEvaluator
import FwctlNet

extension PolicyFlows {
    /// A stretch of values of one key and the policy lines responsible for every value of it
    /// (nil: a base rule decides them).
    public struct LinesRun: Hashable, Sendable {
        public var values: ClosedRange<UInt16>
        public var lines: [String]?
    }

    /// `values` cut where the responsible lines change (see `responsible(_:value:)`), each
    /// stretch with its lines; adjacent stretches with the same lines are one.
    ///
    /// Exact without asking value by value: which pair first admits a value, the addresses
    /// of its packet and the deciding rules are all constant between two cuts of the service
    /// axes of the chains involved, so one value per piece speaks for the piece.
    public func responsibleRuns(_ key: Key, values: ClosedRange<UInt16>) -> [LinesRun] {
        responsibleRuns(key, values: values, cuts: cuts(key))
    }

    func responsibleRuns(_ key: Key, values: ClosedRange<UInt16>, cuts: [Int]) -> [LinesRun] {
        var runs: [LinesRun] = []
        var lo = Int(values.lowerBound)
        let top = Int(values.upperBound)
        // First cut above `lo`.
        var i = cuts.partitioningIndex { $0 > lo }
        while lo <= top {
            let hi = i < cuts.count && cuts[i] <= top ? cuts[i] - 1 : top
            let lines = responsible(key, value: UInt16(lo))
            if let last = runs.last, last.lines == lines {
                runs[runs.count - 1].values = last.values.lowerBound...UInt16(hi)
            } else {
                runs.append(LinesRun(values: UInt16(lo)...UInt16(hi), lines: lines))
            }
            lo = hi + 1
            i += 1
        }
        return runs
    }

    /// Lower bounds of the service pieces of the key's protocol in every chain that can decide
    /// its packets: the sources' output chains and the destinations' input chains, each
    /// distinct ruleset once.
    func cuts(_ key: Key) -> [Int] {
        let model = runner.model
        var seen = Set<Int>(), cuts = Set<Int>()
        func add(_ analysis: ChainAnalysis?) {
            guard let analysis else { return }
            cuts.formUnion(analysis.pieceStarts(proto: key.proto))
        }
        for (name, output) in [(key.source, true), (key.destination, false)] {
            for end in ends[name] ?? [] {
                guard let h = Reachability.host(model, end).flatMap({ model.hostIndex[$0.name] }),
                      seen.insert(model.rulesetClass[h] * 2 + (output ? 1 : 0)).inserted else { continue }
                add(output ? model.hosts[h].output : model.hosts[h].input)
            }
        }
        return cuts.sorted()
    }
}

extension Array {
    /// The first index whose element satisfies `belongs` (all after it must too).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if belongs(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
