/// Phrases every human-readable format shares, so Markdown and HTML say the same words.
/// `escape` is applied to each piece of outside text in a phrase (names, reasons, users):
/// Markdown escapes those and keeps its own markup; HTML escapes the whole phrase instead.
enum AuditText {
    static func commit(_ git: AuditReport.Git?) -> String {
        guard let git else { return "not in a git work tree" }
        return git.commit + (git.dirty ? " (with uncommitted changes)" : "")
    }

    /// Bullet points of the report's summary.
    static func summary(_ r: AuditReport, escape: (String) -> String = { $0 }) -> [String] {
        let clean = r.hosts.filter(\.verification.clean).count
        return [
            "\(r.hosts.count) host\(plural(r.hosts.count)) in \(r.roles.count) role\(plural(r.roles.count)); \(r.flowCount) host flow\(plural(r.flowCount))",
            "\(r.flaggedFlowCount) flagged flow\(plural(r.flaggedFlowCount)) (overdue review, no justification, no owner or no review date)",
            "Verification: \(clean) of \(r.hosts.count) compiled ruleset\(plural(r.hosts.count)) admit exactly the policy's flows",
            "Policy tests: \(r.tests.passed) passed, \(r.tests.failed) failed",
            "Loaded tables: " + liveSummary(r, escape: escape),
        ]
    }

    static func liveSummary(_ r: AuditReport, escape: (String) -> String = { $0 }) -> String {
        let checked = r.hosts.filter { $0.live.state != .notChecked }
        if checked.isEmpty { return "not checked (needs `--live`, as root, on the host)" }
        let drift = checked.filter { $0.live.state == .drift }.map(\.name)
        return "\(checked.count) checked, " + (drift.isEmpty ? "all match the policy" : "drift on " + drift.map(escape).joined(separator: ", "))
    }

    static func verification(_ v: AuditReport.Verification) -> String {
        let anomalies = v.anomalies == 0 ? "" : "; \(v.anomalies) redundant or shadowed rule\(plural(v.anomalies))"
        if v.clean { return "clean: the ruleset admits exactly the policy's flows" + anomalies }
        return "NOT clean: \(v.discrepancies) discrepanc\(v.discrepancies == 1 ? "y" : "ies"), \(v.problems) problem\(plural(v.problems))" + anomalies
    }

    static func live(_ l: AuditReport.Live, escape: (String) -> String = { $0 }) -> String {
        switch l.state {
        case .matched: return "matches the policy"
        case .drift: return "DRIFT: \(l.add) to add, \(l.change) to change, \(l.remove) to remove" + (l.reason.map { " (\(escape($0)))" } ?? "")
        case .notChecked: return "not checked" + (l.reason.map { ": \(escape($0))" } ?? "")
        }
    }

    static func lastApply(_ a: AuditReport.LastApply?, escape: (String) -> String = { $0 }) -> String {
        guard let a else { return "no record" }
        return "\(escape(a.time)) by \(escape(a.user)): \(escape(a.outcome))" + (a.generation.map { ", kernel generation \($0)" } ?? "") + ", policy \(escape(String(a.policySHA256.prefix(12))))"
    }

    /// `lb (lb-01, lb-02); internet`.
    static func peers(_ peers: [AuditReport.Peer], escape: (String) -> String = { $0 }) -> String {
        peers.map { p in
            switch p.kind {
            case "fleet": "* (every host)"
            case "role": "\(escape(p.name)) (\(p.hosts.isEmpty ? "itself only" : p.hosts.map(escape).joined(separator: ", ")))"
            default: escape(p.name)
            }
        }.joined(separator: "; ")
    }

    static func plural(_ n: Int) -> String { n == 1 ? "" : "s" }

    /// A flagged policy statement with every host and service it concerns: one line for the
    /// auditor instead of one per host, direction and service.
    struct FlaggedStatement {
        var location: String
        var statement: String
        var owner: String?
        var reviewBy: String?
        var hosts: [String]
        var services: [String]
        var flags: [AuditReport.Flag]
    }

    static func flaggedStatements(_ r: AuditReport) -> [FlaggedStatement] {
        var out: [FlaggedStatement] = []
        for h in r.hosts {
            for f in h.flagged {
                var i = out.firstIndex { $0.location == f.location && $0.statement == f.statement }
                if i == nil {
                    out.append(FlaggedStatement(location: f.location, statement: f.statement, owner: f.owner, reviewBy: f.reviewBy, hosts: [], services: [], flags: []))
                    i = out.count - 1
                }
                if !out[i!].hosts.contains(h.name) { out[i!].hosts.append(h.name) }
                if !out[i!].services.contains(f.service) { out[i!].services.append(f.service) }
                for flag in f.flags where !out[i!].flags.contains(flag) { out[i!].flags.append(flag) }
            }
        }
        // Policy order: by file, then line.
        return out.sorted { a, b in
            let (fa, la) = split(a.location), (fb, lb) = split(b.location)
            return fa != fb ? fa < fb : la < lb
        }
    }

    private static func split(_ location: String) -> (String, Int) {
        guard let colon = location.lastIndex(of: ":") else { return (location, 0) }
        return (String(location[..<colon]), Int(location[location.index(after: colon)...]) ?? 0)
    }
}

/// The matrix as a grid: source rows (ends that send), destination columns (ends that receive).
struct AuditGrid {
    let rows: [String]
    let columns: [String]
    private let cells: [String: [AuditReport.MatrixCell]]

    /// Roles then networks in policy order; an end is a row only if it sends something, a
    /// column only if it receives something, so the table has no empty margins.
    init(_ r: AuditReport) {
        let ends = r.roles.map(\.name) + r.networks.map(\.name)
        rows = ends.filter { e in r.matrix.contains { $0.source == e } }
        columns = ends.filter { e in r.matrix.contains { $0.destination == e } }
        var cells: [String: [AuditReport.MatrixCell]] = [:]
        for c in r.matrix { cells["\(c.source)\u{0}\(c.destination)", default: []].append(c) }
        self.cells = cells
    }

    func cell(_ row: String, _ column: String) -> [AuditReport.MatrixCell] {
        cells["\(row)\u{0}\(column)"] ?? []
    }
}
