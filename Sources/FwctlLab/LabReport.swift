import Foundation
import FwctlRuleset
import FwctlVerifier

/// A lab's outcome: every probe observed and predicted, grouped for people as
/// end group × end group × port cells (roles for hosts, the network for a network end).
public struct LabReport: Sendable {
    public var plan: LabPlan
    public var results: [LabResult]
    /// The verifier's role × role × service matrix for the same compiled rulesets.
    public var verifier: ReachabilityMatrix
    /// Namespace per end, when they were kept.
    public var namespaces: [String: String]

    /// Probes whose outcome differs from the prediction.
    public var mismatches: [LabResult] { results.filter { $0.observed != $0.predicted } }

    /// True when every probe matched its prediction and no cell contradicts the verifier's matrix.
    public var agrees: Bool { mismatches.isEmpty && matrixDisagreements.isEmpty }

    /// One cell: how many probes between the two groups on one port got through, observed
    /// and predicted.
    public struct Cell: Hashable, Sendable, Encodable {
        public var source: String
        public var destination: String
        public var port: String
        /// The services naming the port (empty for the unnamed ports probed to stay closed).
        public var services: [String]
        public var probes: Int
        public var observed: Int
        public var predicted: Int
    }

    /// The observed matrix next to the predicted one; cells where nothing gets through either
    /// way are left out.
    public var cells: [Cell] { allCells.filter { $0.observed > 0 || $0.predicted > 0 } }

    /// Every cell, also those nothing gets through. A host's probes to itself are in no cell:
    /// the matrix is about pairs of hosts (loopback is always admitted), and they are compared
    /// probe by probe in `mismatches`.
    public var allCells: [Cell] {
        let groups = Dictionary(uniqueKeysWithValues: plan.ends.map { ($0.name, $0.groups) })
        var index: [[String]: Int] = [:]
        var cells: [Cell] = []
        for result in results where !result.probe.isLoopback {
            for s in groups[result.probe.source] ?? [] {
                for d in groups[result.probe.destination] ?? [] {
                    let key = [s, d, result.probe.port.description]
                    let i = index[key] ?? { cells.append(Cell(source: s, destination: d, port: key[2], services: plan.services[result.probe.port] ?? [], probes: 0, observed: 0, predicted: 0)); index[key] = cells.count - 1; return cells.count - 1 }()
                    cells[i].probes += 1
                    if result.observed { cells[i].observed += 1 }
                    if result.predicted { cells[i].predicted += 1 }
                }
            }
        }
        return cells
    }

    public var text: String {
        var lines = ["observed vs predicted (probes through / probes), per source -> destination : port"]
        for c in cells {
            let mark = c.observed == c.predicted ? " " : "!"
            lines.append("\(mark) \(c.source) -> \(c.destination) : \(c.port) \(c.services.isEmpty ? "(no service)" : c.services.joined(separator: ","))  observed \(c.observed)/\(c.probes)  predicted \(c.predicted)/\(c.probes)")
        }
        lines.append("")
        lines.append("verifier matrix:")
        lines.append(verifier.description)
        for m in mismatches {
            lines.append("MISMATCH \(m.probe.source) \(m.probe.from) -> \(m.probe.destination) \(m.probe.to) \(m.probe.port.description): observed \(m.observed ? "open" : "closed"), predicted \(m.predicted ? "open" : "closed")")
        }
        for d in matrixDisagreements { lines.append("MATRIX \(d)") }
        for (end, ns) in namespaces.sorted(by: { $0.key < $1.key }) { lines.append("kept: \(end) in namespace \(ns)") }
        lines.append("\(results.count) probes, \(mismatches.count) mismatches, \(matrixDisagreements.count) matrix disagreements")
        return lines.joined(separator: "\n") + "\n"
    }

    public var json: String {
        struct Out: Encodable {
            var probes: Int
            var mismatches: [[String: String]]
            var matrixDisagreements: [String]
            var cells: [Cell]
        }
        let out = Out(
            probes: results.count,
            mismatches: mismatches.map { ["source": $0.probe.source, "from": "\($0.probe.from)", "destination": $0.probe.destination, "to": "\($0.probe.to)", "port": $0.probe.port.description, "observed": $0.observed ? "open" : "closed", "predicted": $0.predicted ? "open" : "closed"] },
            matrixDisagreements: matrixDisagreements,
            cells: cells)
        return (try? FwctlJSON.text(out)) ?? "{}\n"
    }
}

extension LabReport {
    /// Where the observed cells contradict the verifier's role × role × service matrix
    /// itself (not only the per-packet verdicts): a cell with open probes but no matrix entry
    /// admitting its port, or a matrix entry admitting the port for every pair (no `~`) while
    /// some probe of the cell stayed closed.
    public var matrixDisagreements: [String] {
        var out: [String] = []
        // Traffic between two outside networks passes no fleet firewall; the matrix leaves it out.
        let networks = Set(plan.ends.filter { $0.kind == .network }.map(\.name))
        for cell in allCells where !(networks.contains(cell.source) && networks.contains(cell.destination)) {
            guard let port = plan.ports.first(where: { $0.description == cell.port }) else { continue }
            let covering = verifier.entries(from: cell.source, to: cell.destination).filter { entry in
                entry.probe.protocols.contains(port.proto.number) && ((entry.values ?? entry.probe.values)?.contains(port.port) ?? true)
            }
            if cell.observed > 0 && covering.isEmpty {
                out.append("\(cell.source) -> \(cell.destination) : \(cell.port) observed open \(cell.observed)/\(cell.probes), the verifier's matrix admits nothing there")
            }
            if let full = covering.first(where: { $0.coverage == .all }), cell.observed < cell.probes {
                out.append("\(cell.source) -> \(cell.destination) : \(cell.port) observed open only \(cell.observed)/\(cell.probes), the verifier's matrix admits \(full.service) \(full.admits) for every pair")
            }
        }
        return out
    }
}
