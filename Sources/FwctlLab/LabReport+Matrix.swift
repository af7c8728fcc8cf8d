import FwctlNet
import FwctlVerifier

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
