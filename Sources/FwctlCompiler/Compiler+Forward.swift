import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// The forward chain of `defaults { forward = policy }`: forwarded traffic obeys the policy
/// as if the host itself were its end (see docs/COMPILER.md, "Forwarded traffic").
///
/// A container port published with DNAT (`-p 8080:80`) is reached through the forward hook,
/// never the input chain; conntrack keeps what the client asked for. So:
/// 1. replies and related traffic pass, invalid packets drop;
/// 2. NEW connections the client addressed to this host (`ct original ip daddr @self_v4`)
///    meet the host's inbound flows, matched on the port it asked for
///    (`ct original proto-dst`): deny flows drop, allow flows accept, the rest drops;
/// 3. traffic that leaves by the interface it came in by (two containers of one bridge,
///    when br_netfilter hands bridged packets to the forward hook) passes;
/// 4. everything else (what the containers start themselves) meets the host's egress flows
///    as the output chain does, and the chain policy is the output chain's.
/// Its priority runs it before Docker's and Podman's filter chains (priority 0): a drop here
/// is final; an accept lets the packet on to their chains, which still apply their own drops.
extension TableBuilder {
    static let forwardPriority: Int32 = -10

    mutating func policyForwardChain() -> Chain {
        let egressFiltering = fleet.defaults.egressFiltering
        var rules = BaseRules.conntrackOnly()
        for action in [FlowAction.deny, .allow] {
            for rule in flowRules(direction: .input, action: action) { rules += forwarded(rule) }
        }
        for family in IPFamily.allCases where !host.addresses.isEmpty(family) {
            rules.append(Rule([.originalDestination(family: family, set: selfSet(family)), BaseRules.counter, .verdict(.drop)],
                              comment: "fwctl: forwarded to this host, no flow admits it"))
        }
        rules.append(Rule([.sameLinkRoute, BaseRules.counter, .verdict(.accept)], comment: "fwctl: back out of the interface it came in by (one bridge)"))
        rules += flowRules(direction: .output, action: .deny)
        if egressFiltering {
            rules += flowRules(direction: .output, action: .allow)
            rules.append(BaseRules.policyDropCounter)
        }
        return Chain(name: "forward", hook: BaseChainHook(hook: .forward, priority: Self.forwardPriority, policy: egressFiltering ? .drop : .accept),
                     rules: rules)
    }

    /// An input rule of a flow, as the forward chain matches the same connection after DNAT:
    /// the original destination must be this host, and each destination port range the one
    /// the client asked for (one rule per range: nft cannot list a set of `proto-dst`).
    private mutating func forwarded(_ rule: Rule) -> [Rule] {
        guard let family = rule.expressions.lazy.compactMap({ e -> IPFamily? in
            if case .address(let f, _, _) = e { f } else { nil }
        }).first else { return [] }
        let destination = Expression.originalDestination(family: family, set: selfSet(family))
        var head: [Expression] = []
        var ports: [Expression] = []
        var tail: [Expression] = []
        for e in rule.expressions {
            switch e {
            case .address:
                head.append(e)
                head.append(destination)
            case .port(let proto, .dport, .range(let r)):
                ports.append(.originalPort(proto: proto, range: r))
            case .port(let proto, .dport, .anonymousSet(let rs)):
                ports += rs.map { .originalPort(proto: proto, range: $0) }
            default:
                if ports.isEmpty { head.append(e) } else { tail.append(e) }
            }
        }
        if ports.isEmpty { return [Rule(head + tail, comment: rule.comment)] }
        return ports.map { Rule(head + [$0] + tail, comment: rule.comment) }
    }

    /// The named set of the host's own addresses of one family.
    private mutating func selfSet(_ family: IPFamily) -> String {
        let name = family == .v4 ? "self_v4" : "self_v6"
        _ = namedSet(name, family: family, elements: host.addresses.ranges(family).map(SetElement.address), comment: "this host's addresses")
        return name
    }
}
