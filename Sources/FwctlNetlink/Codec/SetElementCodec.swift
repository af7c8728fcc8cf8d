import FwctlNet
import FwctlRuleset

/// One element as the kernel holds it: a key, possibly flagged as the end of an interval
/// (NFT_SET_ELEM_INTERVAL_END) or as an interval open to the maximum key (nft's udata flag).
struct KernelSetElement: Hashable, Sendable {
    var key: [UInt8]
    var isEnd: Bool = false
    var isOpen: Bool = false
    /// What a dumped element carries that fwctl never writes (`SetExtras.of(element:)`).
    var extras: [String] = []
    /// A verdict map element's verdict (NFTA_SET_ELEM_DATA { NFTA_DATA_VERDICT }).
    var verdict: KernelVerdict? = nil
}

/// A verdict as the kernel holds it: NF_ACCEPT, NFT_JUMP... and the chain of a jump or goto.
struct KernelVerdict: Hashable, Sendable {
    var code: Int32
    var chain: String?

    init(code: Int32, chain: String?) {
        self.code = code
        self.chain = chain
    }

    init(_ v: Verdict) {
        switch v {
        case .accept: self.init(code: NFT.accept, chain: nil)
        case .drop: self.init(code: NFT.drop, chain: nil)
        case .jump(let c): self.init(code: NFT.jump, chain: c)
        case .goto(let c): self.init(code: NFT.goto, chain: c)
        case .return: self.init(code: NFT.return, chain: nil)
        }
    }

    var verdict: Verdict? {
        switch (code, chain) {
        case (NFT.accept, nil): .accept
        case (NFT.drop, nil): .drop
        case (NFT.jump, let c?): .jump(c)
        case (NFT.goto, let c?): .goto(c)
        case (NFT.return, nil): .return
        default: nil
        }
    }
}

/// Keys of the dispatch map: the protocol and the port, each in a 32-bit word (nft pads the
/// fields of a concatenation to 4 bytes).
enum DispatchKey {
    static func bytes(proto: UInt8, port: UInt16) -> [UInt8] {
        [proto, 0, 0, 0, UInt8(port >> 8), UInt8(port & 0xff), 0, 0]
    }

    static func decode(_ key: [UInt8]) -> (proto: UInt8, port: UInt16)? {
        guard key.count == 8, key[1] == 0, key[2] == 0, key[3] == 0, key[6] == 0, key[7] == 0 else { return nil }
        return (key[0], UInt16(key[4]) << 8 | UInt16(key[5]))
    }
}

/// Keys as closed ranges of big-endian integers, and the kernel's interval encoding of them.
///
/// nft encodes a range [a, b] of an interval set as a start element `a` and an END element
/// at b+1; a range reaching the maximum key has no END element but an "open" flag in its
/// udata; and unless the first range starts at zero, the set begins with an END element at 0.
enum SetElementCodec {
    static func kernelElements(_ ranges: [ClosedRange<UInt128>], keyLength: Int, interval: Bool) -> [KernelSetElement] {
        guard interval else { return ranges.map { KernelSetElement(key: bytes($0.lowerBound, keyLength)) } }
        let max = maxKey(keyLength)
        var out: [KernelSetElement] = []
        if let first = ranges.first, first.lowerBound != 0 {
            out.append(KernelSetElement(key: bytes(0, keyLength), isEnd: true))
        }
        for r in ranges {
            let open = r.upperBound == max
            out.append(KernelSetElement(key: bytes(r.lowerBound, keyLength), isOpen: open))
            if !open { out.append(KernelSetElement(key: bytes(r.upperBound + 1, keyLength), isEnd: true)) }
        }
        return out
    }

    /// The mirror image: kernel elements (in any order) back to sorted ranges, exactly as
    /// the kernel holds them.
    static func ranges(_ elements: [KernelSetElement], interval: Bool) -> [ClosedRange<UInt128>] {
        guard let keyLength = elements.map({ $0.key.count }).max() else { return [] }
        // Keys are converted once (sets can hold 100,000 elements).
        return ranges(keys: elements.map { (value: value($0.key), isEnd: $0.isEnd) }, keyLength: keyLength, interval: interval)
    }

    /// `ranges` of keys already converted to values.
    static func ranges(keys: [(value: UInt128, isEnd: Bool)], keyLength: Int, interval: Bool) -> [ClosedRange<UInt128>] {
        guard !keys.isEmpty else { return [] }
        // An END and a start at the same key (adjacent ranges) sort END first so it closes
        // before the next opens.
        let before: ((value: UInt128, isEnd: Bool), (value: UInt128, isEnd: Bool)) -> Bool = {
            $0.value != $1.value ? $0.value < $1.value : ($0.isEnd && !$1.isEnd)
        }
        // The kernel dumps an rbtree set from its highest key down: reversing is enough then.
        let sorted = zip(keys.dropFirst(), keys).allSatisfy { !before($1, $0) } ? keys.reversed() : keys.sorted(by: before)
        guard interval else { return sorted.filter { !$0.isEnd }.map { $0.value...$0.value } }
        var out: [ClosedRange<UInt128>] = []
        out.reserveCapacity(sorted.count / 2 + 1)
        var start: UInt128?
        for e in sorted {
            let k = e.value
            if e.isEnd {
                // An END without an open start is nft's leading zero element: nothing to close.
                if let s = start, k > s { out.append(s...(k - 1)) }
                start = nil
            } else {
                if let s = start { out.append(s...s) }
                start = k
            }
        }
        if let s = start, s <= maxKey(keyLength) { out.append(s...maxKey(keyLength)) }
        // Not merged: adjacent ranges the kernel holds separately stay separate, so that
        // deleting a decoded range deletes elements that really exist.
        return out
    }

    static func maxKey(_ length: Int) -> UInt128 { length >= 16 ? .max : (UInt128(1) << (8 * length)) - 1 }

    static func bytes(_ v: UInt128, _ length: Int) -> [UInt8] {
        (0..<length).map { UInt8(truncatingIfNeeded: v >> UInt128(8 * (length - 1 - $0))) }
    }

    static func value(_ bytes: [UInt8]) -> UInt128 {
        var v: UInt128 = 0
        for b in bytes { v = v << 8 | UInt128(b) }
        return v
    }
}

/// How each model key type is stored: nft datatype id, key length, and byte order udata.
struct SetKeyFormat: Hashable, Sendable {
    var datatype: UInt32
    var length: Int
    /// NFTNL_UDATA_SET_KEYBYTEORDER as nft writes it (2 = big endian, 0 = none for inet_proto).
    var byteorder: UInt32

    static let ipv4 = SetKeyFormat(datatype: 7, length: 4, byteorder: 2)
    static let ipv6 = SetKeyFormat(datatype: 8, length: 16, byteorder: 2)
    static let inetProto = SetKeyFormat(datatype: 12, length: 1, byteorder: 0)
    static let inetService = SetKeyFormat(datatype: 13, length: 2, byteorder: 2)
    static let icmpType = SetKeyFormat(datatype: 14, length: 1, byteorder: 2)
    static let icmpv6Type = SetKeyFormat(datatype: 29, length: 1, byteorder: 2)

    init(datatype: UInt32, length: Int, byteorder: UInt32) {
        self.datatype = datatype
        self.length = length
        self.byteorder = byteorder
    }

    init(_ type: SetKeyType) {
        switch type {
        case .ipv4Addr: self = .ipv4
        case .ipv6Addr: self = .ipv6
        case .inetService: self = .inetService
        case .inetProto: self = .inetProto
        // inet_proto . inet_service: each field padded to 4 bytes (nft's concatenation).
        case .protoService: self = SetKeyFormat(datatype: 12 << 6 | 13, length: 8, byteorder: 0)
        }
    }

    static func family(_ f: IPFamily) -> SetKeyFormat { f == .v4 ? .ipv4 : .ipv6 }

    var keyType: SetKeyType? {
        switch datatype {
        case 7: .ipv4Addr
        case 8: .ipv6Addr
        case 13: .inetService
        case 12: .inetProto
        default: nil
        }
    }
}

extension SetElement {
    /// The element as a closed range of big-endian key values.
    var keyRange: ClosedRange<UInt128> {
        switch self {
        case .address(let r): Self.value(r.lower)...Self.value(r.upper)
        case .port(let p): UInt128(p.lower)...UInt128(p.upper)
        case .proto(let p): UInt128(p)...UInt128(p)
        case .dispatch(let p, let port, _): (UInt128(p) << 32 | UInt128(port) << 16)...(UInt128(p) << 32 | UInt128(port) << 16)
        }
    }

    private static func value(_ a: IPAddress) -> UInt128 {
        switch a {
        case .v4(let v): UInt128(v)
        case .v6(let v): v
        }
    }

    /// The model element for a key range of `type`; nil when it does not fit the type.
    init?(_ range: ClosedRange<UInt128>, type: SetKeyType) {
        let (lo, hi) = (range.lowerBound, range.upperBound)
        switch type {
        case .ipv4Addr:
            guard hi <= UInt128(UInt32.max) else { return nil }
            self = .address(AddressRange(lower: .v4(UInt32(lo)), upper: .v4(UInt32(hi))))
        case .ipv6Addr:
            self = .address(AddressRange(lower: .v6(lo), upper: .v6(hi)))
        case .inetService:
            guard hi <= UInt128(UInt16.max) else { return nil }
            self = .port(PortRange(UInt16(lo), UInt16(hi)))
        case .inetProto:
            guard lo == hi, hi <= UInt128(UInt8.max) else { return nil }
            self = .proto(UInt8(lo))
        case .protoService:
            return nil   // a key alone is no map element: the verdict is missing
        }
    }
}
