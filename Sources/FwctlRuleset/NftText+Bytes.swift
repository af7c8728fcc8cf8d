import FwctlNet
#if canImport(Glibc)
import Glibc
#endif

/// Tables and set blocks written straight into UTF-8 bytes.
///
/// A host of large roles has sets of 100,000 elements, and every apply hashes the table's text
/// for the apply log, so one `String` per element would allocate 100,000 times per apply.
/// Here a table's whole text goes into one buffer sized
/// for the worst case, each element formatted in place with no allocation. The text is
/// exactly what the per-element `render(element:)` gives, wrapped as nft wraps it (tests
/// compare the two, and the golden and kernel round-trip tests hold the rest).
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
        case .dispatch(_, _, let v): maxProto + 3 + maxPort + 3 + NftText.render(verdict: v).utf8.count
        }
    }

    /// The table's text, its blocks (sets first, then chains) separated by a blank line, in
    /// one buffer sized for the worst case: no reallocation and no copy of a big table's text.
    static func tableBytes(_ table: Table, setCache: SetTextCache?) -> [UInt8] {
        let head = "table \(table.family.rawValue) \(table.name) {\n" + tableAttributes(table)
        let chains = table.chains.map { render(chain: $0, family: table.family) }
        let cached = setCache.map { cache in table.sets.map { cache.bytes(of: $0) } }
        let setsBound = cached?.reduce(0) { $0 + $1.count } ?? table.sets.reduce(0) { $0 + setBound($1) }
        let bound = head.utf8.count + setsBound + chains.reduce(0) { $0 + $1.utf8.count }
            + table.sets.count + table.chains.count + 2
        return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            var w = ByteWriter(base: buffer.baseAddress!)
            w.utf8(head)
            // nft 1.0.6 puts a blank line before the first block after a `flags` line, but
            // not after a lone `comment` line.
            var first = table.flags == 0
            for (i, set) in table.sets.enumerated() {
                if !first { w.byte(0x0A) }
                first = false
                if let cached { w.bytes(cached[i]) } else { writeSet(set, to: &w) }
            }
            for chain in chains {
                if !first { w.byte(0x0A) }
                first = false
                w.utf8(chain)
            }
            w.utf8("}\n")
            count = w.count
        }
    }

    /// The set block (see `render(set:)`) as UTF-8.
    static func setBytes(_ set: NamedSet) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: setBound(set)) { buffer, count in
            var w = ByteWriter(base: buffer.baseAddress!)
            writeSet(set, to: &w)
            count = w.count
        }
    }

    /// `{ a, b,\n\t\t\t     c }` as UTF-8: nft breaks a named set's element list after every
    /// 2nd IPv4 address, every 5th port or protocol, and after every IPv6 address.
    static func elementListBytes(_ elements: [SetElement], keyType: SetKeyType) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: elementListBound(elements)) { buffer, count in
            var w = ByteWriter(base: buffer.baseAddress!)
            writeElementList(elements, keyType: keyType, to: &w)
            count = w.count
        }
    }

    /// The lines before the element list.
    private static func setHeader(_ set: NamedSet) -> String {
        var s = set.isVerdictMap ? "\tmap \(set.name) {\n\t\ttype \(set.keyType.rawValue) : verdict\n"
            : "\tset \(set.name) {\n\t\ttype \(set.keyType.rawValue)\n"
        if set.isInterval { s += "\t\tflags interval\n" }
        if let comment = set.comment { s += "\t\tcomment \"\(comment)\"\n" }
        return s
    }

    private static let elementsPrefix = "\t\telements = "
    private static let blockEnd = "\t}\n"

    private static func setBound(_ set: NamedSet) -> Int {
        setHeader(set).utf8.count + elementsPrefix.utf8.count + elementListBound(set.elements) + 1 + blockEnd.utf8.count
    }

    /// Sized by each element's own kind, so a hand-built set of mixed kinds still fits.
    private static func elementListBound(_ elements: [SetElement]) -> Int {
        elements.reduce(4) { $0 + lineBreak.count + widest($1) }
    }

    private static func writeSet(_ set: NamedSet, to w: inout ByteWriter) {
        w.utf8(setHeader(set))
        if !set.elements.isEmpty {
            w.utf8(elementsPrefix)
            writeElementList(sortedElements(set.elements), keyType: set.keyType, to: &w)
            w.byte(0x0A)
        }
        w.utf8(blockEnd)
    }

    private static func writeElementList(_ elements: [SetElement], keyType: SetKeyType, to w: inout ByteWriter) {
        let perLine: Int
        switch keyType {
        case .ipv4Addr: perLine = 2
        case .ipv6Addr: perLine = 1
        case .inetService, .inetProto: perLine = 5
        case .protoService: perLine = 1   // nft lists a map one element a line
        }
        w.byte(0x7B); w.byte(0x20)   // "{ "
        var column = 0
        for (i, e) in elements.enumerated() {
            if i > 0 {
                column += 1
                if column == perLine {
                    column = 0
                    w.bytes(lineBreak)
                } else {
                    w.byte(0x2C); w.byte(0x20)
                }
            }
            w.element(e)
        }
        w.byte(0x20); w.byte(0x7D)   // " }"
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
        bs.withUnsafeBufferPointer { p in
            guard let from = p.baseAddress else { return }
            (base + count).update(from: from, count: p.count)
            count += p.count
        }
    }

    mutating func utf8(_ s: String) {
        var s = s
        s.withUTF8 { p in
            guard let from = p.baseAddress else { return }
            (base + count).update(from: from, count: p.count)
            count += p.count
        }
    }

    /// 0...255 in decimal (an IPv4 address's byte).
    mutating func octet(_ v: UInt32) {
        if v >= 100 {
            byte(0x30 + UInt8(v / 100))
            byte(0x30 + UInt8(v / 10 % 10))
        } else if v >= 10 {
            byte(0x30 + UInt8(v / 10))
        }
        byte(0x30 + UInt8(v % 10))
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
        octet(v >> 24); byte(0x2E)
        octet((v >> 16) & 0xff); byte(0x2E)
        octet((v >> 8) & 0xff); byte(0x2E)
        octet(v & 0xff)
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
            // IPv4 (nearly every element of a large table) without the family-generic
            // comparisons of `isSingle` and `prefixLength`; the same text.
            if case .v4(let lo) = r.lower, case .v4(let hi) = r.upper {
                ipv4(lo)
                if lo == hi { return }
                let span = lo ^ hi
                if lo & span == 0, (span &+ 1) & span == 0 {
                    byte(0x2F)
                    decimal(UInt32(32 - span.nonzeroBitCount))
                } else {
                    byte(0x2D)
                    ipv4(hi)
                }
                return
            }
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
            proto(p)
        case .dispatch(let p, let port, let verdict):
            proto(p)
            for b in " . ".utf8 { byte(b) }
            decimal(UInt32(port))
            for b in " : ".utf8 { byte(b) }
            for b in NftText.render(verdict: verdict).utf8 { byte(b) }
        }
    }

    mutating func proto(_ p: UInt8) {
        if let name = IPProtocolNames.names[p] {
            for b in name.utf8 { byte(b) }
        } else {
            decimal(UInt32(p))
        }
    }
}
