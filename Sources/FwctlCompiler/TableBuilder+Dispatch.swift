import FwctlNet
import FwctlRuleset

/// `defaults { dispatch = map }`: new connections find their flows through one map lookup
/// instead of walking one rule per flow.
///
/// A flow rule that matches single destination ports (`tcp dport { 80, 443 }`) becomes, per
/// port, a rule of the chain `in_tcp_443` (`out_...` on the output chain) without the port
/// match, with its own counter and comment; the base chain reaches that chain through
/// `meta l4proto . th dport vmap @in_ports` (element `tcp . 443 : jump in_tcp_443`). A port
/// chain holds the port's denies first, then its allows, each in source order; a packet no
/// rule of it takes returns to the base chain. Rules without single ports (`any`, ICMP,
/// other protocols, port ranges) stay in the base chain: their denies before the dispatch,
/// their allows after it, so deny still wins over allow (a port-chain deny is decided
/// before any later allow, and earlier base-chain denies are decided before the jump).
/// Adding a host to a role changes set elements only; a new port adds one map element
/// and one chain.
struct PortDispatch {
    let direction: Direction
    let enabled: Bool
    /// Rules of each (protocol, port), in the order taken.
    private(set) var chains: [DispatchKey: [Rule]] = [:]

    init(direction: Direction, enabled: Bool) {
        self.direction = direction
        self.enabled = enabled
    }

    var mapName: String { direction == .input ? "in_ports" : "out_ports" }

    /// Moves what can be dispatched of `rules` to port chains; returns what stays.
    mutating func take(_ rules: [Rule]) -> [Rule] {
        guard enabled else { return rules }
        var stay: [Rule] = []
        for rule in rules {
            guard let i = rule.expressions.firstIndex(where: { if case .port = $0 { true } else { false } }),
                  case .port(let proto, .dport, let match) = rule.expressions[i] else {
                stay.append(rule)
                continue
            }
            let ranges: [PortRange]
            switch match {
            case .range(let r): ranges = [r]
            case .anonymousSet(let rs): ranges = rs
            }
            var rest = rule.expressions
            rest.remove(at: i)
            for r in ranges where r.isSingle {
                chains[DispatchKey(proto: proto, port: r.lower), default: []].append(Rule(rest, comment: rule.comment))
            }
            let wide = ranges.filter { !$0.isSingle }
            if !wide.isEmpty {
                var kept = rule
                kept.expressions[i] = .port(proto: proto, field: .dport, match: wide.count == 1 ? .range(wide[0]) : .anonymousSet(wide))
                stay.append(kept)
            }
        }
        return stay
    }

    /// The base chain's rule that looks the packet's protocol and port up, if any port is dispatched.
    var dispatchRule: Rule? {
        chains.isEmpty ? nil : Rule([.dispatch(map: mapName)], comment: "fwctl: flows by protocol and port")
    }

    func chainName(_ key: DispatchKey) -> String {
        (direction == .input ? "in_" : "out_") + key.proto.rawValue + "_" + String(key.port)
    }
}

/// A dispatched protocol and destination port; ordered by protocol number, then port.
struct DispatchKey: Hashable, Comparable {
    var proto: PortProtocol
    var port: UInt16

    static func < (a: DispatchKey, b: DispatchKey) -> Bool { (a.proto.number, a.port) < (b.proto.number, b.port) }
}

/// The port chains and verdict maps of a table's base chains.
struct DispatchObjects {
    var chains: [Chain] = []
    var maps: [NamedSet] = []

    mutating func add(_ dispatch: PortDispatch) {
        guard !dispatch.chains.isEmpty else { return }
        let keys = dispatch.chains.keys.sorted()
        var elements: [SetElement] = []
        for key in keys {
            let name = dispatch.chainName(key)
            chains.append(Chain(name: name, rules: dispatch.chains[key]!))
            elements.append(.dispatch(proto: key.proto.number, port: key.port, verdict: .jump(name)))
        }
        maps.append(NamedSet(name: dispatch.mapName, keyType: .protoService, isInterval: false, elements: elements))
    }
}
