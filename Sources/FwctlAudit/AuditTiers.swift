/// The layout of the tier diagram: which column and row each end of the policy goes in.
///
/// Outside ends that send (networks, literal addresses) stand in the left column, outside
/// ends that receive in the right one (`internet` can be both: two boxes). Fleet ends (roles,
/// and hosts a flow names directly) are layered by the longest path of the allow statements
/// between them, so traffic reads left to right: lb, web, app, db. A cycle is cut where the
/// depth-first walk finds it. Statements from an end to itself and between an end and the
/// whole fleet (`*`) are not arrows but notes on the box, which keeps the drawing tidy.
struct AuditTiers {
    struct Node: Hashable {
        enum Place: Hashable { case left, fleet(column: Int), right }
        var kind: String
        var name: String
        var place: Place
        var row: Int
        /// Lines under the name: `↻ vrrp`, `→ all hosts: node-exporter`.
        var notes: [String]
        /// The hosts it stands for (fleet ends).
        var hosts: [String]
    }

    struct Arrow: Hashable {
        /// Indices into `nodes`; nil: the fleet box.
        var from: Int?
        var to: Int?
        var label: String
    }

    var nodes: [Node] = []
    var arrows: [Arrow] = []
    var fleetColumns = 1
    /// Statements the drawing cannot show as an arrow (`* -> *`, outside to outside).
    var captions: [String] = []

    init(_ report: AuditReport) {
        let fleetKinds: Set<String> = ["role", "host"]
        var fleetEnds: [(kind: String, name: String)] = report.roles.map { ("role", $0.name) }
        for e in report.diagram {
            for (k, n) in [(e.fromKind, e.from), (e.toKind, e.to)] where k == "host" && !fleetEnds.contains(where: { $0 == (k, n) }) {
                fleetEnds.append((k, n))
            }
        }
        func fleetIndex(_ k: String, _ n: String) -> Int? { fleetEnds.firstIndex { $0 == (k, n) } }

        // Longest-path layers over fleet-to-fleet edges.
        var successors = [[Int]](repeating: [], count: fleetEnds.count)
        for e in report.diagram where fleetKinds.contains(e.fromKind) && fleetKinds.contains(e.toKind) {
            if let a = fleetIndex(e.fromKind, e.from), let b = fleetIndex(e.toKind, e.to), a != b { successors[a].append(b) }
        }
        var layer = [Int](repeating: 0, count: fleetEnds.count)
        var state = [Int](repeating: 0, count: fleetEnds.count)   // 0 new, 1 on the path, 2 done
        var order: [Int] = []
        func visit(_ v: Int) {
            state[v] = 1
            for w in successors[v] where state[w] == 0 { visit(w) }
            state[v] = 2
            order.append(v)
        }
        for v in fleetEnds.indices where state[v] == 0 { visit(v) }
        // Reverse post-order is a topological order once back edges are ignored.
        let position = Dictionary(uniqueKeysWithValues: order.reversed().enumerated().map { ($1, $0) })
        for v in order.reversed() {
            for w in successors[v] where position[w]! > position[v]! { layer[w] = max(layer[w], layer[v] + 1) }
        }
        fleetColumns = (layer.max() ?? 0) + 1

        var rowsUsed = [Int](repeating: 0, count: fleetColumns)
        for (i, end) in fleetEnds.enumerated() {
            let hosts = end.kind == "role" ? report.roles.first { $0.name == end.name }?.hosts ?? [] : [end.name]
            nodes.append(Node(kind: end.kind, name: end.name, place: .fleet(column: layer[i]), row: rowsUsed[layer[i]], notes: [], hosts: hosts))
            rowsUsed[layer[i]] += 1
        }
        var leftRows = 0, rightRows = 0
        func outside(_ kind: String, _ name: String, _ place: Node.Place) -> Int {
            if let i = nodes.firstIndex(where: { $0.kind == kind && $0.name == name && $0.place == place }) { return i }
            let row: Int
            if place == .left { row = leftRows; leftRows += 1 } else { row = rightRows; rightRows += 1 }
            nodes.append(Node(kind: kind, name: name, place: place, row: row, notes: [], hosts: []))
            return nodes.count - 1
        }

        for e in report.diagram {
            let label = e.services.joined(separator: ", ")
            let fromFleet = fleetIndex(e.fromKind, e.from), toFleet = fleetIndex(e.toKind, e.to)
            switch (e.fromKind, e.toKind) {
            case ("fleet", "fleet"):
                captions.append("every host → every host: \(label)")
            case ("fleet", _) where toFleet != nil:
                nodes[toFleet!].notes.append("← all hosts: \(label)")
            case (_, "fleet") where fromFleet != nil:
                nodes[fromFleet!].notes.append("→ all hosts: \(label)")
            case ("fleet", _):
                arrows.append(Arrow(from: nil, to: outside(e.toKind, e.to, .right), label: label))
            case (_, "fleet"):
                arrows.append(Arrow(from: outside(e.fromKind, e.from, .left), to: nil, label: label))
            default:
                if let a = fromFleet, let b = toFleet {
                    if a == b { nodes[a].notes.append("↻ \(label)") } else { arrows.append(Arrow(from: a, to: b, label: label)) }
                } else if let b = toFleet {
                    arrows.append(Arrow(from: outside(e.fromKind, e.from, .left), to: b, label: label))
                } else if let a = fromFleet {
                    arrows.append(Arrow(from: a, to: outside(e.toKind, e.to, .right), label: label))
                } else {
                    captions.append("\(e.from) → \(e.to): \(label) (outside the fleet)")
                }
            }
        }
    }
}
