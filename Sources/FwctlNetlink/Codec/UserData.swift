/// The TLV "userdata" blobs nft stores on rules, chains, sets and set elements
/// ({u8 type, u8 length, value}), written and read in Swift so no C iteration macro is needed.
struct UserData: Hashable, Sendable {
    var records: [(type: UInt8, value: [UInt8])]

    init(_ records: [(type: UInt8, value: [UInt8])] = []) { self.records = records }

    // Type numbers from libnftnl/udata.h.
    static let tableComment: UInt8 = 0         // NFTNL_UDATA_TABLE_COMMENT
    static let ruleComment: UInt8 = 0          // NFTNL_UDATA_RULE_COMMENT
    static let chainComment: UInt8 = 0         // NFTNL_UDATA_CHAIN_COMMENT
    static let setKeyByteorder: UInt8 = 0      // NFTNL_UDATA_SET_KEYBYTEORDER
    static let setMergeElements: UInt8 = 2     // NFTNL_UDATA_SET_MERGE_ELEMENTS
    static let setKeyTypeof: UInt8 = 3         // NFTNL_UDATA_SET_KEY_TYPEOF
    static let setComment: UInt8 = 7           // NFTNL_UDATA_SET_COMMENT
    static let setDataTypeof: UInt8 = 4        // NFTNL_UDATA_SET_DATA_TYPEOF
    static let elemComment: UInt8 = 0          // NFTNL_UDATA_SET_ELEM_COMMENT
    static let elemFlags: UInt8 = 1            // NFTNL_UDATA_SET_ELEM_FLAGS
    static let elemFlagIntervalOpen: UInt32 = 1

    /// Longest comment nft accepts (NFTNL_UDATA_COMMENT_MAXLEN) including the final NUL.
    static let commentMaxLength = 128

    mutating func append(_ type: UInt8, u32 value: UInt32) {
        // nft writes these in host order (nftnl_udata_put_u32).
        records.append((type, withUnsafeBytes(of: value) { Array($0) }))
    }

    mutating func append(_ type: UInt8, nested: UserData) {
        records.append((type, nested.bytes))
    }

    mutating func append(_ type: UInt8, string: String) {
        records.append((type, Array(string.utf8) + [0]))
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        for r in records {
            out.append(r.type)
            out.append(UInt8(r.value.count))
            out += r.value
        }
        return out
    }

    /// Parses a blob; a truncated tail is ignored rather than trusted.
    init(bytes: [UInt8]) {
        records = []
        var i = 0
        while i + 2 <= bytes.count {
            let type = bytes[i], len = Int(bytes[i + 1])
            guard i + 2 + len <= bytes.count else { break }
            records.append((type, Array(bytes[(i + 2)..<(i + 2 + len)])))
            i += 2 + len
        }
    }

    func value(_ type: UInt8) -> [UInt8]? { records.first { $0.type == type }?.value }

    func string(_ type: UInt8) -> String? {
        guard let v = value(type) else { return nil }
        return String(decoding: v.prefix { $0 != 0 }, as: UTF8.self)
    }

    func u32(_ type: UInt8) -> UInt32? {
        guard let v = value(type), v.count == 4 else { return nil }
        return v.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }

    static func == (a: UserData, b: UserData) -> Bool { a.bytes == b.bytes }
    func hash(into h: inout Hasher) { h.combine(bytes) }
}
