import FwctlRuleset

/// The audit report as JSON, the versioned contract of docs/audit-schema.json.
///
/// Keys are snake_case and always present (absent values are `null`), in fwctl's JSON
/// convention (`FwctlJSON`: sorted), so two exports of the same policy diff cleanly.
public enum AuditJSON {
    public static func render(_ r: AuditReport) -> String {
        FwctlJSON.text(value(r))
    }

    public static func value(_ r: AuditReport) -> JSONValue {
        .object([
            ("schema", .string(r.schema)),
            ("generated_at", .string(r.generatedAt)),
            ("review_date", .string(r.reviewDate)),
            ("policy", policy(r.policy)),
            ("summary", .object([
                ("hosts", int(r.hosts.count)),
                ("flows", int(r.flowCount)),
                ("flagged_flows", int(r.flaggedFlowCount)),
                ("verified_clean", int(r.hosts.filter(\.verification.clean).count)),
                ("tests_passed", int(r.tests.passed)),
                ("tests_failed", int(r.tests.failed)),
                ("clean", .bool(r.isClean)),
            ])),
            ("roles", roles(r.roles)),
            ("networks", networks(r.networks)),
            ("hosts", .array(r.hosts.map(host))),
            ("tests", tests(r.tests)),
            ("matrix", matrix(r.matrix)),
            ("diagram", diagram(r.diagram)),
        ])
    }

    static func policy(_ p: AuditReport.PolicyInfo) -> JSONValue {
        .object([
            ("files", .array(p.files.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256))]) })),
            ("sha256", .string(p.sha256)),
            ("git", p.git.map { .object([("commit", .string($0.commit)), ("dirty", .bool($0.dirty))]) } ?? .null),
        ])
    }

    static func roles(_ roles: [AuditReport.RoleInfo]) -> JSONValue {
        .array(roles.map { .object([("name", .string($0.name)), ("hosts", strings($0.hosts))]) })
    }

    static func networks(_ networks: [AuditReport.NetworkInfo]) -> JSONValue {
        .array(networks.map { .object([("name", .string($0.name)), ("addresses", strings($0.addresses))]) })
    }

    static func tests(_ t: AuditReport.TestResults) -> JSONValue {
        .object([
            ("passed", int(t.passed)),
            ("failed", int(t.failed)),
            ("results", .array(t.results.map {
                .object([("test", .string($0.test)), ("expectation", .string($0.expectation)), ("location", .string($0.location)),
                         ("passed", .bool($0.passed)), ("failure", optional($0.failure))])
            })),
        ])
    }

    static func matrix(_ cells: [AuditReport.MatrixCell]) -> JSONValue {
        .array(cells.map {
            .object([("source", .string($0.source)), ("destination", .string($0.destination)), ("service", .string($0.service)),
                     ("admits", .string($0.admits)), ("partial", .bool($0.partial))])
        })
    }

    static func diagram(_ edges: [AuditReport.DiagramEdge]) -> JSONValue {
        .array(edges.map {
            .object([("from_kind", .string($0.fromKind)), ("from", .string($0.from)), ("to_kind", .string($0.toKind)),
                     ("to", .string($0.to)), ("services", strings($0.services))])
        })
    }

    static func host(_ h: AuditReport.HostReport) -> JSONValue {
        .object([
            ("name", .string(h.name)),
            ("roles", strings(h.roles)),
            ("addresses", .object([("ipv4", strings(h.addressesV4)), ("ipv6", strings(h.addressesV6))])),
            ("ruleset_sha256", .string(h.rulesetSHA256)),
            ("flows", .array(h.flows.map { flow($0) })),
            ("verification", verification(h.verification)),
            ("live", live(h.live)),
            ("last_apply", lastApply(h.lastApply)),
        ])
    }

    static func verification(_ v: AuditReport.Verification) -> JSONValue {
        .object([
            ("clean", .bool(v.clean)),
            ("discrepancies", int(v.discrepancies)),
            ("problems", int(v.problems)),
            ("anomalies", int(v.anomalies)),
            ("details", strings(v.details)),
        ])
    }

    static func live(_ l: AuditReport.Live) -> JSONValue {
        .object([
            ("state", .string(l.state.rawValue)),
            ("reason", optional(l.reason)),
            ("changes", .object([("add", int(l.add)), ("change", int(l.change)), ("remove", int(l.remove))])),
        ])
    }

    static func lastApply(_ a: AuditReport.LastApply?) -> JSONValue {
        a.map { a in
            .object([("time", .string(a.time)), ("user", .string(a.user)), ("outcome", .string(a.outcome)),
                     ("policy_sha256", .string(a.policySHA256)), ("generation", a.generation.map { int(Int($0)) } ?? .null)])
        } ?? .null
    }

    /// A flow; `expanded`: each peer with the hosts it stands for (schema 1), else by name.
    static func flow(_ f: AuditReport.FlowEntry, expanded: Bool = true) -> JSONValue {
        .object([
            ("direction", .string(f.direction.rawValue)),
            ("action", .string(f.action)),
            ("service", .string(f.service)),
            ("ports", strings(f.ports)),
            ("peers", .array(f.peers.map {
                .object([("kind", .string($0.kind)), ("name", .string($0.name))] + (expanded ? [("hosts", strings($0.hosts))] : [])
                        + [("addresses", strings($0.addresses))])
            })),
            ("location", .string(f.location)),
            ("statement", .string(f.statement)),
            ("owner", optional(f.owner)),
            ("because", optional(f.because)),
            ("review_by", optional(f.reviewBy)),
            ("flags", strings(f.flags.map(\.rawValue))),
        ])
    }

    static func int(_ n: Int) -> JSONValue { .int(Int64(n)) }
    static func strings(_ s: [String]) -> JSONValue { .array(s.map { .string($0) }) }
    static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
}
