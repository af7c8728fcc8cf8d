import FwctlRuleset

/// The lines of a rendered plan, grouped per object for review: the table, then each set
/// with its element changes under it, then each chain followed by its rule changes. The plan
/// itself stays in batch order; only the display regroups it.
struct PlanLines {
    struct Line: Equatable {
        let symbol: Symbol
        let depth: Int
        let text: String
    }

    private(set) var lines: [Line] = []
    private let renderer: PlanRenderer

    init(plan: Plan, renderer: PlanRenderer) {
        self.renderer = renderer
        var sets = Grouped()
        var chains = Grouped()
        for change in plan.changes {
            switch change {
            case .createTable(let ref): lines.append(Line(symbol: .add, depth: 0, text: "table \(ref)"))
            case .changeTableFlags(let from, let to):
                lines.append(Line(symbol: .change, depth: 0, text: "table \(plan.table): flags \(Self.flags(from)) -> \(Self.flags(to))"))
            case .deleteObject(let o): lines.append(Line(symbol: .remove, depth: 0, text: o.description))
            case .addSet(let s): sets.add(s.name, change)
            case .deleteSet(let name, _), .addElements(let name, _, _), .removeElements(let name, _, _): sets.add(name, change)
            case .addChain(let c): chains.add(c.name, change)
            case .deleteChain(let name), .changeChainPolicy(let name, _, _),
                 .addRule(let name, _, _, _), .deleteRule(let name, _, _), .replaceRule(let name, _, _, _): chains.add(name, change)
            }
        }
        for (name, changes) in sets.groups { setLines(name, changes) }
        for (name, changes) in chains.groups { chainLines(name, changes, family: plan.table.family) }
    }

    private mutating func setLines(_ name: String, _ changes: [Change]) {
        let deleted = changes.contains { if case .deleteSet = $0 { true } else { false } }
        let drift = changes.lazy.compactMap { if case .deleteSet(_, let d) = $0, !d.isEmpty { d } else { nil } }.first
        let added = changes.lazy.compactMap { if case .addSet(let s) = $0 { s } else { nil } }.first
        // A dispatch map is created empty and gets its elements once the chains they jump to
        // exist: they are shown with it, as what it is created with.
        let keyType = changes.lazy.compactMap { c -> SetKeyType? in
            switch c {
            case .addSet(let s): s.keyType
            case .addElements(_, let k, _), .removeElements(_, let k, _): k
            default: nil
            }
        }.first
        let noun = keyType == .protoService ? "map" : "set"
        if var set = added {
            for case .addElements(_, _, let more) in changes { set.elements += more }
            let why = drift.map { ": recreated without " + $0.joined(separator: ", ") } ?? ""
            lines.append(Line(symbol: deleted ? .replace : .add, depth: 0, text: "\(noun) \(name)\(why) (\(Self.header(set)))"))
            let shown = renderer.newSetElementLimit.map { min($0, set.elements.count) } ?? set.elements.count
            for e in set.elements.prefix(shown) { lines.append(Line(symbol: .add, depth: 1, text: "element \(renderer.elementText(e))")) }
            if shown < set.elements.count {
                lines.append(Line(symbol: .add, depth: 1, text: "... and \(set.elements.count - shown) more elements"))
            }
            return
        }
        if deleted {
            lines.append(Line(symbol: .remove, depth: 0, text: "\(noun) \(name)"))
            return
        }
        lines.append(Line(symbol: .change, depth: 0, text: "\(noun) \(name)"))
        for change in changes {
            switch change {
            case .removeElements(_, _, let elements):
                lines += elements.map { Line(symbol: .remove, depth: 1, text: "element \(renderer.elementText($0))") }
            case .addElements(_, _, let elements):
                lines += elements.map { Line(symbol: .add, depth: 1, text: "element \(renderer.elementText($0))") }
            default: break
            }
        }
    }

    private mutating func chainLines(_ name: String, _ changes: [Change], family: TableFamily) {
        let deleted = changes.contains { if case .deleteChain = $0 { true } else { false } }
        let added = changes.lazy.compactMap { if case .addChain(let c) = $0 { c } else { nil } }.first
        if let chain = added {
            lines.append(Line(symbol: deleted ? .replace : .add, depth: 0, text: "chain \(name)" + Self.header(chain, family: family)))
        } else if deleted {
            lines.append(Line(symbol: .remove, depth: 0, text: "chain \(name)"))
        }
        for change in changes {
            switch change {
            case .changeChainPolicy(_, let from, let to):
                lines.append(Line(symbol: .change, depth: 0, text: "chain \(name): policy \(from.rawValue) -> \(to.rawValue)"))
            case .deleteRule(_, let handle, let rule):
                lines.append(Line(symbol: .remove, depth: 0, text: "rule \(name) handle \(handle): \(renderer.describe(rule))"))
            case .addRule(_, let rule, let position, _):
                lines.append(Line(symbol: .add, depth: 0, text: "rule \(name)\(Self.where(position)): \(renderer.describe(rule))"))
            case .replaceRule(_, let handle, let from, let to):
                // Only the policy line differs: show the rule once and the comment's change.
                var bare = from
                bare.comment = nil
                let comments = "  # \(from.comment ?? "(no comment)") -> \(to.comment ?? "(no comment)")"
                lines.append(Line(symbol: .change, depth: 0, text: "rule \(name) handle \(handle): \(renderer.ruleText(bare))" + comments))
            default: break
            }
        }
    }

    /// Where a new rule goes, in words; nothing for "after the line above" and "at the end".
    private static func `where`(_ position: RuleAnchor) -> String {
        switch position {
        case .top: " at the top"
        case .append, .afterNew: ""
        case .afterHandle(let h): " after handle \(h)"
        case .beforeHandle(let h): " before handle \(h)"
        }
    }

    /// `dormant`, or `(none)`, as `nft list` names table flags.
    private static func flags(_ f: UInt32) -> String {
        f == 0 ? "(none)" : NftText.tableFlagNames(f).joined(separator: ",")
    }

    private static func header(_ set: NamedSet) -> String {
        var parts = ["type \(set.keyType.rawValue)" + (set.keyType == .protoService ? " : verdict" : "")]
        if set.isInterval { parts.append("flags interval") }
        if let c = set.comment { parts.append("comment \"\(c)\"") }
        parts.append(set.elements.count == 1 ? "1 element" : "\(set.elements.count) elements")
        return parts.joined(separator: ", ")
    }

    /// ` (type filter hook input priority filter; policy drop;)` as nft writes a hook.
    private static func header(_ chain: Chain, family: TableFamily) -> String {
        var parts: [String] = []
        if let h = chain.hook { parts.append(NftText.render(hook: h, family: family)) }
        if let c = chain.comment { parts.append("comment \"\(c)\"") }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: " ") + ")"
    }
}

/// Changes grouped by object name, groups in order of first appearance.
private struct Grouped {
    private var order: [String] = []
    private var byName: [String: [Change]] = [:]

    mutating func add(_ name: String, _ change: Change) {
        if byName[name] == nil { order.append(name) }
        byName[name, default: []].append(change)
    }

    var groups: [(String, [Change])] { order.map { ($0, byName[$0]!) } }
}
