/// Everything an auditor asks of a fleet's firewalls, as plain values: who may talk to whom
/// and why, whether the rulesets provably do exactly that, and whether the hosts run them.
///
/// Built by `AuditReportBuilder`, rendered by `AuditJSON`, `AuditCSV`, `AuditMarkdown` and
/// `AuditHTML` from the same value, so every format says the same thing. The JSON form is the
/// contract (docs/audit-schema.json, version `schema`); the other forms are views of it.
public struct AuditReport: Hashable, Sendable {
    /// Bumped on any change a consumer of the JSON could notice (see docs/AUDIT.md).
    public static let schemaVersion = "fwctl-audit/1"

    public var schema: String = AuditReport.schemaVersion
    /// When the report was made, `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    public var generatedAt: String
    /// The day review-by dates are compared with (overdue: before it).
    public var reviewDate: String
    public var policy: PolicyInfo
    /// Roles in policy order, with their hosts (the diagram and matrix use this order).
    public var roles: [RoleInfo]
    /// Networks outside the fleet, in policy order.
    public var networks: [NetworkInfo]
    /// The hosts reported on, in policy order.
    public var hosts: [HostReport]
    public var tests: TestResults
    /// The verifier's role × role (and role × network) × service matrix of the whole fleet.
    public var matrix: [MatrixCell]
    /// The policy's allow statements as tier-diagram edges (fleet-wide, not per host).
    public var diagram: [DiagramEdge]

    public init(generatedAt: String, reviewDate: String, policy: PolicyInfo, roles: [RoleInfo], networks: [NetworkInfo],
                hosts: [HostReport], tests: TestResults, matrix: [MatrixCell], diagram: [DiagramEdge]) {
        self.generatedAt = generatedAt
        self.reviewDate = reviewDate
        self.policy = policy
        self.roles = roles
        self.networks = networks
        self.hosts = hosts
        self.tests = tests
        self.matrix = matrix
        self.diagram = diagram
    }

    /// The policy files and their fingerprints.
    public struct PolicyInfo: Hashable, Sendable {
        public var files: [File]
        /// SHA-256 of the `sha256sum`-style listing of `files` (`<sha256>  <path>\n` each).
        public var sha256: String
        /// The git commit the policy was exported from; nil outside a git work tree.
        public var git: Git?

        public struct File: Hashable, Sendable {
            public var path: String
            public var sha256: String
        }
    }

    /// `git rev-parse HEAD`, and whether the policy differs from it (`git status --porcelain`).
    public struct Git: Hashable, Sendable {
        public var commit: String
        public var dirty: Bool
        public init(commit: String, dirty: Bool) {
            self.commit = commit
            self.dirty = dirty
        }
    }

    public struct RoleInfo: Hashable, Sendable {
        public var name: String
        public var hosts: [String]
    }

    public struct NetworkInfo: Hashable, Sendable {
        public var name: String
        public var addresses: [String]
    }

    /// One host: what it is, what it may do, and the state of its firewall.
    public struct HostReport: Hashable, Sendable {
        public var name: String
        public var roles: [String]
        public var addressesV4: [String]
        public var addressesV6: [String]
        /// SHA-256 of the compiled table as `nft list table` prints it.
        public var rulesetSHA256: String
        /// Inbound flows, then outbound flows, each in policy order.
        public var flows: [FlowEntry]
        public var verification: Verification
        public var live: Live
        /// The last apply on this host, when the apply log was given to the builder.
        public var lastApply: LastApply?

        /// Flows with at least one flag.
        public var flagged: [FlowEntry] { flows.filter { !$0.flags.isEmpty } }
    }

    public enum Direction: String, Hashable, Sendable { case inbound, outbound }

    /// Why a flow needs an auditor's attention.
    public enum Flag: String, Hashable, Sendable, CaseIterable {
        /// Its review-by date is before the report's review date.
        case overdue
        /// No `because`: nobody wrote down why it is allowed.
        case unjustified
        /// No `owner`.
        case noOwner = "no-owner"
        /// No `review` date: nothing makes anyone look at it again.
        case noReview = "no-review"
    }

    /// One policy statement as it concerns one host, for one service.
    public struct FlowEntry: Hashable, Sendable {
        public var direction: Direction
        /// `allow`, or `deny` (an exception carved out of allows; never flagged).
        public var action: String
        public var service: String
        /// What the service matches, as written: `tcp/443`, `udp/53`, `proto vrrp`, `any`.
        public var ports: [String]
        /// The other end(s): sources of an inbound flow, destinations of an outbound one.
        public var peers: [Peer]
        /// `file:line` of the statement.
        public var location: String
        /// The statement on one line, metadata left out.
        public var statement: String
        public var owner: String?
        public var because: String?
        /// `YYYY-MM-DD`.
        public var reviewBy: String?
        public var flags: [Flag]
    }

    /// A peer end as the policy names it, with the hosts and addresses it stands for.
    public struct Peer: Hashable, Sendable {
        /// `role`, `network`, `host`, `fleet` (`*`) or `addresses` (a literal in the flow).
        public var kind: String
        public var name: String
        /// Fleet hosts (the reported host itself left out); empty for `fleet` (`*`: every
        /// host, listed once in the report's hosts rather than in every flow).
        public var hosts: [String]
        /// The hosts' addresses, or the network's or literal's; empty for `fleet`.
        public var addresses: [String]
    }

    /// The verifier's result for the compiled ruleset (`fwctl verify`).
    public struct Verification: Hashable, Sendable {
        public var clean: Bool
        public var discrepancies: Int
        public var problems: Int
        /// Shadowed or redundant rules (reported, not failures).
        public var anomalies: Int
        /// One line per discrepancy and problem.
        public var details: [String]
    }

    /// The loaded table against the compiled one, when checked on the host itself.
    public struct Live: Hashable, Sendable {
        public enum State: String, Hashable, Sendable { case matched, drift, notChecked = "not-checked" }
        public var state: State
        public var reason: String?
        /// Plan counts toward the policy (drift only).
        public var add: Int
        public var change: Int
        public var remove: Int

        public init(state: State, reason: String? = nil, add: Int = 0, change: Int = 0, remove: Int = 0) {
            self.state = state
            self.reason = reason
            self.add = add
            self.change = change
            self.remove = remove
        }
    }

    /// The last record of the apply log for a host.
    public struct LastApply: Hashable, Sendable {
        /// `YYYY-MM-DDTHH:MM:SSZ`.
        public var time: String
        public var user: String
        /// `applied`, `rolled-back`, `failed`, ... as the log says.
        public var outcome: String
        public var policySHA256: String
        public var generation: UInt32?

        public init(time: String, user: String, outcome: String, policySHA256: String, generation: UInt32?) {
            self.time = time
            self.user = user
            self.outcome = outcome
            self.policySHA256 = policySHA256
            self.generation = generation
        }
    }

    /// The policy's `test` blocks, expectation by expectation (`fwctl test`).
    public struct TestResults: Hashable, Sendable {
        public var passed: Int
        public var failed: Int
        public var results: [TestCase]
    }

    public struct TestCase: Hashable, Sendable {
        public var test: String
        public var expectation: String
        public var location: String
        public var passed: Bool
        /// Why it fails: a packet and the rules deciding it.
        public var failure: String?
    }

    /// One cell entry of the reachability matrix.
    public struct MatrixCell: Hashable, Sendable {
        public var source: String
        public var destination: String
        public var service: String
        /// `tcp/443`; `~tcp/22` when only some hosts, ports or families are admitted.
        public var admits: String
        public var partial: Bool
    }

    /// Allow statements between two ends of the diagram, services merged.
    public struct DiagramEdge: Hashable, Sendable {
        /// `role`, `host`, `network`, `addresses` or `fleet` (`*`).
        public var fromKind: String
        public var from: String
        public var toKind: String
        public var to: String
        public var services: [String]
    }
}

extension AuditReport {
    /// Every flow of every host with at least one flag.
    public var flaggedFlowCount: Int { hosts.reduce(0) { $0 + $1.flagged.count } }
    public var flowCount: Int { hosts.reduce(0) { $0 + $1.flows.count } }
    /// Every host verifies clean and every policy test passes.
    public var isClean: Bool { hosts.allSatisfy(\.verification.clean) && tests.failed == 0 }
}
