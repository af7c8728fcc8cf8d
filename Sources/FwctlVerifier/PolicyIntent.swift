import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// What the policy says one host's input or output chain must do with NEW packets, built
/// from the `Fleet` alone, never from the compiler's output.
///
/// The intent is an ordered list of boxes (peer addresses × protocol × ports or types), each
/// with the policy line it comes from, written as a first-match chain so the evaluator can
/// compare it exactly with a real chain (`ChainEvaluator.compare`):
///
/// 1. `deny` flows naming the host on this side: drop (deny wins over everything below);
/// 2. the baseline fwctl adds on purpose (see `PolicyBaseline`): essential ICMP, and on input
///    echo-request up to a rate (none on forward: ICMP errors there are related traffic);
/// 3. `allow` flows naming the host on this side: accept (output: only with egress filtering);
/// 4. everything else: drop (output without egress filtering: accept).
///
/// Established/related, invalid and loopback packets are not NEW non-loopback packets, so
/// they are outside this comparison (conntrack is checked on its own). A host takes part in
/// a flow only over the address families it has addresses of.
public struct PolicyIntent: Sendable {
    /// Which chain of the host. `forward` is the forward chain as NEW connections the client
    /// addressed to this host see it (a published port behind DNAT, `forward = policy`).
    public enum Direction: String, Hashable, Sendable, CaseIterable {
        case input, output, forward

        /// Whether the host is the destination the peer asked for.
        public var inbound: Bool { self != .output }
        /// The address that names the peer in this direction.
        public var peerField: AddressField { inbound ? .saddr : .daddr }
        public var hook: Hook {
            switch self {
            case .input: .input
            case .output: .output
            case .forward: .forward
            }
        }
    }

    public let host: String
    public let direction: Direction
    /// The intent as a first-match chain (no named sets: each box carries its addresses).
    public let chain: Chain
    /// A table holding only `chain`, for the evaluator.
    public let table: Table
    /// For each rule of `chain`: the policy line (`web.policy:12: allow lb -> web : https`)
    /// or the baseline it stands for.
    public let origins: [String]
    /// Where packets no box takes go: the policy's default for this direction.
    public var defaultOrigin: String {
        chain.hook?.policy == .accept ? "default: egress filtering off, accept" : "default: drop what the policy does not allow"
    }

    public init(fleet: Fleet, host name: String, direction: Direction) {
        self.init(index: Index(fleet), host: name, direction: direction)
    }

    /// The intent from a prepared index of the fleet (for many hosts of one fleet).
    public init(index: Index, host name: String, direction: Direction) {
        let fleet = index.fleet
        host = name
        self.direction = direction
        let families = IPFamily.allCases.filter { f in index.addresses(ofHost: name).map { !$0.isEmpty(f) } ?? false }
        var rules: [Rule] = []
        var origins: [String] = []
        func add(_ flows: [Flow]) {
            for flow in flows {
                let boxes = Self.boxes(flow, index: index, host: name, direction: direction, families: families)
                rules += boxes
                origins += Array(repeating: Self.origin(flow), count: boxes.count)
            }
        }
        add(fleet.flows.filter { $0.action == .deny })
        for (rule, origin) in direction == .forward ? [] : PolicyBaseline.rules(direction: direction, defaults: fleet.defaults) {
            rules.append(rule)
            origins.append(origin)
        }
        let filtering = direction.inbound || fleet.defaults.egressFiltering
        if filtering { add(fleet.flows.filter { $0.action == .allow }) }
        chain = Chain(name: "intent-\(direction.rawValue)",
                      hook: BaseChainHook(hook: direction.hook, policy: filtering ? .drop : .accept), rules: rules)
        table = Table(family: .inet, name: "intent", chains: [chain])
        self.origins = origins
    }

    /// `file:line: allow lb -> web : https`, as the compiled rule's comment also says.
    static func origin(_ flow: Flow) -> String {
        "\(flow.range.file):\(flow.range.start.line): \(flow.text)"
    }

    /// One rule per (peer end, family, service atom) of a flow that names `host` on this side.
    static func boxes(_ flow: Flow, index: Index, host: String, direction: Direction, families: [IPFamily]) -> [Rule] {
        let local = direction.inbound ? flow.destinations : flow.sources
        guard local.contains(where: { index.names($0, host: host) }) else { return [] }
        let verdict: Verdict = flow.action == .allow ? .accept : .drop
        var rules: [Rule] = []
        for peer in direction.inbound ? flow.sources : flow.destinations {
            let addresses = index.addresses(of: peer)
            for family in families where !addresses.isEmpty(family) {
                let head = Expression.address(family: family, field: direction.peerField, match: .anonymousSet(addresses.ranges(family)))
                for atom in flow.services.flatMap(\.atoms) {
                    guard let match = serviceMatch(atom, family: family) else { continue }
                    rules.append(Rule([head] + match + [.verdict(verdict)]))
                }
            }
        }
        return rules
    }

    /// The matches for one service atom in one family; nil when it has no packet of that family
    /// (`icmp` over IPv6, `icmpv6` or `proto 1` over IPv4's counterpart).
    static func serviceMatch(_ atom: ServiceAtom, family: IPFamily) -> [Expression]? {
        switch atom {
        case .ports(let proto, let ranges):
            return [.port(proto: proto, field: .dport, match: .anonymousSet(ranges))]
        case .proto(let n):
            // The ICMP protocol numbers name their own family's ICMP only.
            if (n == 1 && family == .v6) || (n == 58 && family == .v4) { return nil }
            return [.l4proto(n)]
        case .icmp(let types):
            guard family == .v4 else { return nil }
            return types.map { [.icmpType(family: .v4, types: $0)] } ?? [.l4proto(1)]
        case .icmpv6(let types):
            guard family == .v6 else { return nil }
            return types.map { [.icmpType(family: .v6, types: $0)] } ?? [.l4proto(58)]
        case .any:
            return []
        }
    }
}
