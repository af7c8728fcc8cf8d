import CNftnl

/// The kernel numbers fwctl's codec uses, from linux/netfilter/nf_tables.h and
/// linux/netfilter.h, each converted once to the width the codec works in: named C enums
/// import as structs (`rawValue`), anonymous ones and `#define`s as plain integers.
enum NFT {
    static let reg1 = u32(NFT_REG_1)                  // nft's "reg 1"
    static let reg32_01 = u32(NFT_REG32_01)           // the second 32-bit word of a concatenation
    static let dataVerdict = u32(NFT_DATA_VERDICT)

    static let metaIIF = u32(NFT_META_IIF), metaOIF = u32(NFT_META_OIF)
    static let metaNFProto = u32(NFT_META_NFPROTO), metaL4Proto = u32(NFT_META_L4PROTO)

    static let networkHeader = u32(NFT_PAYLOAD_NETWORK_HEADER), transportHeader = u32(NFT_PAYLOAD_TRANSPORT_HEADER)

    static let cmpEq = u32(NFT_CMP_EQ), cmpNeq = u32(NFT_CMP_NEQ), cmpLte = u32(NFT_CMP_LTE), cmpGte = u32(NFT_CMP_GTE)

    static let ctState = u32(NFT_CT_STATE), ctProtoDst = u32(NFT_CT_PROTO_DST)
    static let ctDstIP = u32(NFT_CT_DST_IP), ctDstIP6 = u32(NFT_CT_DST_IP6)

    /// `fib daddr . iif oif present`: the result and its flags.
    static let fibResultOIF = u32(NFT_FIB_RESULT_OIF)
    static let fibDaddrIifPresent = u32(NFTA_FIB_F_DADDR) | u32(NFTA_FIB_F_IIF) | u32(NFTA_FIB_F_PRESENT)

    static let drop = Int32(NF_DROP), accept = Int32(NF_ACCEPT)
    static let jump = NFT_JUMP.rawValue, goto = NFT_GOTO.rawValue, `return` = NFT_RETURN.rawValue

    static let nfprotoIPv4 = UInt8(NFPROTO_IPV4), nfprotoIPv6 = UInt8(NFPROTO_IPV6)

    static let setAnonymous = u32(NFT_SET_ANONYMOUS), setConstant = u32(NFT_SET_CONSTANT), setInterval = u32(NFT_SET_INTERVAL)
    static let setMap = u32(NFT_SET_MAP), setTimeout = u32(NFT_SET_TIMEOUT), setEval = u32(NFT_SET_EVAL)
    static let setObject = u32(NFT_SET_OBJECT), setConcat = u32(NFT_SET_CONCAT), setExpr = u32(NFT_SET_EXPR)

    static let elemIntervalEnd = u32(NFT_SET_ELEM_INTERVAL_END)
    static let chainBinding = u32(NFT_CHAIN_BINDING)

    private static func u32<T: RawRepresentable>(_ c: T) -> UInt32 where T.RawValue: BinaryInteger { UInt32(c.rawValue) }
}
