import Foundation
import FwctlKernel
import FwctlLog
import FwctlNet
import FwctlPlanner
import FwctlRuleset

/// `fwctl status` as a value: what is loaded, drift against the policy, the last apply, and
/// the kernel's rule counters mapped back to the policy lines they came from.
///
/// Every flow rule carries the comment `file:line: flow` (see the compiler's RuleComment);
/// rules of one flow, direction, family and verdict are summed into one `FlowCounter`. The
/// chains' `fwctl: dropped by the chain policy` rules give the drop counters.
public struct HostStatus: Codable, Hashable, Sendable {
    /// The packets and bytes of one policy flow on one side of this host.
    public struct FlowCounter: Codable, Hashable, Sendable {
        /// The chain: `input` or `output`.
        public var direction: String
        /// `file:line` of the flow in the policy.
        public var policyLine: String
        /// The flow as written (`allow lb -> web : https`).
        public var flow: String
        /// `ipv4`, `ipv6` or `any`.
        public var family: String
        /// `allow` (accept rules) or `deny` (drop rules).
        public var action: String
        /// Kernel rules summed into this counter.
        public var rules: Int
        public var packets: UInt64
        public var bytes: UInt64
        /// Packets > 0: the flow is used; 0: never used since the rules were loaded.
        public var used: Bool
    }

    /// What fell through to a chain's drop policy.
    public struct DropCounter: Codable, Hashable, Sendable {
        public var chain: String
        public var packets: UInt64
        public var bytes: UInt64
    }

    public var host: String
    public var table: String
    /// Whether fwctl's table is in the kernel at all.
    public var loaded: Bool
    public var generation: UInt32?
    /// What `fwctl apply` would change now.
    public var drift: PlanSummary
    public var driftChanges: Int
    /// No drift: the loaded table is what the policy compiles to.
    public var inSync: Bool
    /// This host's last apply that reached the kernel (see `ApplyLogEntry.reachedKernel`).
    public var lastApply: ApplyLogEntry?
    /// The last entry of any kind (a `started` without result means an apply died midway).
    public var lastEntry: ApplyLogEntry?
    /// Why the log could not be read, if it could not.
    public var logProblem: String?
    public var flows: [FlowCounter]
    public var drops: [DropCounter]

    /// Builds the status from what was read: the loaded table, the plan toward the policy's
    /// table and the log's entries.
    public init(host: String, loaded: Table?, plan: Plan, entries: [ApplyLogEntry], logProblem: String? = nil) {
        self.host = host
        table = plan.table.description
        self.loaded = loaded != nil
        generation = plan.generation
        drift = plan.summary
        driftChanges = plan.changes.count
        inSync = plan.changes.isEmpty
        // A state directory may hold entries of other policy hosts (a machine renamed, a
        // wrong --host): only this host's count.
        let mine = entries.filter { $0.host == host }
        lastApply = mine.last(where: \.reachedKernel)
        lastEntry = mine.last
        self.logProblem = logProblem
        (flows, drops) = loaded.map(Self.counters) ?? ([], [])
    }

    /// Reads the kernel through `backend` and the log; plans toward `desired` for drift.
    public static func read(host: String, desired: Table, backend: NetlinkBackend, log: ApplyLog?) throws -> HostStatus {
        let (loaded, plan) = try ApplyError.explained { try backend.readAndPlan(toward: desired) }
        var entries: [ApplyLogEntry] = []
        var problem: String?
        do { entries = try log?.entries() ?? [] } catch { problem = "\(error)" }
        return HostStatus(host: host, loaded: loaded, plan: plan, entries: entries, logProblem: problem)
    }

    static let policyDropComment = "fwctl: dropped by the chain policy"

    /// Flow and drop counters of a table, flows in chain and rule order.
    static func counters(of table: Table) -> ([FlowCounter], [DropCounter]) {
        var flows: [FlowCounter] = []
        var index: [[String]: Int] = [:]
        var drops: [DropCounter] = []
        for chain in table.chains {
            let direction = table.baseChainName(of: chain.name)
            for rule in chain.rules {
                let (packets, bytes) = rule.expressions.reduce((UInt64(0), UInt64(0))) { sum, e in
                    if case .counter(let p, let b) = e { return (sum.0 &+ p, sum.1 &+ b) }
                    return sum
                }
                if rule.comment == policyDropComment {
                    drops.append(DropCounter(chain: chain.name, packets: packets, bytes: bytes))
                    continue
                }
                guard let (line, flow) = rule.comment.flatMap(policyLine) else { continue }
                let action = switch rule.verdict { case .accept?: "allow"; case .drop?: "deny"; default: "other" }
                let key = [direction, line, flow, family(of: rule), action]
                if let i = index[key] {
                    flows[i].rules += 1
                    flows[i].packets &+= packets
                    flows[i].bytes &+= bytes
                    flows[i].used = flows[i].packets > 0
                } else {
                    index[key] = flows.count
                    flows.append(FlowCounter(direction: direction, policyLine: line, flow: flow, family: key[3],
                                             action: action, rules: 1, packets: packets, bytes: bytes, used: packets > 0))
                }
            }
        }
        return (flows, drops)
    }

    /// `web.policy:31: allow lb -> web : https` -> (`web.policy:31`, `allow lb -> web : https`);
    /// nil for fwctl's own rules (`fwctl: ...`) and hand-made comments.
    static func policyLine(_ comment: String) -> (String, String)? {
        guard let match = comment.firstMatch(of: /^(.+?:[0-9]+): (.*)$/) else { return nil }
        return (String(match.1), String(match.2))
    }

    /// The family a rule matches, from its first family-specific expression.
    static func family(of rule: Rule) -> String {
        for e in rule.expressions {
            switch e {
            case .address(let f, _, _), .icmpType(let f, _), .nfproto(let f): return f == .v4 ? "ipv4" : "ipv6"
            default: continue
            }
        }
        return "any"
    }
}
