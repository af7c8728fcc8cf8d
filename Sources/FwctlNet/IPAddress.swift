#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two address families fwctl speaks. nftables calls them `ip` and `ip6`.
public enum IPFamily: String, Hashable, Sendable, CaseIterable, Codable, Comparable {
    case v4, v6

    /// Bits in an address of this family.
    public var bits: Int { self == .v4 ? 32 : 128 }
    /// The nft keyword of the family's header (`ip`, `ip6`).
    public var nftKeyword: String { self == .v4 ? "ip" : "ip6" }

    public static func < (a: IPFamily, b: IPFamily) -> Bool { a == .v4 && b == .v6 }
}

/// One IPv4 or IPv6 address, as an integer in host order.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    case v4(UInt32)
    case v6(UInt128)

    public var family: IPFamily {
        switch self { case .v4: .v4; case .v6: .v6 }
    }

    /// Parses a dotted-quad IPv4 or an IPv6 address in any textual form `inet_pton` accepts.
    public init?(_ text: some StringProtocol) {
        let s = String(text)
        if s.contains(":") {
            var a = in6_addr()
            guard inet_pton(AF_INET6, s, &a) == 1 else { return nil }
            var v: UInt128 = 0
            withUnsafeBytes(of: &a) { raw in for b in raw { v = (v << 8) | UInt128(b) } }
            self = .v6(v)
        } else {
            // inet_pton(AF_INET) accepts only the strict dotted quad, which is what we want.
            var a = in_addr()
            guard s.contains("."), inet_pton(AF_INET, s, &a) == 1 else { return nil }
            self = .v4(UInt32(bigEndian: a.s_addr))
        }
    }

    /// Text the way nft (and inet_ntop) prints it.
    public var description: String {
        switch self {
        case .v4(let v):
            return "\(v >> 24).\((v >> 16) & 0xff).\((v >> 8) & 0xff).\(v & 0xff)"
        case .v6(let v):
            var a = in6_addr()
            withUnsafeMutableBytes(of: &a) { raw in
                for i in 0..<16 { raw[i] = UInt8(truncatingIfNeeded: v >> UInt128(8 * (15 - i))) }
            }
            var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            _ = inet_ntop(AF_INET6, &a, &buf, socklen_t(buf.count))
            return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Network-order bytes (4 or 16), as netlink and nft set keys carry them.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let v): return (0..<4).map { UInt8(truncatingIfNeeded: v >> UInt32(8 * (3 - $0))) }
        case .v6(let v): return (0..<16).map { UInt8(truncatingIfNeeded: v >> UInt128(8 * (15 - $0))) }
        }
    }

    /// Builds an address of `family` from network-order bytes.
    public init?(family: IPFamily, bytes: some Collection<UInt8>) {
        guard bytes.count == family.bits / 8 else { return nil }
        switch family {
        case .v4: self = .v4(bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        case .v6: self = .v6(bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) })
        }
    }

    /// True for IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`), which nft matches as IPv6 only.
    public var isIPv4Mapped: Bool {
        if case .v6(let v) = self { return v >> 32 == 0xffff }
        return false
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): x < y
        case (.v6(let x), .v6(let y)): x < y
        case (.v4, .v6): true
        case (.v6, .v4): false
        }
    }
}
