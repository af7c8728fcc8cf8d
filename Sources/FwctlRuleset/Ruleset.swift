import FwctlNet

/// What fwctl puts in the kernel for one host: close to what nf_tables holds, typed.
///
/// The compiler produces it, the renderers print it, the netlink codec encodes and decodes
/// it, the planner diffs two of them and the verifier evaluates it. Values compare
/// structurally; handles and counter values are kernel state that comparisons of *content*
/// ignore (see `Rule.sameContent`).
public struct Ruleset: Hashable, Sendable, Codable {
    public var tables: [Table]

    public init(tables: [Table] = []) { self.tables = tables }
}

/// An nftables table. fwctl owns exactly one, family `inet`, named `fwctl` by default.
///
/// Besides sets and chains it holds what the kernel reports and fwctl never generates —
/// table flags (`dormant` stops the whole table from filtering), stateful objects,
/// flowtables, sets the model cannot hold — so that each is a difference the planner sees
/// and removes, rather than something a read silently drops.
public struct Table: Hashable, Sendable {
    public var family: TableFamily
    public var name: String
    /// NFTA_TABLE_FLAGS (NFT_TABLE_F_DORMANT = 1, ...). fwctl's tables have none.
    public var flags: UInt32
    /// The table comment (NFTA_TABLE_USERDATA). fwctl writes `Table.ownershipComment` when it
    /// creates its table and changes only a table that carries it.
    public var comment: String?
    public var sets: [NamedSet]
    public var chains: [Chain]
    /// Objects of the table fwctl does not model (named counters, quotas, flowtables, maps...).
    public var objects: [TableObject]
    /// Kernel handle, when read back from the kernel.
    public var handle: UInt64?

    public init(family: TableFamily = .inet, name: String, flags: UInt32 = 0, comment: String? = nil, sets: [NamedSet] = [],
                chains: [Chain] = [], objects: [TableObject] = [], handle: UInt64? = nil) {
        self.family = family
        self.name = name
        self.flags = flags
        self.comment = comment
        self.sets = sets
        self.chains = chains
        self.objects = objects
        self.handle = handle
    }

    /// The comment that marks a table as fwctl's: written when fwctl creates the table (the
    /// kernel cannot change a table's comment afterwards), required before fwctl changes it.
    public static let ownershipComment = "managed by fwctl"

    /// Whether fwctl created this table (it carries the ownership comment).
    public var isOwnedByFwctl: Bool { comment == Self.ownershipComment }

    public func set(named name: String) -> NamedSet? { sets.first { $0.name == name } }
    public func chain(named name: String) -> Chain? { chains.first { $0.name == name } }
}

/// nftables table families. fwctl generates `inet` only; others may be read back.
public enum TableFamily: String, Hashable, Sendable, Codable {
    case inet, ip, ip6, arp, bridge, netdev
}

/// A named set of addresses (a role's or network's members) of one family.
public struct NamedSet: Hashable, Sendable {
    public var name: String
    public var keyType: SetKeyType
    /// `flags interval`: elements are ranges and prefixes, not only single keys.
    public var isInterval: Bool
    public var comment: String?
    /// The elements as normalised ranges (sorted, disjoint, adjacent ones merged).
    public var elements: [SetElement]
    /// What the kernel's set holds beyond the above, in nft's words (`flags constant`,
    /// `size 2`, `policy memory`, `counter`, `typeof`, `auto-merge`, `element comments`...),
    /// sorted. fwctl never generates any: a set that has some is re-created without them.
    public var extras: [String]
    public var handle: UInt64?

    public init(name: String, keyType: SetKeyType, isInterval: Bool = true, comment: String? = nil, elements: [SetElement] = [],
                extras: [String] = [], handle: UInt64? = nil) {
        self.name = name
        self.keyType = keyType
        self.isInterval = isInterval
        self.comment = comment
        self.elements = elements
        self.extras = extras
        self.handle = handle
    }
}

/// The key type of a set, with nft's datatype names.
public enum SetKeyType: String, Hashable, Sendable, Codable {
    case ipv4Addr = "ipv4_addr"
    case ipv6Addr = "ipv6_addr"
    case inetService = "inet_service"
    case inetProto = "inet_proto"
    /// `inet_proto . inet_service : verdict`: the dispatch map, keyed by protocol and port.
    case protoService = "inet_proto . inet_service"

    public var family: IPFamily? {
        switch self {
        case .ipv4Addr: .v4
        case .ipv6Addr: .v6
        default: nil
        }
    }
}

/// One element of a set: an address range (single, prefix or range) or a port range; or of
/// a dispatch map: a protocol and port and the verdict for it (`tcp . 443 : jump in_tcp_443`).
public enum SetElement: Hashable, Sendable, Codable {
    case address(AddressRange)
    case port(PortRange)
    case proto(UInt8)
    case dispatch(proto: UInt8, port: UInt16, verdict: Verdict)
}

extension NamedSet {
    /// A verdict map (`map NAME { type inet_proto . inet_service : verdict; ... }`), looked up
    /// by `Expression.dispatch`.
    public var isVerdictMap: Bool { keyType == .protoService }
}

/// A chain: a base chain hooked into the packet path, or a regular chain reached by jumps.
public struct Chain: Hashable, Sendable, Codable {
    public var name: String
    public var hook: BaseChainHook?
    public var rules: [Rule]
    public var comment: String?
    public var handle: UInt64?

    public init(name: String, hook: BaseChainHook? = nil, rules: [Rule] = [], comment: String? = nil, handle: UInt64? = nil) {
        self.name = name
        self.hook = hook
        self.rules = rules
        self.comment = comment
        self.handle = handle
    }
}

/// `type filter hook input priority filter; policy drop;`
public struct BaseChainHook: Hashable, Sendable, Codable {
    public var type: ChainType
    public var hook: Hook
    public var priority: Int32
    public var policy: ChainPolicy

    public init(type: ChainType = .filter, hook: Hook, priority: Int32 = 0, policy: ChainPolicy) {
        self.type = type
        self.hook = hook
        self.priority = priority
        self.policy = policy
    }
}

public enum ChainType: String, Hashable, Sendable, Codable { case filter, nat, route }
public enum Hook: String, Hashable, Sendable, Codable, CaseIterable {
    case prerouting, input, forward, output, postrouting, ingress
}
public enum ChainPolicy: String, Hashable, Sendable, Codable { case accept, drop }

/// Names one table in the kernel: `inet fwctl`.
public struct TableRef: Hashable, Sendable, Codable, CustomStringConvertible {
    public var family: TableFamily
    public var name: String

    public init(family: TableFamily = .inet, name: String) {
        self.family = family
        self.name = name
    }

    public var description: String { "\(family.rawValue) \(name)" }
}

extension Table {
    public var ref: TableRef { TableRef(family: family, name: name) }
}

extension Table {
    /// The base chain a chain's packets come from: itself for a base chain; for a chain that
    /// a dispatch map's element jumps to, the base chain whose rule looks that map up. What
    /// `status` and the metrics name as the direction of a flow's counters.
    public func baseChainName(of chain: String) -> String {
        guard self.chain(named: chain)?.hook == nil else { return chain }
        for map in sets where map.isVerdictMap {
            let targets = map.elements.contains {
                if case .dispatch(_, _, .jump(chain)) = $0 { true } else if case .dispatch(_, _, .goto(chain)) = $0 { true } else { false }
            }
            guard targets else { continue }
            if let base = chains.first(where: { c in c.hook != nil && c.rules.contains { $0.expressions.contains(.dispatch(map: map.name)) } }) {
                return base.name
            }
        }
        return chain
    }
}
