import CNftnl

/// Reads GETSETELEM dump messages straight from their attributes (walked by libmnl's
/// `NetlinkAttributes`) into key values, for the named sets that hold tens of thousands of elements: no libnftnl object and no byte array
/// per element. Anything it does not expect (an attribute fwctl never writes, a key longer
/// than 16 bytes, a malformed length) makes it give up (nil), and the caller decodes the
/// messages through libnftnl as for every other object.
///
/// Layout (linux/netfilter/nf_tables.h): after nlmsghdr and nfgenmsg, NFTA_SET_ELEM_LIST_ELEMENTS
/// nests NFTA_LIST_ELEM entries, each with NFTA_SET_ELEM_KEY nesting NFTA_DATA_VALUE, and
/// optionally NFTA_SET_ELEM_FLAGS (big-endian u32) and NFTA_SET_ELEM_USERDATA.
enum ElementDumpDecoder {
    private static let listTable = UInt16(NFTA_SET_ELEM_LIST_TABLE.rawValue), listSet = UInt16(NFTA_SET_ELEM_LIST_SET.rawValue)
    private static let listElements = UInt16(NFTA_SET_ELEM_LIST_ELEMENTS.rawValue), listElem = UInt16(NFTA_LIST_ELEM.rawValue)
    private static let elemKey = UInt16(NFTA_SET_ELEM_KEY.rawValue), elemFlags = UInt16(NFTA_SET_ELEM_FLAGS.rawValue)
    private static let elemUserData = UInt16(NFTA_SET_ELEM_USERDATA.rawValue), dataValue = UInt16(NFTA_DATA_VALUE.rawValue)

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
                NetlinkAttributes.forEach(raw, from: ExtAck.payloadStart, to: raw.count) { a in
                    switch a.type {
                    case listTable, listSet: return true
                    case listElements: return NetlinkAttributes.forEach(nestedIn: a, of: raw) { e in
                        e.type == listElem && element(e, of: raw, into: &out, length: &length)
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
    private static func element(_ listElem: NetlinkAttribute, of raw: UnsafeRawBufferPointer,
                                into out: inout [Key], length: inout Int) -> Bool {
        var key: (value: UInt128, length: Int)?
        var isEnd = false
        let ok = NetlinkAttributes.forEach(nestedIn: listElem, of: raw) { a in
            switch a.type {
            case elemKey:   // { NFTA_DATA_VALUE }
                return NetlinkAttributes.forEach(nestedIn: a, of: raw) { v in
                    guard v.type == dataValue, (1...16).contains(v.payload.count) else { return false }
                    key = (v.payload.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }, v.payload.count)
                    return true
                }
            case elemFlags:   // network byte order
                guard a.payload.count == 4 else { return false }
                isEnd = a.payload[3] & UInt8(truncatingIfNeeded: NFT.elemIntervalEnd) != 0
                return true
            case elemUserData:   // the "open interval" flag, implied by a missing END;
                      // anything else in it (a comment) is for the slow path to report.
                return UserData(bytes: Array(a.payload)).records.allSatisfy { $0.type == UserData.elemFlags }
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
}
