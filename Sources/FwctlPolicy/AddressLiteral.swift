import FwctlNet

/// Reads the address forms of the policy language: `192.0.2.1`, `2001:db8::1`, a prefix
/// `10.0.0.0/8`, or a range `a-b` of one family.
///
/// Errors say what is wrong in a firewall engineer's terms (which octet, which prefix length
/// and the family's limit) rather than "invalid address".
enum AddressLiteral {
    /// Why a literal was rejected or is suspicious.
    struct Problem: Error, Equatable, Sendable {
        var id: String
        var message: String
        var help: String?
        /// The UTF-8 offsets, within the literal, of the part that is wrong (nil: all of it).
        var span: Range<Int>? = nil
    }

    struct Parsed: Sendable {
        var value: AddressRange
        /// Legal but suspicious (a prefix with host bits set).
        var warning: Problem?
    }

    static func parse(_ text: String) -> Result<Parsed, Problem> {
        // Byte searches: Character-wise `firstIndex(of:)` walks grapheme clusters, far slower.
        if let dash = text.utf8.firstIndex(of: UInt8(ascii: "-")) {
            let lo = text[..<dash], hi = text[text.index(after: dash)...]
            if lo.utf8.contains(UInt8(ascii: "/")) || hi.utf8.contains(UInt8(ascii: "/")) {
                return .failure(Problem(id: "E-bad-address", message: "'\(text.clipped)' mixes a range and a prefix length", help: "write either a-b or a/len"))
            }
            let a: IPAddress, b: IPAddress
            switch single(lo) { case .success(let v): a = v; case .failure(let p): return .failure(p) }
            switch single(hi) { case .success(let v): b = v; case .failure(let p): return .failure(p) }
            guard a.family == b.family else {
                return .failure(Problem(id: "E-mixed-range", message: "range '\(text.clipped)' mixes IPv4 and IPv6", help: "a range runs between two addresses of one family"))
            }
            guard !(b < a) else {
                return .failure(Problem(id: "E-reversed-range", message: "range '\(text.clipped)' starts above its end", help: "write \(b)-\(a)"))
            }
            return .success(Parsed(value: AddressRange(lower: a, upper: b)))
        }
        if let slash = text.utf8.firstIndex(of: UInt8(ascii: "/")) {
            let addrText = text[..<slash], lenText = text[text.index(after: slash)...]
            let address: IPAddress
            switch single(addrText) { case .success(let v): address = v; case .failure(let p): return .failure(p) }
            let maxLen = address.family.bits
            let familyName = address.family == .v4 ? "IPv4" : "IPv6"
            guard !lenText.isEmpty, lenText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return .failure(Problem(id: "E-bad-prefix", message: "prefix length '\(lenText.clipped)' in '\(text.clipped)' is not a number", help: "an \(familyName) prefix length is 0-\(maxLen)"))
            }
            guard lenText.utf8.count <= 3, let len = Int(lenText), len <= maxLen else {
                return .failure(Problem(id: "E-bad-prefix", message: "prefix length \(lenText.clipped) is out of range for \(familyName) (0-\(maxLen))", help: nil))
            }
            let range = AddressRange(prefix: address, length: len)!
            var warning: Problem? = nil
            if range.lower != address {
                warning = Problem(id: "W-host-bits", message: "'\(text.clipped)' has host bits set; it means \(range.lower)/\(len)", help: "write \(range.lower)/\(len)")
            }
            return .success(Parsed(value: range, warning: warning))
        }
        return single(Substring(text)).map { Parsed(value: AddressRange($0)) }
    }

    /// One address, no prefix, no range.
    static func single(_ text: Substring) -> Result<IPAddress, Problem> {
        if let v4 = plainIPv4(text.utf8) { return .success(.v4(v4)) }
        if text.utf8.contains(UInt8(ascii: ":")) {
            guard let a = IPAddress(text) else {
                return .failure(Problem(id: "E-bad-address", message: "'\(text.clipped)' is not a valid IPv6 address", help: nil))
            }
            if case .v6(let bits) = a, a.isIPv4Mapped {
                let v4 = IPAddress.v4(UInt32(truncatingIfNeeded: bits))
                return .failure(Problem(id: "E-mapped-ipv4", message: "'\(text.clipped)' is an IPv4-mapped IPv6 address; nft would match it as IPv6 only", help: "write the IPv4 address \(v4) instead"))
            }
            return .success(a)
        }
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map { Substring($0) }
        guard parts.count == 4 else {
            return .failure(Problem(id: "E-bad-address", message: "'\(text.clipped)' is not an address: an IPv4 address has four dot-separated numbers", help: nil))
        }
        var value: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return .failure(Problem(id: "E-bad-address", message: "'\(p.clipped)' in '\(text.clipped)' is not a number 0-255", help: nil))
            }
            guard p.utf8.count <= 3, let n = UInt32(p), n <= 255 else {
                return .failure(Problem(id: "E-bad-address", message: "octet \(p.clipped) in '\(text.clipped)' is out of range 0-255", help: nil))
            }
            if p.utf8.count > 1 && p.utf8.first == 0x30 {
                return .failure(Problem(id: "E-bad-address", message: "octet '\(p.clipped)' in '\(text.clipped)' has a leading zero", help: "write \(n): leading zeros read as octal in some tools"))
            }
            value = value << 8 | n
        }
        return .success(.v4(value))
    }

    /// A well-formed dotted quad read in one pass over its bytes (large fleets are mostly
    /// these); nil for anything else, which `single` then reads and explains slowly.
    private static func plainIPv4(_ bytes: Substring.UTF8View) -> UInt32? {
        var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
        var leadingZero = false
        for b in bytes {
            if b == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0; digits = 0; dots += 1
            } else if b >= 0x30 && b <= 0x39 {
                if digits == 0 { leadingZero = b == 0x30 } else if leadingZero { return nil }
                digits += 1
                octet = octet * 10 + UInt32(b - 0x30)
                guard digits <= 3, octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, dots == 3 else { return nil }
        return value << 8 | octet
    }
}
