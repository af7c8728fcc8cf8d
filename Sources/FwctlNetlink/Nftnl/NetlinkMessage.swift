import CNftnl

/// One received netlink message, copied out of the receive buffer (header included) so it
/// can outlive the buffer and be handed to `nftnl_*_nlmsg_parse`.
struct NetlinkMessage {
    var bytes: [UInt8]

    static let error = UInt16(NLMSG_ERROR)
    static let done = UInt16(NLMSG_DONE)
    static let dumpInterrupted = UInt16(NLM_F_DUMP_INTR)

    var type: UInt16 { header?.nlmsg_type ?? 0 }
    var flags: UInt16 { header?.nlmsg_flags ?? 0 }
    var seq: UInt32 { header?.nlmsg_seq ?? 0 }

    private var header: nlmsghdr? {
        guard bytes.count >= MemoryLayout<nlmsghdr>.size else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: nlmsghdr.self) }
    }

    /// The low 16 bits of the generation id every nf_tables dump message carries
    /// (`nfgenmsg.res_id`, network order).
    var generationLow16: UInt16? {
        let at = MemoryLayout<nlmsghdr>.size + MemoryLayout<nfgenmsg>.offset(of: \.res_id)!
        guard bytes.count >= at + 2 else { return nil }
        return UInt16(bigEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt16.self) })
    }

    /// For NLMSG_ERROR: the (positive) errno, 0 for an ACK, with the extended ack
    /// (NLMSGERR_ATTR_OFFS and NLMSGERR_ATTR_MSG).
    var errorInfo: (errno: Int32, offset: UInt32?, message: String?)? {
        let headerSize = MemoryLayout<nlmsghdr>.size
        guard type == Self.error, bytes.count >= headerSize + MemoryLayout<Int32>.size else { return nil }
        return bytes.withUnsafeBytes { raw in
            let errno = -raw.loadUnaligned(fromByteOffset: headerSize, as: Int32.self)
            var offset: UInt32?
            var message: String?
            guard flags & UInt16(NLM_F_ACK_TLVS) != 0 else { return (errno, nil, nil) }
            // struct nlmsgerr is the error code and the echoed request: only its header when
            // capped, the whole request otherwise. The extended ack attributes follow it.
            let echoed = flags & UInt16(NLM_F_CAPPED) != 0 ? headerSize
                : Int(raw.count >= headerSize + 8 ? raw.loadUnaligned(fromByteOffset: headerSize + 4, as: UInt32.self) : 0)
            let start = headerSize + MemoryLayout<Int32>.size + ((echoed + 3) & ~3)
            NetlinkAttributes.forEach(raw, from: min(start, raw.count), to: raw.count) { a in
                switch UInt32(a.type) {
                case NLMSGERR_ATTR_MSG.rawValue:
                    message = String(decoding: a.payload.prefix { $0 != 0 }, as: UTF8.self)
                case NLMSGERR_ATTR_OFFS.rawValue where a.payload.count >= 4:
                    offset = a.payload.loadUnaligned(as: UInt32.self)
                default: break
                }
                return true
            }
            return (errno, offset, message)
        }
    }

    /// Splits a datagram into its messages with `mnl_nlmsg_ok` / `mnl_nlmsg_next`; stops at
    /// a malformed length.
    static func split(_ data: UnsafeRawBufferPointer) -> [NetlinkMessage] {
        guard let base = data.baseAddress else { return [] }
        var out: [NetlinkMessage] = []
        var remaining = Int32(clamping: data.count)
        var nlh = base.assumingMemoryBound(to: nlmsghdr.self)
        while mnl_nlmsg_ok(nlh, remaining) {
            out.append(NetlinkMessage(bytes: Array(UnsafeRawBufferPointer(start: nlh, count: Int(nlh.pointee.nlmsg_len)))))
            nlh = UnsafePointer(mnl_nlmsg_next(nlh, &remaining)!)
        }
        return out
    }
}
