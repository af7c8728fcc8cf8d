/// Reads GETSETELEM dump messages straight from their attributes into key values, for the
/// named sets that hold tens of thousands of elements: no libnftnl object and no byte array
/// per element. Anything it does not expect (an attribute fwctl never writes, a key longer
/// than 16 bytes, a malformed length) makes it give up (nil), and the caller decodes the
/// messages through libnftnl as for every other object.
///
/// Layout (linux/netfilter/nf_tables.h): after nlmsghdr and nfgenmsg, NFTA_SET_ELEM_LIST_ELEMENTS
/// (3) nests NFTA_LIST_ELEM (1) entries, each with NFTA_SET_ELEM_KEY (1) nesting NFTA_DATA_VALUE
/// (1), and optionally NFTA_SET_ELEM_FLAGS (3, big-endian u32) and NFTA_SET_ELEM_USERDATA (6).
enum ElementDumpDecoder {
    struct Key {
        var value: UInt128
        var isEnd: Bool
    }

    /// The keys of every element of `messages`, and the key length; nil to fall back.
    static func keys(_ messages: [NetlinkMessage]) -> (keys: [Key], length: Int)? {
        var out: [Key] = []
        var length = 0
        for m in messages {
            let ok = m.bytes.withUnsafeBytes { raw -> Bool in
                attributes(raw, from: 20, to: raw.count) { type, start, end in
                    switch type {
                    case 1, 2: return true                  // table and set names
                    case 3: return attributes(raw, from: start, to: end) { t, s, e in
                        t == 1 && element(raw, from: s, to: e, into: &out, length: &length)
                    }
                    default: return false
                    }
                }
            }
            guard ok else { return nil }
        }
        return (out, length)
    }

    /// One NFTA_LIST_ELEM's attributes.
    private static func element(_ raw: UnsafeRawBufferPointer, from start: Int, to end: Int, into out: inout [Key], length: inout Int) -> Bool {
        var key: (value: UInt128, length: Int)?
        var isEnd = false
        let ok = attributes(raw, from: start, to: end) { type, s, e in
            switch type {
            case 1:   // NFTA_SET_ELEM_KEY { NFTA_DATA_VALUE }
                return attributes(raw, from: s, to: e) { t, vs, ve in
                    guard t == 1, ve - vs >= 1, ve - vs <= 16 else { return false }
                    var v: UInt128 = 0
                    for i in vs..<ve { v = v << 8 | UInt128(raw[i]) }
                    key = (v, ve - vs)
                    return true
                }
            case 3:   // NFTA_SET_ELEM_FLAGS, network byte order
                guard e - s == 4 else { return false }
                isEnd = raw[e - 1] & UInt8(truncatingIfNeeded: NFT.elemIntervalEnd) != 0
                return true
            case 6:   // NFTA_SET_ELEM_USERDATA: the "open interval" flag, implied by a missing END;
                      // anything else in it (a comment) is for the slow path to report.
                return UserData(bytes: Array(raw[s..<e])).records.allSatisfy { $0.type == UserData.elemFlags }
            default:
                return false
            }
        }
        guard ok, let key else { return false }
        guard length == 0 || length == key.length else { return false }
        length = key.length
        out.append(Key(value: key.value, isEnd: isEnd))
        return true
    }

    /// Calls `body(type, payloadStart, payloadEnd)` for each attribute in [start, end); false
    /// when a length is malformed or `body` refuses.
    private static func attributes(_ raw: UnsafeRawBufferPointer, from start: Int, to end: Int,
                                   _ body: (UInt16, Int, Int) -> Bool) -> Bool {
        var i = start
        while i + 4 <= end {
            let len = Int(raw.loadUnaligned(fromByteOffset: i, as: UInt16.self))
            let type = raw.loadUnaligned(fromByteOffset: i + 2, as: UInt16.self) & 0x3fff
            guard len >= 4, i + len <= end else { return false }
            guard body(type, i + 4, i + len) else { return false }
            i += align4(len)
        }
        return true
    }
}
