import FwctlNet
import FwctlRuleset

/// A small fwctl table that tests of the kernel backend, the caches and the apply session
/// share: set `role_lb_v4` of `lbHosts`, and an input chain that admits replies and lb -> web
/// on `port`, then counts what its `policy` drops.
public enum SampleTable {
    public static func lbToWeb(lbHosts: [String], port: UInt16 = 443, policy: ChainPolicy = .drop) -> Table {
        var elements: [SetElement] = []
        for h in lbHosts { elements.append(.address(AddressRange(IPAddress(h)!))) }
        let counter = Expression.counter(packets: 0, bytes: 0)
        return Table(name: "fwctl", comment: Table.ownershipComment, sets: [NamedSet(name: "role_lb_v4", keyType: .ipv4Addr, comment: "role lb", elements: elements)],
                     chains: [Chain(name: "input", hook: BaseChainHook(hook: .input, policy: policy), rules: [
                        Rule([.ctState([.established, .related]), counter, .verdict(.accept)], comment: "fwctl: replies"),
                        Rule([.address(family: .v4, field: .saddr, match: .set("role_lb_v4")),
                              .port(proto: .tcp, field: .dport, match: .range(PortRange(port))), counter, .verdict(.accept)],
                             comment: "t.policy:3: allow lb -> web : https"),
                        Rule([counter], comment: "fwctl: dropped by the chain policy"),
                     ])])
    }
}
