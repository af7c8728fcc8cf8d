import FwctlNet

/// The checked meaning of a policy: every name resolved, every address parsed.
///
/// Produced by the front end only from a policy without errors; the compiler, verifier and
/// audit read it. Collections keep source order (deterministic output).
public struct Fleet: Hashable, Sendable {
    public var networks: [Network]
    public var services: [Service]
    public var roles: [Role]
    /// Every host, in order of first appearance; a host may belong to several roles.
    public var hosts: [Host]
    /// `allow` and `deny` statements in source order (files in path order).
    public var flows: [Flow]
    public var tests: [PolicyTest]
    public var defaults: Defaults

    public init(networks: [Network] = [], services: [Service] = [], roles: [Role] = [], hosts: [Host] = [], flows: [Flow] = [], tests: [PolicyTest] = [], defaults: Defaults = Defaults()) {
        self.networks = networks
        self.services = services
        self.roles = roles
        self.hosts = hosts
        self.flows = flows
        self.tests = tests
        self.defaults = defaults
    }

    public func host(named name: String) -> Host? { hosts.first { $0.name == name } }
    public func role(named name: String) -> Role? { roles.first { $0.name == name } }
    public func network(named name: String) -> Network? { networks.first { $0.name == name } }
    public func service(named name: String) -> Service? { services.first { $0.name == name } }
}

/// `network NAME = ADDR, ...`: addresses outside the fleet.
public struct Network: Hashable, Sendable {
    public var name: String
    public var addresses: AddressSet
    public var range: SourceRange

    public init(name: String, addresses: AddressSet, range: SourceRange) {
        self.name = name
        self.addresses = addresses
        self.range = range
    }
}

/// `service NAME = tcp/443, udp/53, proto vrrp, icmp echo-request, ...`.
public struct Service: Hashable, Sendable {
    public var name: String
    public var atoms: [ServiceAtom]
    public var range: SourceRange

    public init(name: String, atoms: [ServiceAtom], range: SourceRange) {
        self.name = name
        self.atoms = atoms
        self.range = range
    }
}

/// The unit of a service: what one match on the wire admits.
public enum ServiceAtom: Hashable, Sendable {
    /// `tcp/443`, `udp/30000-30100`, `sctp/5000`: a protocol and its destination ports.
    case ports(PortProtocol, [PortRange])
    /// `proto vrrp`, `proto 47`: an IP protocol with no ports, either family.
    case proto(UInt8)
    /// `icmp` or `icmp echo-request`: ICMP (v4) with all types (`nil`) or the listed ones.
    case icmp(types: [UInt8]?)
    /// `icmpv6` or `icmpv6 echo-request`.
    case icmpv6(types: [UInt8]?)
    /// `any`: every protocol and port.
    case any
}

/// `role NAME { host HOST = ADDR, ... }`.
public struct Role: Hashable, Sendable {
    public var name: String
    /// Host names, in source order.
    public var hosts: [String]
    public var range: SourceRange

    public init(name: String, hosts: [String], range: SourceRange) {
        self.name = name
        self.hosts = hosts
        self.range = range
    }
}

/// One server of the fleet.
public struct Host: Hashable, Sendable {
    public var name: String
    /// Its addresses as written (single addresses, or prefixes/ranges when a host owns several).
    public var addresses: AddressSet
    /// Names of the roles it plays, in source order.
    public var roles: [String]
    /// Where it is first defined.
    public var range: SourceRange

    public init(name: String, addresses: AddressSet, roles: [String], range: SourceRange) {
        self.name = name
        self.addresses = addresses
        self.roles = roles
        self.range = range
    }
}

/// One end of a flow or expectation.
public enum Endpoint: Hashable, Sendable {
    case role(String)
    case network(String)
    case host(String)
    /// `*`: every host of the fleet.
    case fleet
    /// Literal addresses written in the flow (`10.0.0.0/8`, `2001:db8::1`), kept with their text.
    case addresses(AddressSet, text: String)
}

/// A service reference in a flow: a named service, or an inline one (`tcp/5432`, `any`).
public struct ServiceRef: Hashable, Sendable {
    /// The service's name, or the inline text as written (`tcp/5432`, `any`).
    public var name: String
    public var isInline: Bool
    public var atoms: [ServiceAtom]

    public init(name: String, isInline: Bool, atoms: [ServiceAtom]) {
        self.name = name
        self.isInline = isInline
        self.atoms = atoms
    }
}

public enum FlowAction: String, Hashable, Sendable { case allow, deny }

/// A day in the calendar (review-by dates), compared without time zones.
public struct CalendarDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// Review metadata of an `allow` (PCI DSS 1.2.5 / 1.2.7).
public struct FlowMetadata: Hashable, Sendable {
    public var owner: String?
    public var justification: String?
    public var reviewBy: CalendarDate?

    public init(owner: String? = nil, justification: String? = nil, reviewBy: CalendarDate? = nil) {
        self.owner = owner
        self.justification = justification
        self.reviewBy = reviewBy
    }
}

/// `allow SRC -> DST : SVC, ...` or `deny ...`.
public struct Flow: Hashable, Sendable {
    public var action: FlowAction
    public var sources: [Endpoint]
    public var destinations: [Endpoint]
    public var services: [ServiceRef]
    public var metadata: FlowMetadata
    /// The whole statement.
    public var range: SourceRange
    /// The statement on one line, whitespace collapsed, metadata left out:
    /// `allow lb -> web : https`. Rule comments carry it.
    public var text: String

    public init(action: FlowAction, sources: [Endpoint], destinations: [Endpoint], services: [ServiceRef], metadata: FlowMetadata = FlowMetadata(), range: SourceRange, text: String) {
        self.action = action
        self.sources = sources
        self.destinations = destinations
        self.services = services
        self.metadata = metadata
        self.range = range
        self.text = text
    }
}

/// `test "NAME" { expect ... }`.
public struct PolicyTest: Hashable, Sendable {
    public var name: String
    public var expectations: [Expectation]
    public var range: SourceRange

    public init(name: String, expectations: [Expectation], range: SourceRange) {
        self.name = name
        self.expectations = expectations
        self.range = range
    }
}

/// `expect allow|deny|only SRC -> DST : SVC, ...`.
public struct Expectation: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case allow, deny, only }
    public var kind: Kind
    public var sources: [Endpoint]
    public var destinations: [Endpoint]
    public var services: [ServiceRef]
    public var range: SourceRange
    public var text: String

    public init(kind: Kind, sources: [Endpoint], destinations: [Endpoint], services: [ServiceRef], range: SourceRange, text: String) {
        self.kind = kind
        self.sources = sources
        self.destinations = destinations
        self.services = services
        self.range = range
        self.text = text
    }
}

/// A rate such as `5/second` (drop logging, echo-request).
public struct Rate: Hashable, Sendable, CustomStringConvertible {
    public enum Unit: String, Hashable, Sendable, CaseIterable { case second, minute, hour, day }
    public var count: UInt64
    public var per: Unit

    public init(_ count: UInt64, per: Unit) {
        self.count = count
        self.per = per
    }

    public var description: String { "\(count)/\(per.rawValue)" }
}

/// `defaults { ... }`: fleet-wide settings.
public struct Defaults: Hashable, Sendable {
    /// Filter outbound traffic (output chain policy drop). Off: output chain policy accept.
    public var egressFiltering: Bool = true
    /// Log dropped NEW packets, rate-limited.
    public var logDrops: Bool = true
    public var logRate: Rate = Rate(10, per: .minute)
    /// Admit ICMP echo-request (and ICMPv6 echo-request), rate-limited.
    public var echoRequest: Bool = true
    public var echoRate: Rate = Rate(5, per: .second)
    /// The nftables table fwctl owns (family inet).
    public var tableName: String = "fwctl"
    /// What fwctl does with forwarded traffic (see `ForwardMode`).
    public var forward: ForwardMode = .unmanaged
    /// Dispatch new connections by a verdict map keyed by protocol and port, to a chain of
    /// that port's flows, so a new connection's cost does not grow with the number of flows
    /// (see docs/COMPILER.md). `dispatch = rules` walks one rule per flow instead.
    public var dispatchByMap: Bool = true

    public init() {}
}
