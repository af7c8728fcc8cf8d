import FwctlNet

/// What makes a host a host: a name nftables can carry, addresses of its own, and (warned
/// about) one machine's worth of addresses.
extension Sema {
    /// The longest name of a role, network, host or service, in bytes. A role or network name
    /// becomes a set name (`role_NAME_v4`, at most 255 bytes) and a set comment (`network
    /// NAME`, at most 128 bytes: nft refuses a longer one); 120 keeps both within bounds.
    static let maxNameBytes = 120

    /// Reports a name too long for the ruleset (checked where names are defined).
    mutating func checkLength(_ name: NameSyntax, _ kind: String) {
        let bytes = name.text.utf8.count
        guard bytes > Self.maxNameBytes else { return }
        sink.error("E-name-too-long", "\(kind) name '\(name.text.clipped)' is \(bytes) bytes long; names are at most \(Self.maxNameBytes)", at: name.range,
                   help: "names become nftables set names and comments, which have a size limit: shorten it")
    }

    /// Two host names whose addresses overlap: a rule for one would match the other's packets
    /// too, and each table would treat the other host's traffic as its own. One pass per
    /// family over every host's ranges sorted by address (as plain integers: hosts listed in
    /// address order are a sorted run already, which the sort passes through in linear time),
    /// so a 1,000,000-host fleet checks in n log n at worst.
    mutating func checkSharedAddresses() {
        // One pass over the hosts, reading their intervals in place (a copy of each host's
        // record would retain and release every field of 100,000 records).
        var byFamily: [[Span]] = [[], []]
        byFamily[0].reserveCapacity(hostInfos.count)
        for i in hostInfos.indices {
            for r in hostInfos[i].addresses.v4.intervals { byFamily[0].append(Span(lower: UInt128(r.lowerBound), upper: UInt128(r.upperBound), host: i)) }
            for r in hostInfos[i].addresses.v6.intervals { byFamily[1].append(Span(lower: r.lowerBound, upper: r.upperBound, host: i)) }
        }
        var reported = Set<Int>()
        for (family, var ranges) in zip([IPFamily.v4, .v6], byFamily) where ranges.count > 1 {
            ranges.sort { ($0.lower, $0.upper, $0.host) < ($1.lower, $1.upper, $1.host) }
            // The range reaching furthest so far (it meets every later range anything earlier
            // meets), and the one just before: a wide entry then does not hide two hosts inside
            // it sharing an address.
            var reach = ranges[0]
            for k in 1..<ranges.count {
                let item = ranges[k]
                // Sorted by lower bound: only the furthest reach can meet the next range first.
                if reach.upper >= item.lower {
                  for other in [reach, ranges[k - 1]] where other.host != item.host && other.upper >= item.lower {
                    let (first, second) = (min(other.host, item.host), max(other.host, item.host))
                    if reported.insert(second).inserted, !sink.isFull(hostInfos[second].nameRange.file) {
                        reportShared(family == .v4 ? .v4(UInt32(item.lower)) : .v6(item.lower), first: hostInfos[first], second: hostInfos[second])
                    }
                  }
                }
                if reach.upper < item.upper { reach = item }
            }
        }
    }

    /// A host's address range as integers of its family.
    private struct Span {
        var lower: UInt128
        var upper: UInt128
        var host: Int
    }

    private mutating func reportShared(_ address: IPAddress, first: HostInfo, second: HostInfo) {
        sink.error("E-shared-address", "host '\(second.name.clipped)' has address \(address), which host '\(first.name.clipped)' has too", at: second.range,
                   help: "each host needs addresses of its own: a rule for one would also match the other's packets; list a host once per role under one name",
                   notes: [.init(message: "'\(first.name.clipped)' is defined here", range: first.range)])
    }

    /// A host entry written as a prefix shorter than /32 or /128, or covering a whole family:
    /// every address in it is treated as that host by the other hosts' rules, the classic
    /// slip of writing the network instead of the host's address. An explicit range
    /// (`a-b`) short of a whole family is taken as the host's deliberate list of addresses.
    static func isWide(_ a: AddressSyntax) -> Bool {
        guard !a.value.isSingle else { return false }
        return a.text.contains("/") || describeSize(a.value).hasPrefix("every")
    }

    mutating func warnWideHosts() {
        for r in roles {
            for h in r.hosts where h.addresses.contains(where: Self.isWide) {
                // Once per host: at its first definition (another role repeats the same entry).
                guard let symbol = ends[h.name.text], symbol.kind == .host, hostInfos[symbol.index].range == h.range else { continue }
                for a in h.addresses where Self.isWide(a) {
                    guard !sink.warningsFull(a.range.file) else { return }
                    sink.warning("W-host-wide", "host '\(h.name.text.clipped)' is given \(a.text), which is \(Self.describeSize(a.value)), not one machine's address", at: a.range,
                                 help: "other hosts admit every address in it as '\(h.name.text.clipped)': list the host's own addresses (/32, /128), or make the block a network")
                }
            }
        }
    }

    static func describeSize(_ r: AddressRange) -> String {
        let count = r.upper.wideValue - r.lower.wideValue
        if r.lower.family == .v4 ? count == UInt128(UInt32.max) : count == UInt128.max { return "every \(r.lower.family == .v4 ? "IPv4" : "IPv6") address" }
        return count < 1 << 32 ? "\(count + 1) addresses" : "more than 2^32 addresses"
    }

    /// Hosts whose addresses include a whole family (`0.0.0.0/0`, `::/0`), and their roles,
    /// by name (roles and hosts share one namespace): such an end is the internet too.
    func internetEnds() -> [String: String] {
        var out: [String: String] = [:]
        for h in hostInfos {
            guard let prefix = h.addresses.v4.isFull ? "0.0.0.0/0" : h.addresses.v6.isFull ? "::/0" : nil else { continue }
            out[h.name] = prefix
            for r in h.roles where out[r] == nil { out[r] = prefix }
        }
        return out
    }
}

extension IPAddress {
    /// The address as one unsigned integer (IPv4 in the low 32 bits).
    var wideValue: UInt128 {
        switch self {
        case .v4(let v): UInt128(v)
        case .v6(let v): v
        }
    }
}
