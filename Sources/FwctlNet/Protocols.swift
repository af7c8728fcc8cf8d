/// Transport protocols with ports.
public enum PortProtocol: String, Hashable, Sendable, CaseIterable, Codable, Comparable {
    case tcp, udp, sctp

    /// The IP protocol number.
    public var number: UInt8 {
        switch self { case .tcp: 6; case .udp: 17; case .sctp: 132 }
    }

    public static func < (a: PortProtocol, b: PortProtocol) -> Bool { a.number < b.number }
}

/// A closed range of ports, `443` or `30000-30100`.
public struct PortRange: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let lower: UInt16
    public let upper: UInt16

    public init(_ lower: UInt16, _ upper: UInt16) {
        precondition(lower <= upper)
        self.lower = lower
        self.upper = upper
    }

    public init(_ port: UInt16) { self.init(port, port) }

    public var closedRange: ClosedRange<UInt16> { lower...upper }
    public var isSingle: Bool { lower == upper }
    public var description: String { isSingle ? "\(lower)" : "\(lower)-\(upper)" }

    public static func < (a: PortRange, b: PortRange) -> Bool {
        (a.lower, a.upper) < (b.lower, b.upper)
    }
}

/// IP protocol names as nft prints them (from /etc/protocols on Debian), both directions.
public enum IPProtocolNames {
    /// Number to the name nft prints for `meta l4proto` / `ip protocol`.
    public static let names: [UInt8: String] = [
        0: "ip", 1: "icmp", 2: "igmp", 3: "ggp", 4: "ipencap", 5: "st", 6: "tcp", 8: "egp",
        9: "igp", 12: "pup", 17: "udp",
        20: "hmp", 22: "xns-idp", 27: "rdp", 29: "iso-tp4", 33: "dccp", 36: "xtp",
        37: "ddp", 38: "idpr-cmtp", 41: "ipv6", 43: "ipv6-route", 44: "ipv6-frag",
        45: "idrp", 46: "rsvp", 47: "gre", 50: "esp", 51: "ah", 57: "skip",
        58: "ipv6-icmp", 59: "ipv6-nonxt", 60: "ipv6-opts", 73: "rspf", 81: "vmtp",
        88: "eigrp", 89: "ospf", 93: "ax.25", 94: "ipip", 97: "etherip", 98: "encap",
        103: "pim", 108: "ipcomp", 112: "vrrp", 115: "l2tp", 124: "isis", 132: "sctp",
        133: "fc", 135: "mobility-header", 136: "udplite", 137: "mpls-in-ip",
        138: "manet", 139: "hip", 140: "shim6", 141: "wesp", 142: "rohc",
        143: "ethernet", 262: "mptcp",
    ].reduce(into: [UInt8: String]()) { acc, kv in
        if let k = UInt8(exactly: kv.key) { acc[k] = kv.value }
    }

    /// Name (and common aliases) to number, for the policy language.
    public static let numbers: [String: UInt8] = {
        var m: [String: UInt8] = [:]
        for (n, name) in names { m[name] = n }
        m["icmpv6"] = 58
        m["ipv6-icmp"] = 58
        m["carp"] = 112
        m["ipsec-esp"] = 50
        m["ipsec-ah"] = 51
        return m
    }()
}
