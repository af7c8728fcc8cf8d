import FwctlRuleset

/// Model values as the kernel numbers them: table families (NFPROTO_*) and hooks.
extension TableFamily {
    /// NFPROTO_* number of the family, the nfgenmsg family of every message.
    var nfproto: UInt16 {
        switch self {
        case .inet: 1
        case .ip: 2
        case .arp: 3
        case .netdev: 5
        case .bridge: 7
        case .ip6: 10
        }
    }

    init?(nfproto: UInt32) {
        guard let f = [TableFamily.inet, .ip, .ip6, .arp, .bridge, .netdev].first(where: { UInt32($0.nfproto) == nfproto }) else { return nil }
        self = f
    }
}

extension Hook {
    /// The hook number in a table of `family` (NF_INET_* for inet/ip/ip6, NF_NETDEV_INGRESS).
    func number(in family: TableFamily) -> UInt32 {
        switch self {
        case .prerouting: 0
        case .input: 1
        case .forward: 2
        case .output: 3
        case .postrouting: 4
        case .ingress: family == .netdev ? 0 : 5
        }
    }

    init?(number: UInt32, family: TableFamily) {
        switch (family, number) {
        case (.netdev, 0): self = .ingress
        case (.netdev, _): return nil
        case (.arp, 0): self = .input
        case (.arp, 1): self = .output
        case (.arp, 2): self = .forward
        case (.arp, _): return nil
        case (_, 0): self = .prerouting
        case (_, 1): self = .input
        case (_, 2): self = .forward
        case (_, 3): self = .output
        case (_, 4): self = .postrouting
        case (_, 5): self = .ingress
        default: return nil
        }
    }
}
