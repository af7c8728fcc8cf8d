import FwctlRuleset

/// The audit report as JSON, the versioned contract of docs/audit-schema.json.
///
/// Keys are snake_case and always present (absent values are `null`), in a fixed order, so
/// two exports of the same policy diff cleanly.
public enum AuditJSON {
    public static func render(_ r: AuditReport) -> String {
        value(r).pretty() + "\n"
    }

    public static func value(_ r: AuditReport) -> JSONValue {
        .object([
            ("schema", .string(r.schema)),
            ("generated_at", .string(r.generatedAt)),
            ("review_date", .string(r.reviewDate)),
            ("policy", .object([
                ("files", .array(r.policy.files.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256))]) })),
                ("sha256", .string(r.policy.sha256)),
                ("git", r.policy.git.map { .object([("commit", .string($0.commit)), ("dirty", .bool($0.dirty))]) } ?? .null),
            ])),
            ("summary", .object([
                ("hosts", int(r.hosts.count)),
                ("flows", int(r.flowCount)),
                ("flagged_flows", int(r.flaggedFlowCount)),
                ("verified_clean", int(r.hosts.filter(\.verification.clean).count)),
                ("tests_passed", int(r.tests.passed)),
                ("tests_failed", int(r.tests.failed)),
                ("clean", .bool(r.isClean)),
            ])),
            ("roles", .array(r.roles.map { .object([("name", .string($0.name)), ("hosts", strings($0.hosts))]) })),
            ("networks", .array(r.networks.map { .object([("name", .string($0.name)), ("addresses", strings($0.addresses))]) })),
            ("hosts", .array(r.hosts.map(host))),
            ("tests", .object([
                ("passed", int(r.tests.passed)),
                ("failed", int(r.tests.failed)),
                ("results", .array(r.tests.results.map {
                    .object([("test", .string($0.test)), ("expectation", .string($0.expectation)), ("location", .string($0.location)),
                             ("passed", .bool($0.passed)), ("failure", optional($0.failure))])
                })),
            ])),
            ("matrix", .array(r.matrix.map {
                .object([("source", .string($0.source)), ("destination", .string($0.destination)), ("service", .string($0.service)),
                         ("admits", .string($0.admits)), ("partial", .bool($0.partial))])
            })),
            ("diagram", .array(r.diagram.map {
                .object([("from_kind", .string($0.fromKind)), ("from", .string($0.from)), ("to_kind", .string($0.toKind)),
                         ("to", .string($0.to)), ("services", strings($0.services))])
            })),
        ])
    }

    static func host(_ h: AuditReport.HostReport) -> JSONValue {
        .object([
            ("name", .string(h.name)),
            ("roles", strings(h.roles)),
            ("addresses", .object([("ipv4", strings(h.addressesV4)), ("ipv6", strings(h.addressesV6))])),
            ("ruleset_sha256", .string(h.rulesetSHA256)),
            ("flows", .array(h.flows.map(flow))),
            ("verification", .object([
                ("clean", .bool(h.verification.clean)),
                ("discrepancies", int(h.verification.discrepancies)),
                ("problems", int(h.verification.problems)),
                ("anomalies", int(h.verification.anomalies)),
                ("details", strings(h.verification.details)),
            ])),
            ("live", .object([
                ("state", .string(h.live.state.rawValue)),
                ("reason", optional(h.live.reason)),
                ("changes", .object([("add", int(h.live.add)), ("change", int(h.live.change)), ("remove", int(h.live.remove))])),
            ])),
            ("last_apply", h.lastApply.map { a in
                .object([("time", .string(a.time)), ("user", .string(a.user)), ("outcome", .string(a.outcome)),
                         ("policy_sha256", .string(a.policySHA256)), ("generation", a.generation.map { int(Int($0)) } ?? .null)])
            } ?? .null),
        ])
    }

    static func flow(_ f: AuditReport.FlowEntry) -> JSONValue {
        .object([
            ("direction", .string(f.direction.rawValue)),
            ("action", .string(f.action)),
            ("service", .string(f.service)),
            ("ports", strings(f.ports)),
            ("peers", .array(f.peers.map {
                .object([("kind", .string($0.kind)), ("name", .string($0.name)), ("hosts", strings($0.hosts)), ("addresses", strings($0.addresses))])
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
