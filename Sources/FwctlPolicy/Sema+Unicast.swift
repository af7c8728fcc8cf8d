import FwctlNet

/// A host is a machine other machines send packets to: its addresses are unicast. An entry
/// inside loopback, multicast, broadcast, the unspecified or the reserved block would have
/// `fwctl test` and `verify` admit flows the kernel never carries (it drops a packet for
/// 127.0.0.0/8 or ::1 arriving from another machine as a martian).
extension Sema {
    /// The blocks, with what each is. An entry wider than them all (`0.0.0.0/0`) is the
    /// wide-host warning's case, not this error.
    static let nonUnicastBlocks: [(range: AddressRange, what: String)] = [
        ("0.0.0.0/8", "an unspecified (this-network) address"), ("127.0.0.0/8", "a loopback address"),
        ("224.0.0.0/4", "a multicast address"), ("240.0.0.0/4", "a reserved or broadcast address"),
        ("::/128", "the unspecified address"), ("::1/128", "a loopback address"), ("ff00::/8", "a multicast address"),
    ].map { text, what in
        let parts = text.split(separator: "/")
        return (AddressRange(prefix: IPAddress(parts[0])!, length: Int(parts[1])!)!, what)
    }

    /// What the entry is when it lies wholly inside one of the blocks; nil for unicast.
    static func nonUnicast(_ r: AddressRange) -> String? {
        guard mayBeNonUnicast(r.lower) else { return nil }
        return nonUnicastBlocks.first { $0.range.family == r.family && !(r.lower < $0.range.lower) && !($0.range.upper < r.upper) }?.what
    }

    /// False for an address in none of the blocks, from its first byte (or, in IPv6, its
    /// value): the common case, answered without walking the blocks.
    static func mayBeNonUnicast(_ a: IPAddress) -> Bool {
        switch a {
        case .v4(let v): v >> 24 == 0 || v >> 24 == 127 || v >> 24 >= 224
        case .v6(let v): v <= 1 || v >> 120 == 0xff
        }
    }

    /// Whether any address of `set` is in one of the blocks (what the fast path declines).
    static func meetsNonUnicast(_ set: AddressSet) -> Bool {
        nonUnicastBlocks.contains { block in
            var one = AddressSet()
            one.insert(block.range)
            return one.intersects(set)
        }
    }

    mutating func checkUnicastHosts() {
        for r in roles {
            for h in r.hosts where h.addresses.contains(where: { Self.mayBeNonUnicast($0.value.lower) }) {
                // Once per host: at its first definition (another role repeats the same entry).
                guard let symbol = ends[h.name.text], symbol.kind == .host, hostInfos[symbol.index].range == h.range else { continue }
                for a in h.addresses {
                    guard let what = Self.nonUnicast(a.value) else { continue }
                    sink.error("E-host-not-unicast", "host '\(h.name.text.clipped)' is given \(a.text.clipped), \(what): no other machine's packet reaches it", at: a.range,
                               help: "a host's addresses are the unicast addresses of its interfaces; traffic to itself goes over loopback, which every table admits")
                }
            }
        }
    }
}
