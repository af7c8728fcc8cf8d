import Foundation
import FwctlNet

/// The audit report as Markdown (GitHub flavoured tables): for a ticket, a wiki page or a
/// pull request that changes the policy.
///
/// Every text that comes from the policy, the apply log or the kernel (names, owners,
/// justifications, test names, reasons) goes through `text` or `code`: it is shown as
/// written and can never become markup, a link or raw HTML.
public enum AuditMarkdown {
    public static func render(_ r: AuditReport) -> String {
        var out = "# Firewall audit report\n\n"
        out += "| | |\n|---|---|\n"
        out += "| Generated | \(text(r.generatedAt)) |\n"
        out += "| Review date | \(text(r.reviewDate)) (review-by dates before it are overdue) |\n"
        out += "| Policy SHA-256 | \(code(r.policy.sha256)) |\n"
        out += "| Policy commit | \(text(AuditText.commit(r.policy.git))) |\n"
        out += "| Files | \(r.policy.files.map { code($0.path) }.joined(separator: ", ")) |\n"
        out += "| Schema | \(text(r.schema)) |\n\n"

        out += "## Summary\n\n"
        for line in AuditText.summary(r, escape: text) { out += "- \(line)\n" }
        out += "\n"

        out += "## Flagged flows\n\n"
        let flagged = AuditText.flaggedStatements(r)
        if flagged.isEmpty {
            out += "None: every allowed flow has an owner, a justification and a review date that has not passed.\n\n"
        } else {
            out += "\(r.flaggedFlowCount) host flow\(AuditText.plural(r.flaggedFlowCount)) from \(flagged.count) statement\(AuditText.plural(flagged.count)):\n\n"
            out += "| Statement | Where | Hosts | Owner | Review by | Flags |\n|---|---|---|---|---|---|\n"
            for f in flagged {
                out += "| \(code(f.statement)) | \(text(f.location)) | \(text(f.hosts.joined(separator: ", "))) | \(text(f.owner ?? "—")) | \(text(f.reviewBy ?? "—")) | **\(f.flags.map(\.rawValue).joined(separator: ", "))** |\n"
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
            out += "| from \\ to | " + grid.columns.map(text).joined(separator: " | ") + " |\n"
            out += "|---|" + String(repeating: "---|", count: grid.columns.count) + "\n"
            for row in grid.rows {
                let cells = grid.columns.map { col in grid.cell(row, col).map { "\(text($0.service)) \(text($0.admits, keeping: ["~"]))" }.joined(separator: "<br>") }
                out += "| **\(text(row))** | " + cells.joined(separator: " | ") + " |\n"
            }
            out += "\n"
        }

        out += "## Policy tests\n\n\(r.tests.passed) passed, \(r.tests.failed) failed.\n\n"
        if !r.tests.results.isEmpty {
            out += "| Result | Test | Expectation | Where |\n|---|---|---|---|\n"
            for t in r.tests.results {
                let result = t.passed ? "PASS" : "**FAIL**: " + text(t.failure ?? "")
                out += "| \(result) | \(text(t.test)) | \(code(t.expectation)) | \(text(t.location)) |\n"
            }
            out += "\n"
        }

        out += "## Hosts\n"
        for h in r.hosts { out += host(h) }
        return out
    }

    static func host(_ h: AuditReport.HostReport) -> String {
        var out = "\n### \(text(h.name))\n\n"
        out += "- Roles: \(h.roles.isEmpty ? "none" : h.roles.map(text).joined(separator: ", "))\n"
        out += "- Addresses: \((h.addressesV4 + h.addressesV6).map(code).joined(separator: ", "))\n"
        out += "- Compiled ruleset SHA-256: \(code(h.rulesetSHA256))\n"
        out += "- Verification: \(text(AuditText.verification(h.verification)))\n"
        for d in h.verification.details { out += "  - \(text(d))\n" }
        out += "- Loaded table: \(AuditText.live(h.live, escape: text))\n"
        out += "- Last apply: \(AuditText.lastApply(h.lastApply, escape: text))\n\n"
        guard !h.flows.isEmpty else { return out + "No flow of the policy concerns this host.\n" }
        out += "| Direction | Action | Service | Ports | Peers | Policy | Owner | Because | Review by | Flags |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|\n"
        for f in h.flows {
            let texts = [f.direction.rawValue, f.action, f.service, f.ports.joined(separator: ", ")].map { text($0) }
            let more = [f.location, f.owner ?? "—", f.because ?? "—", f.reviewBy ?? "—"].map { text($0) }
            let flags = f.flags.isEmpty ? "" : "**" + f.flags.map(\.rawValue).joined(separator: ", ") + "**"
            out += "| " + (texts + [AuditText.peers(f.peers, escape: text)] + more).joined(separator: " | ") + " | \(flags) |\n"
        }
        return out
    }

    /// Characters that can start Markdown or HTML markup (CommonMark and GitHub's tables,
    /// strikethrough and autolinks in angle brackets); each is backslash-escaped.
    static let markup: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "<", ">", "&", "|", "~", "#"]

    /// Text as written, never markup: markup characters backslash-escaped (`\|` also keeps a
    /// table cell whole), line breaks made spaces. `keeping` leaves characters this renderer
    /// wrote on purpose (the matrix's `~`).
    static func text(_ s: String, keeping: Set<Unicode.Scalar>) -> String {
        s.replacingScalars { c in
            if c == "\n" || c == "\r" { return " " }
            return markup.contains(c) && !keeping.contains(c) ? "\\" + String(c) : nil
        }
    }

    static func text(_ s: String) -> String { text(s, keeping: []) }

    /// A code span holding `s` literally: fenced by one backtick more than the longest run of
    /// backticks inside (padded with spaces when it starts or ends with one), `|` escaped for
    /// the table (GitHub reads `\|` as `|` inside code in a table cell), line breaks as spaces.
    static func code(_ s: String) -> String {
        var longest = 0, run = 0
        for c in s.unicodeScalars { run = c == "`" ? run + 1 : 0; longest = max(longest, run) }
        let fence = String(repeating: "`", count: longest + 1)
        var body = s.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|")
        if body.hasPrefix("`") || body.hasSuffix("`") { body = " \(body) " }
        return fence + body + fence
    }
}
