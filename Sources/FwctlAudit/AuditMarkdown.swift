import Foundation

/// The audit report as Markdown (GitHub flavoured tables): for a ticket, a wiki page or a
/// pull request that changes the policy.
public enum AuditMarkdown {
    public static func render(_ r: AuditReport) -> String {
        var out = "# Firewall audit report\n\n"
        out += "| | |\n|---|---|\n"
        out += "| Generated | \(r.generatedAt) |\n"
        out += "| Review date | \(r.reviewDate) (review-by dates before it are overdue) |\n"
        out += "| Policy SHA-256 | `\(r.policy.sha256)` |\n"
        out += "| Policy commit | \(AuditText.commit(r.policy.git)) |\n"
        out += "| Files | \(r.policy.files.map { "`\(cell($0.path))`" }.joined(separator: ", ")) |\n"
        out += "| Schema | \(r.schema) |\n\n"

        out += "## Summary\n\n"
        for line in AuditText.summary(r) { out += "- \(line)\n" }
        out += "\n"

        out += "## Flagged flows\n\n"
        let flagged = AuditText.flaggedStatements(r)
        if flagged.isEmpty {
            out += "None: every allowed flow has an owner, a justification and a review date that has not passed.\n\n"
        } else {
            out += "\(r.flaggedFlowCount) host flow\(AuditText.plural(r.flaggedFlowCount)) from \(flagged.count) statement\(AuditText.plural(flagged.count)):\n\n"
            out += "| Statement | Where | Hosts | Owner | Review by | Flags |\n|---|---|---|---|---|---|\n"
            for f in flagged {
                out += "| `\(cell(f.statement))` | \(cell(f.location)) | \(cell(f.hosts.joined(separator: ", "))) | \(cell(f.owner ?? "—")) | \(f.reviewBy ?? "—") | **\(f.flags.map(\.rawValue).joined(separator: ", "))** |\n"
            }
            out += "\n"
        }

        out += "## Reachability matrix\n\n"
        out += "What the compiled rulesets admit, role (row: source) to role or network (column: destination). "
        out += "`~` marks admission for only some hosts, ports or address families.\n\n"
        let grid = AuditGrid(r)
        if grid.rows.isEmpty {
            out += "The rulesets admit no flow between roles or networks.\n\n"
        } else {
            out += "| from \\ to | " + grid.columns.map(cell).joined(separator: " | ") + " |\n"
            out += "|---|" + String(repeating: "---|", count: grid.columns.count) + "\n"
            for row in grid.rows {
                let cells = grid.columns.map { col in grid.cell(row, col).map { "\($0.service) \($0.admits)" }.joined(separator: "<br>") }
                out += "| **\(cell(row))** | " + cells.map(cell).joined(separator: " | ") + " |\n"
            }
            out += "\n"
        }

        out += "## Policy tests\n\n\(r.tests.passed) passed, \(r.tests.failed) failed.\n\n"
        if !r.tests.results.isEmpty {
            out += "| Result | Test | Expectation | Where |\n|---|---|---|---|\n"
            for t in r.tests.results {
                let result = t.passed ? "PASS" : "**FAIL**: " + cell(t.failure ?? "")
                out += "| \(result) | \(cell(t.test)) | `\(cell(t.expectation))` | \(cell(t.location)) |\n"
            }
            out += "\n"
        }

        out += "## Hosts\n"
        for h in r.hosts { out += host(h) }
        return out
    }

    static func host(_ h: AuditReport.HostReport) -> String {
        var out = "\n### \(h.name)\n\n"
        out += "- Roles: \(h.roles.isEmpty ? "none" : h.roles.joined(separator: ", "))\n"
        out += "- Addresses: \((h.addressesV4 + h.addressesV6).map { "`\($0)`" }.joined(separator: ", "))\n"
        out += "- Compiled ruleset SHA-256: `\(h.rulesetSHA256)`\n"
        out += "- Verification: \(AuditText.verification(h.verification))\n"
        for d in h.verification.details { out += "  - \(d)\n" }
        out += "- Loaded table: \(AuditText.live(h.live))\n"
        out += "- Last apply: \(AuditText.lastApply(h.lastApply))\n\n"
        guard !h.flows.isEmpty else { return out + "No flow of the policy concerns this host.\n" }
        out += "| Direction | Action | Service | Ports | Peers | Policy | Owner | Because | Review by | Flags |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|\n"
        for f in h.flows {
            let fields = [f.direction.rawValue, f.action, f.service, f.ports.joined(separator: ", "), AuditText.peers(f.peers),
                          f.location, f.owner ?? "—", f.because ?? "—", f.reviewBy ?? "—"]
            let flags = f.flags.isEmpty ? "" : "**" + f.flags.map(\.rawValue).joined(separator: ", ") + "**"
            out += "| " + fields.map(cell).joined(separator: " | ") + " | \(flags) |\n"
        }
        return out
    }

    /// Table cell text: `|` escaped, line breaks and backticks made harmless.
    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "`", with: "'")
    }
}
