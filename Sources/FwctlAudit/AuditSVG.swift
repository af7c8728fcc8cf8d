import Foundation
import FwctlVerifier

/// The tier diagram as inline SVG: outside senders left, the fleet's tiers in the middle
/// (inside one dashed fleet box), outside receivers right, arrows labelled with services.
///
/// Positions come from `AuditTiers`; edge labels are placed at the arrow's middle and moved
/// up or down until they overlap no box and no other label.
enum AuditSVG {
    static let boxW = 150.0, lineH = 14.0, gapOut = 124.0, gapIn = 104.0, pad = 22.0, margin = 12.0
    /// Characters of 11 px text that fit a box.
    static let lineChars = 22

    struct Box { var x, y, w, h: Double
        var midY: Double { y + h / 2 }
        func overlaps(_ o: Box) -> Bool { x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h }
    }

    static func render(_ report: AuditReport) -> String {
        let tiers = AuditTiers(report)
        var boxes = [Box](repeating: Box(x: 0, y: 0, w: 0, h: 0), count: tiers.nodes.count)
        let fleetX = margin + boxW + gapOut, fleetTop = margin
        let fleetW = 2 * pad + Double(tiers.fleetColumns) * boxW + Double(tiers.fleetColumns - 1) * gapIn
        var columnBottom = [Double](repeating: fleetTop + 40, count: tiers.fleetColumns)
        for (i, n) in tiers.nodes.enumerated() {
            guard case .fleet(let c) = n.place else { continue }
            let h = height(n, report)
            boxes[i] = Box(x: fleetX + pad + Double(c) * (boxW + gapIn), y: columnBottom[c], w: boxW, h: h)
            columnBottom[c] += h + 30
        }
        let fleetH = max(columnBottom.max()! - fleetTop - 10, 120)
        let fleetBox = Box(x: fleetX, y: fleetTop, w: fleetW, h: fleetH)
        let rightX = fleetX + fleetW + gapOut

        // Outside ends: as near the middle of what they talk to as the boxes above allow.
        for side in [AuditTiers.Node.Place.left, .right] {
            var wanted: [(Int, Double)] = []
            for (i, n) in tiers.nodes.enumerated() where n.place == side {
                let ends = tiers.arrows.filter { $0.from == i || $0.to == i }.map { a -> Double in
                    let other = a.from == i ? a.to : a.from
                    return other.map { boxes[$0].midY } ?? fleetBox.midY
                }
                wanted.append((i, ends.isEmpty ? fleetBox.midY : ends.reduce(0, +) / Double(ends.count)))
            }
            var bottom = fleetTop
            for (i, y) in wanted.sorted(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) {
                let h = height(tiers.nodes[i], report)
                let top = max(y - h / 2, bottom)
                boxes[i] = Box(x: side == .left ? margin : rightX, y: top, w: boxW, h: h)
                bottom = top + h + 18
            }
        }
        let hasRight = tiers.nodes.contains { $0.place == .right }
        let width = (hasRight ? rightX + boxW : fleetX + fleetW) + margin
        let contentBottom = max(fleetBox.y + fleetBox.h, boxes.map { $0.y + $0.h }.max() ?? 0)
        let height = contentBottom + margin + Double(tiers.captions.count) * 18

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tiers\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" role=\"img\" aria-labelledby=\"tiers-title\">\n"
        svg += "<title id=\"tiers-title\">Tiers of the fleet and the flows the policy allows between them</title>\n"
        svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#3d5a80\"/></marker></defs>\n"
        let roleCount = report.roles.count, hostCount = Set(report.roles.flatMap(\.hosts)).count
        svg += "<rect class=\"fleet\" x=\"\(n(fleetBox.x))\" y=\"\(n(fleetBox.y))\" width=\"\(n(fleetBox.w))\" height=\"\(n(fleetBox.h))\" rx=\"10\"/>\n"
        svg += text(fleetBox.x + 12, fleetBox.y + 20, "fleet: \(hostCount) host\(AuditText.plural(hostCount)) in \(roleCount) role\(AuditText.plural(roleCount))", cls: "fleet-title")

        var labels: [Box] = []
        var paths = "", labelText = ""
        for a in tiers.arrows {
            let (x1, y1): (Double, Double) = a.from.map { (boxes[$0].x + boxes[$0].w, boxes[$0].midY) } ?? (fleetBox.x + fleetBox.w, a.to.map { boxes[$0].midY } ?? fleetBox.midY)
            let (x2, y2): (Double, Double) = a.to.map { (boxes[$0].x, boxes[$0].midY) } ?? (fleetBox.x, a.from.map { boxes[$0].midY } ?? fleetBox.midY)
            var d: String, mid: (Double, Double)
            if x2 > x1 {
                let dx = (x2 - x1) / 2
                d = "M\(n(x1)),\(n(y1)) C\(n(x1 + dx)),\(n(y1)) \(n(x2 - dx)),\(n(y2)) \(n(x2)),\(n(y2))"
                // Long arrows carry their label in the first gap, clear of the boxes they pass.
                let labelX = x2 - x1 > 2 * gapIn + boxW ? x1 + 64 : (x1 + x2) / 2
                mid = (labelX, bezierY(atX: labelX, x1, y1, x1 + dx, x2 - dx, x2, y2))
            } else {
                // Against the flow of the tiers (a cycle): under the boxes, bottom to bottom.
                let s = boxes[a.from!], t = boxes[a.to!]
                let sx = s.x + s.w / 2, sy = s.y + s.h, tx = t.x + t.w / 2, ty = t.y + t.h, low = max(sy, ty) + 50
                d = "M\(n(sx)),\(n(sy)) C\(n(sx)),\(n(low)) \(n(tx)),\(n(low)) \(n(tx)),\(n(ty))"
                mid = ((sx + tx) / 2, low - 12)
            }
            paths += "<path class=\"flow\" d=\"\(d)\" marker-end=\"url(#arrow)\"/>\n"
            let w = Double(a.label.count) * 6.3 + 12
            var box = Box(x: mid.0 - w / 2, y: mid.1 - 9, w: w, h: 18)
            for step in [0.0, -20, 20, -40, 40, -60, 60, -80, 80] {
                let tryBox = Box(x: box.x, y: mid.1 - 9 + step, w: w, h: 18)
                if !labels.contains(where: tryBox.overlaps) && !boxes.contains(where: tryBox.overlaps) { box = tryBox; break }
            }
            labels.append(box)
            labelText += "<rect class=\"label\" x=\"\(n(box.x))\" y=\"\(n(box.y))\" width=\"\(n(box.w))\" height=\"\(n(box.h))\" rx=\"4\"/>"
            labelText += text(box.x + box.w / 2, box.y + 13, a.label, cls: "label", anchor: "middle")
        }
        svg += paths
        for (i, node) in tiers.nodes.enumerated() { svg += self.node(node, boxes[i], report) }
        svg += labelText
        for (i, c) in tiers.captions.enumerated() { svg += text(margin, contentBottom + 24 + Double(i) * 18, c, cls: "caption") }
        return svg + "</svg>\n"
    }

    /// The lines under a box's name: what it stands for, then its notes, wrapped to the box.
    static func lines(_ node: AuditTiers.Node, _ report: AuditReport) -> (details: [String], notes: [String]) {
        let details: [String]
        switch node.place {
        case .left, .right:
            if node.kind == "addresses" {
                details = node.name.components(separatedBy: ", ").map { clip($0, lineChars) }
            } else {
                details = [clip(report.networks.first { $0.name == node.name }?.addresses.joined(separator: ", ") ?? "", lineChars)]
            }
        case .fleet:
            details = [clip(node.hosts.count > 3 ? "\(node.hosts.count) hosts" : node.hosts.joined(separator: ", "), lineChars)]
        }
        return (details, node.notes.flatMap { wrap($0, lineChars) })
    }

    static func height(_ node: AuditTiers.Node, _ report: AuditReport) -> Double {
        let l = lines(node, report)
        return 30 + Double(l.details.count + l.notes.count) * lineH
    }

    static func node(_ node: AuditTiers.Node, _ b: Box, _ report: AuditReport) -> String {
        let outside = node.place == .left || node.place == .right
        var out = "<g class=\"node \(outside ? "outside" : node.kind)\">"
        out += "<rect x=\"\(n(b.x))\" y=\"\(n(b.y))\" width=\"\(n(b.w))\" height=\"\(n(b.h))\" rx=\"6\"/>"
        let title = node.kind == "host" ? "host \(node.name)" : node.kind == "addresses" ? "addresses" : node.name
        out += text(b.x + 10, b.y + 19, clip(title, 18), cls: "name")
        let l = lines(node, report)
        for (i, d) in l.details.enumerated() { out += text(b.x + 10, b.y + 34 + Double(i) * lineH, d, cls: "detail") }
        for (i, note) in l.notes.enumerated() {
            out += text(b.x + 10, b.y + 34 + Double(l.details.count + i) * lineH, note, cls: "note")
        }
        return out + "</g>\n"
    }

    /// Words to lines of at most `width` characters (a longer word is clipped).
    static func wrap(_ s: String, _ width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in s.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width { lines.append(line); line = "  " }
            line += (line.isEmpty || line == "  " ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.map { clip($0, width) }
    }

    /// The y of the curve from (x1, y1) to (x2, y2) with control x's `c1` and `c2` (control
    /// y's those of the ends) where it crosses `x`, by sampling: x grows along these curves.
    static func bezierY(atX x: Double, _ x1: Double, _ y1: Double, _ c1: Double, _ c2: Double, _ x2: Double, _ y2: Double) -> Double {
        var best = (distance: Double.infinity, y: y1)
        for step in 0...200 {
            let t = Double(step) / 200, u = 1 - t
            let px = u * u * u * x1 + 3 * u * u * t * c1 + 3 * u * t * t * c2 + t * t * t * x2
            let py = u * u * u * y1 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y2
            if abs(px - x) < best.distance { best = (abs(px - x), py) }
        }
        return best.y
    }

    static func text(_ x: Double, _ y: Double, _ s: String, cls: String, anchor: String? = nil) -> String {
        "<text class=\"\(cls)\" x=\"\(n(x))\" y=\"\(n(y))\"\(anchor.map { " text-anchor=\"\($0)\"" } ?? "")>\(XMLText.escape(s))</text>"
    }

    static func clip(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }

    /// Coordinates with at most one decimal, so output is stable and small.
    static func n(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
