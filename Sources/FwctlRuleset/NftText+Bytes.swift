import FwctlNet
#if canImport(Glibc)
import Glibc
#endif

/// Set element lists written straight into UTF-8 bytes.
///
/// A host of large roles has sets of 100,000 elements; building their text from one `String`
/// per element (and appending each to a growing `String`) took ≈ 15 ms, on every apply (the
/// apply log hashes the table's text). Here each element is formatted into one buffer sized
/// for the worst case, with no allocation per element. The text is exactly
/// `render(element:)`'s, joined as `elementList` always joined it (tests compare the two).
extension NftText {
    /// The longest text of one element of each key type, and the longest separator.
    private static let maxV4 = 31          // 255.255.255.255-255.255.255.255
    private static let maxV6 = 2 * 46 + 1  // INET6_ADDRSTRLEN (inet_ntop's NUL included), twice, a dash
    private static let maxPort = 11        // 65535-65535
    private static let maxProto = IPProtocolNames.names.values.map(\.utf8.count).max().map { max($0, 3) } ?? 3
    private static let lineBreak = Array(",\n\t\t\t     ".utf8)

    private static func widest(_ e: SetElement) -> Int {
        switch e {
        case .address(let r): r.family == .v4 ? maxV4 : maxV6
        case .port: maxPort
        case .proto: maxProto
        }
    }

    /// Appends `{ a, b,\n\t\t\t     c }` to `out`: the element list as `elementList` wraps it.
    static func appendElementList(_ elements: [SetElement], keyType: SetKeyType, to out: inout [UInt8]) {
        let perLine: Int
        switch keyType {
        case .ipv4Addr: perLine = 2
        case .ipv6Addr: perLine = 1
        case .inetService, .inetProto: perLine = 5
        }
        // Sized by each element's own kind, so a hand-built set of mixed kinds still fits.
        let bound = elements.reduce(4) { $0 + lineBreak.count + widest($1) }
        let text = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            var w = ByteWriter(base: buffer.baseAddress!)
            w.byte(0x7B); w.byte(0x20)   // "{ "
            for (i, e) in elements.enumerated() {
                if i > 0 {
                    if i % perLine == 0 { w.bytes(lineBreak) } else { w.byte(0x2C); w.byte(0x20) }
                }
                w.element(e)
            }
            w.byte(0x20); w.byte(0x7D)   // " }"
            count = w.count
        }
        out += text
    }
}

/// A cursor over a buffer the caller sized for everything written (no bounds checks here).
private struct ByteWriter {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0

    mutating func byte(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    mutating func bytes(_ bs: [UInt8]) {
        for b in bs { byte(b) }
    }

    /// Decimal digits of `v`, as `String(v)` prints them.
    mutating func decimal(_ v: UInt32) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var rest = v
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = 0x30 + UInt8(rest % 10)
                rest /= 10
                n += 1
            } while rest > 0
            while n > 0 {
                n -= 1
                byte(d[n])
            }
        }
    }

    /// Dotted quad, as `IPAddress.description` prints it.
    mutating func ipv4(_ v: UInt32) {
        decimal(v >> 24); byte(0x2E)
        decimal((v >> 16) & 0xff); byte(0x2E)
        decimal((v >> 8) & 0xff); byte(0x2E)
        decimal(v & 0xff)
    }

    /// inet_ntop's text, as `IPAddress.description` prints it, written in place.
    mutating func ipv6(_ v: UInt128) {
        var a = in6_addr()
        withUnsafeMutableBytes(of: &a) { raw in
            for i in 0..<16 { raw[i] = UInt8(truncatingIfNeeded: v >> UInt128(8 * (15 - i))) }
        }
        // Room for INET6_ADDRSTRLEN (46) bytes including the NUL, which the next write covers.
        let start = base + count
        start.withMemoryRebound(to: CChar.self, capacity: Int(INET6_ADDRSTRLEN)) { p in
            _ = inet_ntop(AF_INET6, &a, p, socklen_t(INET6_ADDRSTRLEN))
            count += strlen(p)
        }
    }

    mutating func address(_ a: IPAddress) {
        switch a {
        case .v4(let v): ipv4(v)
        case .v6(let v): ipv6(v)
        }
    }

    /// `AddressRange.description`, `PortRange.description` or the protocol's name.
    mutating func element(_ e: SetElement) {
        switch e {
        case .address(let r):
            address(r.lower)
            if r.isSingle { return }
            if let len = r.prefixLength {
                byte(0x2F)
                decimal(UInt32(len))
            } else {
                byte(0x2D)
                address(r.upper)
            }
        case .port(let p):
            decimal(UInt32(p.lower))
            if !p.isSingle {
                byte(0x2D)
                decimal(UInt32(p.upper))
            }
        case .proto(let p):
            if let name = IPProtocolNames.names[p] {
                for b in name.utf8 { byte(b) }
            } else {
                decimal(UInt32(p))
            }
        }
    }
}
