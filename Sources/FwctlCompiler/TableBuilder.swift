import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// Which way a chain filters, from the host's point of view.
enum Direction {
    case input, output

    /// The field that names the peer: the source of what comes in, the destination of what goes out.
    var peerField: AddressField { self == .input ? .saddr : .daddr }
    var interface: InterfaceDirection { self == .input ? .iif : .oif }
    var hook: Hook { self == .input ? .input : .output }
    var logPrefix: String { self == .input ? "fwctl drop in: " : "fwctl drop out: " }
}

/// Builds one host's table: collects the named sets the rules refer to while making chains.
struct TableBuilder {
    let fleet: Fleet
    let index: FleetIndex
    let host: Host
    /// Named sets by name; emitted sorted by name.
    private var setsByName: [String: NamedSet] = [:]
    /// The names of the role and fleet sets the rules asked for, also those not made because
    /// the role (or fleet) had no address of the family: see `TableDependencies`.
    private(set) var membershipSets: Set<String> = []

    init(fleet: Fleet, index: FleetIndex, host: Host) {
        self.fleet = fleet
        self.index = index
        self.host = host
    }

    var sets: [NamedSet] { setsByName.keys.sorted().map { setsByName[$0]! } }

    /// The input or output chain: base rules, denies, essential ICMP, allows, drop logging.
    /// With `defaults { dispatch = map }` the flows that name single ports move to per-port
    /// chains reached through a verdict map (see `TableBuilder+Dispatch.swift`); `extra`
    /// collects those chains and the map.
    mutating func filterChain(direction: Direction, policy: ChainPolicy, logDrops: Bool, extra: inout DispatchObjects) -> Chain {
        var dispatch = PortDispatch(direction: direction, enabled: fleet.defaults.dispatchByMap)
        var rules = BaseRules.conntrackAndLoopback(direction)
        rules += dispatch.take(flowRules(direction: direction, action: .deny))
        rules += BaseRules.essentialICMP(direction)
        if direction == .input && fleet.defaults.echoRequest {
            rules += BaseRules.echoRequest(rate: fleet.defaults.echoRate)
        }
        let allows = policy == .drop ? dispatch.take(flowRules(direction: direction, action: .allow)) : []
        if let rule = dispatch.dispatchRule { rules.append(rule) }
        if policy == .drop {
            rules += allows
            if logDrops { rules.append(BaseRules.logDrops(prefix: direction.logPrefix, rate: fleet.defaults.logRate)) }
            rules.append(BaseRules.policyDropCounter)
        }
        extra.add(dispatch)
        return Chain(name: direction == .input ? "input" : "output",
                     hook: BaseChainHook(hook: direction.hook, policy: policy), rules: rules)
    }

    /// A forward chain that forwards only replies: the host is not a router in this policy.
    func forwardChain() -> Chain {
        Chain(name: "forward", hook: BaseChainHook(hook: .forward, policy: .drop),
              rules: BaseRules.conntrackOnly() + [BaseRules.policyDropCounter])
    }

    /// One rule per flow, peer end, family and protocol, for the flows of `action` that this
    /// host takes part in on the `direction` side, in source order.
    mutating func flowRules(direction: Direction, action: FlowAction) -> [Rule] {
        var rules: [Rule] = []
        for i in index.flows(of: host, inbound: direction == .input) where fleet.flows[i].action == action {
            let flow = fleet.flows[i]
            let peers = direction == .input ? flow.sources : flow.destinations
            let comment = RuleComment.text(for: flow)
            let verdict: Verdict = action == .allow ? .accept : .drop
            let matches = ServiceMatches(flow.services)
            for peer in peers {
                for family in IPFamily.allCases where !host.addresses.isEmpty(family) {
                    guard let address = addressMatch(peer, family: family) else { continue }
                    for service in matches.expressions(for: family) {
                        let head: [Expression] = [.address(family: family, field: direction.peerField, match: address)]
                        rules.append(Rule(head + service + [.counter(packets: 0, bytes: 0), .verdict(verdict)], comment: comment))
                    }
                }
            }
        }
        return rules
    }

    /// The match for `endpoint`'s addresses of `family`: a named set for roles, networks and the
    /// fleet; the addresses themselves for hosts and literals. Nil when it has none of `family`.
    mutating func addressMatch(_ endpoint: Endpoint, family: IPFamily) -> AddressMatch? {
        switch endpoint {
        case .role(let name): membershipSets.insert(Self.roleSetName(name, family))
        case .fleet: membershipSets.insert(Self.fleetSetName(family))
        default: break
        }
        let addresses = index.addresses(of: endpoint)
        guard !addresses.isEmpty(family) else { return nil }
        let suffix = family == .v4 ? "_v4" : "_v6"
        switch endpoint {
        case .role(let name):
            return namedSet(Self.roleSetName(name, family), family: family, elements: index.setElements(of: endpoint, family: family), comment: "role \(name)")
        case .network(let name):
            return namedSet("net_" + name + suffix, family: family, elements: index.setElements(of: endpoint, family: family), comment: "network \(name)")
        case .fleet:
            return namedSet(Self.fleetSetName(family), family: family, elements: index.setElements(of: endpoint, family: family), comment: "every host of the fleet")
        case .host, .addresses:
            let ranges = addresses.ranges(family)
            return ranges.count == 1 ? .range(ranges[0]) : .anonymousSet(ranges)
        }
    }

    /// The named set of a role's addresses of one family.
    static func roleSetName(_ role: String, _ family: IPFamily) -> String { "role_" + role + (family == .v4 ? "_v4" : "_v6") }
    /// The named set of every fleet host's addresses of one family.
    static func fleetSetName(_ family: IPFamily) -> String { family == .v4 ? "fleet_v4" : "fleet_v6" }

    mutating func namedSet(_ name: String, family: IPFamily, elements: [SetElement], comment: String) -> AddressMatch {
        if setsByName[name] == nil {
            setsByName[name] = NamedSet(name: name, keyType: family == .v4 ? .ipv4Addr : .ipv6Addr, isInterval: true,
                                        comment: comment, elements: elements)
        }
        return .set(name)
    }
}
