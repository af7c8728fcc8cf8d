import Foundation

/// The audit report as CSV (RFC 4180): a header row, then one row per host × flow, for a
/// spreadsheet review of every rule's owner, justification and review date.
///
/// Lists (ports, peers, flags) are joined with `; ` inside one field. Fleet-level facts (the
/// matrix, tests) are not rows here: they are in the other formats.
public enum AuditCSV {
    public static let columns = [
        "host", "roles", "direction", "action", "service", "ports", "peers", "peer_hosts",
        "location", "statement", "owner", "because", "review_by", "flags",
        "verified_clean", "live_state", "ruleset_sha256", "policy_sha256",
    ]

    public static func render(_ r: AuditReport) -> String {
        var out = row(columns)
        for h in r.hosts {
            for f in h.flows {
                out += row([
                    h.name, h.roles.joined(separator: "; "), f.direction.rawValue, f.action, f.service,
                    f.ports.joined(separator: "; "), f.peers.map(\.name).joined(separator: "; "),
                    f.peers.flatMap(\.hosts).joined(separator: "; "),
                    f.location, f.statement, f.owner ?? "", f.because ?? "", f.reviewBy ?? "",
                    f.flags.map(\.rawValue).joined(separator: "; "),
                    h.verification.clean ? "yes" : "no", h.live.state.rawValue, h.rulesetSHA256, r.policy.sha256,
                ])
            }
        }
        return out
    }

    /// One record, CRLF-terminated as RFC 4180 says.
    static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// Quoted when it holds a comma, quote or line break (quotes doubled). A field a
    /// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or carriage return first:
    /// OWASP's CSV injection list) gets a leading `'`: policy text is written by many people.
    static func field(_ s: String) -> String {
        var s = s
        if let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { s = "'" + s }
        // Scalars, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n".
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
