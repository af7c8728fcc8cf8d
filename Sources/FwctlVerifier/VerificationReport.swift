import FwctlEvaluator
import FwctlNet
import FwctlRuleset

/// What `fwctl verify` prints: the hosts' verifications and, on request, the matrices; as
/// text for people or as JSON (stable, documented in docs/CLI.md) for tools.
public struct VerificationReport: Sendable {
    /// Where the verified rulesets came from: `compiled` or `live`.
    public var source: String
    public var hosts: [HostVerification]
    public var matrix: ReachabilityMatrix?
    public var hostMatrix: ReachabilityMatrix?

    public init(source: String, hosts: [HostVerification], matrix: ReachabilityMatrix? = nil, hostMatrix: ReachabilityMatrix? = nil) {
        self.source = source
        self.hosts = hosts
        self.matrix = matrix
        self.hostMatrix = hostMatrix
    }

    public var isClean: Bool { hosts.allSatisfy(\.isClean) }

    /// One block per host: a verdict line, then discrepancies, problems and anomalies; the
    /// matrices last.
    public var text: String {
        var lines: [String] = []
        for h in hosts {
            let n = h.discrepancies.count + h.problems.count
            lines.append(h.isClean ? "\(h.host): ok: \(source) ruleset admits exactly the policy's flows"
                                   : "\(h.host): FAILED: \(counted(n, "discrepancy", "discrepancies")) with the policy (\(source) ruleset)")
            for d in h.discrepancies { lines.append("  " + d.description) }
            for p in h.problems {
                lines.append("  \(p.direction.rawValue) \(p.kind.rawValue): \(p.message)")
                for r in p.rules { lines.append("    " + r.description) }
            }
            for a in h.anomalies {
                lines.append("  \(a.direction.rawValue) \(a.kind.rawValue) (warning): \(a.rule)")
                if !a.hiddenBy.isEmpty { lines.append("    hidden by " + a.hiddenBy.map(\.description).joined(separator: ", ")) }
            }
        }
        if let matrix { lines += ["", "role x role (services admitted):", matrix.description] }
        if let hostMatrix { lines += ["", "host x host (services admitted):", hostMatrix.description] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON document (docs/CLI.md), in fwctl's JSON convention.
    public var json: String {
        var fields: [(String, JSONValue)] = [
            ("source", .string(source)),
            ("clean", .bool(isClean)),
            ("hosts", .array(hosts.map(Self.json))),
        ]
        if let matrix { fields.append(("matrix", Self.json(matrix))) }
        if let hostMatrix { fields.append(("host_matrix", Self.json(hostMatrix))) }
        return FwctlJSON.text(.object(fields))
    }

    static func json(_ h: HostVerification) -> JSONValue {
        .object([
            ("host", .string(h.host)),
            ("clean", .bool(h.isClean)),
            ("discrepancies", .array(h.discrepancies.map { d in
                .object([
                    ("chain", .string(d.direction.rawValue)),
                    ("kind", .string(d.kind.rawValue)),
                    ("packet", json(d.example)),
                    ("class", .string(d.packets.description)),
                    ("verdict", .string(d.actual.verdict.rawValue)),
                    ("rule", d.actualRule.map(json) ?? .null),
                    ("chain_policy", .string(d.actualPolicy == .accept ? "accept" : "drop")),
                    ("intended", .string(d.intended.rawValue)),
                    ("intended_by", .string(d.intendedBy)),
                ])
            })),
            ("problems", .array(h.problems.map { p in
                .object([("chain", .string(p.direction.rawValue)), ("kind", .string(p.kind.rawValue)),
                         ("message", .string(p.message)), ("rules", .array(p.rules.map(json)))])
            })),
            ("anomalies", .array(h.anomalies.map { a in
                .object([("chain", .string(a.direction.rawValue)), ("kind", .string(a.kind.rawValue)),
                         ("rule", json(a.rule)), ("hidden_by", .array(a.hiddenBy.map(json)))])
            })),
        ])
    }

    static func json(_ r: RuleRef) -> JSONValue {
        .object([("index", .int(Int64(r.index))), ("text", .string(r.text)), ("comment", r.comment.map(JSONValue.string) ?? .null)])
    }

    static func json(_ p: Packet) -> JSONValue {
        .object([
            ("family", .string(p.family.nftKeyword)),
            ("source", .string(p.source.description)),
            ("destination", .string(p.destination.description)),
            ("protocol", .string(IPProtocolNames.names[p.proto] ?? String(p.proto))),
            ("port", p.port.map { .int(Int64($0)) } ?? .null),
            ("icmp_type", p.icmpType.map { .int(Int64($0)) } ?? .null),
        ])
    }

    static func json(_ m: ReachabilityMatrix) -> JSONValue {
        .array(m.entries.map { e in
            .object([("source", .string(e.source)), ("destination", .string(e.destination)), ("service", .string(e.service)),
                     ("admits", .string(e.admits)), ("coverage", .string(e.coverage.rawValue)),
                     ("pairs", .int(Int64(e.pairs))), ("admitted_pairs", .int(Int64(e.admittedPairs))),
                     ("fully_admitted_pairs", .int(Int64(e.fullyAdmittedPairs)))])
        })
    }
}
