import FwctlRuleset

/// The audit report as JSON of schema `fwctl-audit/2` (docs/audit-schema-2.json): the keys of
/// schema 1 but for the host's flows, verification and table hash, which are its class's
/// (`classes[]`), and peers named rather than expanded. The report is written host by host
/// (`AuditExport.write`), in fwctl's JSON convention like the value (`FwctlJSON.text`).
public enum AuditJSON2 {
    /// One host: what is its own (name, roles, addresses, live state, last apply) and its class.
    public struct HostEntry: Hashable, Sendable {
        public var name: String
        public var roles: [String]
        public var addressesV4: [String]
        public var addressesV6: [String]
        public var classID: Int
        public var live: AuditReport.Live
        public var lastApply: AuditReport.LastApply?
    }

    /// The whole report as one value (small fleets, tests); `AuditExport.write` writes the same
    /// text in pieces.
    public static func value(_ export: AuditExport) -> JSONValue {
        guard case .object(let fields) = fleetValue(export.header) else { return .null }
        return .object(fields + [("hosts", .array(export.hostReports.map(host)))])
    }

    /// Everything but `hosts`.
    public static func fleetValue(_ h: AuditHeader) -> JSONValue {
        typealias J = AuditJSON
        return .object([
            ("schema", .string(AuditExport.schemaVersion)),
            ("generated_at", .string(h.generatedAt)),
            ("review_date", .string(h.reviewDate)),
            ("policy", J.policy(h.policy)),
            ("summary", .object([
                ("hosts", J.int(h.hostCount)),
                ("classes", J.int(h.classes.count)),
                ("flows", J.int(h.flowCount)),
                ("flagged_flows", J.int(h.flaggedFlowCount)),
                ("verified_clean", J.int(h.verifiedClean)),
                ("tests_passed", J.int(h.tests.passed)),
                ("tests_failed", J.int(h.tests.failed)),
                ("clean", .bool(h.isClean)),
            ])),
            ("roles", J.roles(h.roles)),
            ("networks", J.networks(h.networks)),
            ("classes", .array(h.classes.map(classValue))),
            ("tests", J.tests(h.tests)),
            ("matrix", J.matrix(h.matrix)),
            ("diagram", J.diagram(h.diagram)),
        ])
    }

    static func classValue(_ c: AuditClass) -> JSONValue {
        .object([
            ("id", AuditJSON.int(c.id)),
            ("hosts", AuditJSON.int(c.hosts)),
            ("ruleset_sha256", .string(c.rulesetSHA256)),
            ("flows", .array(c.flows.map { AuditJSON.flow($0, expanded: false) })),
            ("verification", AuditJSON.verification(c.verification)),
            ("example_host", .string(c.exampleHost)),
        ])
    }

    /// `host(h).sortedKeys.pretty(indent: 2)`, written directly: the hosts are most of a large
    /// report, and building a value per host to print it costs more than the rest of the
    /// export. `live` and `lastApply` are their values so printed at indent 3 (alike hosts
    /// share them).
    static func hostText(_ h: HostEntry, live: String, lastApply: String) -> String {
        func list(_ items: [String], _ indent: Int) -> String {
            if items.isEmpty { return "[]" }
            let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
            return "[\n" + items.map { pad + JSONValue.quote($0) }.joined(separator: ",\n") + "\n" + end + "]"
        }
        return "{\n      \"addresses\": {\n        \"ipv4\": \(list(h.addressesV4, 4)),\n        \"ipv6\": \(list(h.addressesV6, 4))\n      },\n"
            + "      \"class\": \(h.classID),\n      \"last_apply\": \(lastApply),\n      \"live\": \(live),\n"
            + "      \"name\": \(JSONValue.quote(h.name)),\n      \"roles\": \(list(h.roles, 3))\n    }"
    }

    public static func host(_ h: HostEntry) -> JSONValue {
        .object([
            ("name", .string(h.name)),
            ("roles", AuditJSON.strings(h.roles)),
            ("addresses", .object([("ipv4", AuditJSON.strings(h.addressesV4)), ("ipv6", AuditJSON.strings(h.addressesV6))])),
            ("class", AuditJSON.int(h.classID)),
            ("live", AuditJSON.live(h.live)),
            ("last_apply", AuditJSON.lastApply(h.lastApply)),
        ])
    }
}
