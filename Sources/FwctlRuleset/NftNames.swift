import FwctlNet

/// The symbolic names nft 1.0.6 prints for numeric values (ICMP types, conntrack states,
/// IP protocols), checked against `nft list` output in a scratch namespace.
///
/// nft prints the number itself when a value has no name, so every lookup here falls back
/// to the decimal value.
enum NftNames {
    /// ICMP (v4) type names, as nft's `icmp_type` datatype prints them.
    static let icmpTypes: [UInt8: String] = [
        0: "echo-reply", 3: "destination-unreachable", 4: "source-quench", 5: "redirect",
        8: "echo-request", 9: "router-advertisement", 10: "router-solicitation",
        11: "time-exceeded", 12: "parameter-problem", 13: "timestamp-request",
        14: "timestamp-reply", 15: "info-request", 16: "info-reply",
        17: "address-mask-request", 18: "address-mask-reply",
    ]

    /// ICMPv6 type names, as nft's `icmpv6_type` datatype prints them.
    static let icmpv6Types: [UInt8: String] = [
        1: "destination-unreachable", 2: "packet-too-big", 3: "time-exceeded",
        4: "parameter-problem", 128: "echo-request", 129: "echo-reply",
        130: "mld-listener-query", 131: "mld-listener-report", 132: "mld-listener-done",
        133: "nd-router-solicit", 134: "nd-router-advert", 135: "nd-neighbor-solicit",
        136: "nd-neighbor-advert", 137: "nd-redirect", 138: "router-renumbering",
        141: "ind-neighbor-solicit", 142: "ind-neighbor-advert", 143: "mld2-listener-report",
    ]

    static func icmpType(_ type: UInt8, family: IPFamily) -> String {
        let table = family == .v4 ? icmpTypes : icmpv6Types
        return table[type] ?? String(type)
    }

    /// An IP protocol as `meta l4proto` and `inet_proto` sets print it: the first
    /// /etc/protocols name, else the number.
    static func ipProtocol(_ number: UInt8) -> String {
        IPProtocolNames.names[number] ?? String(number)
    }

    /// Conntrack states in the order nft prints a bitmask: ascending bit value.
    static let ctStates: [(CtStates, String)] = [
        (.invalid, "invalid"), (.established, "established"), (.related, "related"),
        (.new, "new"), (.untracked, "untracked"),
    ]

    /// `established,related`: the set bits, in bit order, comma-separated without spaces.
    static func ctState(_ states: CtStates) -> String {
        var names = ctStates.filter { states.contains($0.0) }.map(\.1)
        // Bits nft has no name for print as hex; fwctl never sets them.
        let known = ctStates.reduce(CtStates()) { $0.union($1.0) }
        let rest = states.subtracting(known)
        if !rest.isEmpty { names.append("0x" + String(rest.rawValue, radix: 16, uppercase: false)) }
        return names.joined(separator: ",")
    }
}
