/// What the hosts of one class share in the report of schema `fwctl-audit/2`: hosts with
/// equal compiled tables (the same roles, families and, when a flow names one, the same host)
/// meet the same statements and verify alike, so their flows and verification are written
/// once and each host names its class.
public struct AuditClass: Hashable, Sendable {
    /// Its position in the report's `classes[]`.
    public var id: Int
    /// SHA-256 of the compiled table's nft text (every member's: the tables are equal).
    public var rulesetSHA256: String
    /// Inbound flows, then outbound ones, each in policy order. Peers are named, not
    /// expanded: a role's or `*`'s hosts are in `roles[]` and `hosts[]`, the member itself
    /// left out when the flow is read for it (its traffic to itself is loopback).
    public var flows: [AuditReport.FlowEntry]
    /// The verifier's result, the same for every member but for the example packets' local
    /// address, which here is `exampleHost`'s.
    public var verification: AuditReport.Verification
    public var exampleHost: String
    /// How many of the reported hosts are in it.
    public var hosts: Int

    public var flagged: Int { flows.filter { !$0.flags.isEmpty }.count }
}

/// The fleet-level facts of a schema-2 report, everything but the hosts, which are written
/// one by one after it (`AuditExport`).
public struct AuditHeader: Sendable {
    public var generatedAt: String
    public var reviewDate: String
    public var policy: AuditReport.PolicyInfo
    public var roles: [AuditReport.RoleInfo]
    public var networks: [AuditReport.NetworkInfo]
    public var classes: [AuditClass]
    public var tests: AuditReport.TestResults
    public var matrix: [AuditReport.MatrixCell]
    public var diagram: [AuditReport.DiagramEdge]

    public var hostCount: Int { classes.reduce(0) { $0 + $1.hosts } }
    public var flowCount: Int { classes.reduce(0) { $0 + $1.hosts * $1.flows.count } }
    public var flaggedFlowCount: Int { classes.reduce(0) { $0 + $1.hosts * $1.flagged } }
    public var verifiedClean: Int { classes.reduce(0) { $0 + ($1.verification.clean ? $1.hosts : 0) } }
    public var isClean: Bool { verifiedClean == hostCount && tests.failed == 0 }
}
