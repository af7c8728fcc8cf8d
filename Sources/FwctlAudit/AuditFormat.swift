/// The formats `fwctl audit export` writes. JSON comes in two schemas: 2 (the default) names
/// peers and shares per-class facts, so its size grows with the fleet, not its square; 1 lists
/// every peer host in every flow, as CSV, Markdown and HTML still do (docs/AUDIT.md).
public enum AuditFormat: String, CaseIterable, Sendable {
    case json, csv, md, html

    /// The report in this format, schema 1 for JSON.
    public func render(_ report: AuditReport) -> String {
        switch self {
        case .json: AuditJSON.render(report)
        case .csv: AuditCSV.render(report)
        case .md: AuditMarkdown.render(report)
        case .html: AuditHTML.render(report)
        }
    }
}
