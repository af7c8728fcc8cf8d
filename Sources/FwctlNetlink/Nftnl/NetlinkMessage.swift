
/// One received netlink message, copied out of the receive buffer (header included) so it
/// can outlive the buffer and be handed to `nftnl_*_nlmsg_parse`.
struct NetlinkMessage {
    var bytes: [UInt8]

    // Fixed layout of struct nlmsghdr (16 bytes), then struct nfgenmsg for nf_tables.
    var type: UInt16 { read(UInt16.self, at: 4) }
    var flags: UInt16 { read(UInt16.self, at: 6) }
    var seq: UInt32 { read(UInt32.self, at: 8) }

    static let error: UInt16 = 2        // NLMSG_ERROR
    static let done: UInt16 = 3         // NLMSG_DONE
    static let dumpInterrupted: UInt16 = 0x10   // NLM_F_DUMP_INTR
    static let capped: UInt16 = 0x100   // NLM_F_CAPPED: the error echoes only the header
    static let ackTLVs: UInt16 = 0x200  // NLM_F_ACK_TLVS: extended ack attributes follow

    /// The low 16 bits of the generation id every nf_tables dump message carries
    /// (`nfgenmsg.res_id`, network order).
    var generationLow16: UInt16? {
        guard bytes.count >= 20 else { return nil }
        return UInt16(bytes[18]) << 8 | UInt16(bytes[19])
    }

    /// For NLMSG_ERROR: the (positive) errno, 0 for an ACK, with the extended ack.
    var errorInfo: (errno: Int32, offset: UInt32?, message: String?)? {
        guard type == Self.error, bytes.count >= 20 else { return nil }
        let errno = -read(Int32.self, at: 16)
        var offset: UInt32?
        var message: String?
        if flags & Self.ackTLVs != 0, bytes.count >= 36 {
            // After the error code comes the echoed request: its header only when capped.
            let echoed = flags & Self.capped != 0 ? 16 : Int(read(UInt32.self, at: 20))
            var i = 20 + align4(echoed)
            while i + 4 <= bytes.count {
                let len = Int(read(UInt16.self, at: i)), type = read(UInt16.self, at: i + 2) & 0x3fff
                guard len >= 4, i + len <= bytes.count else { break }
                if type == 1 {          // NLMSGERR_ATTR_MSG
                    message = String(decoding: bytes[(i + 4)..<(i + len)].prefix { $0 != 0 }, as: UTF8.self)
                } else if type == 2, len >= 8 {  // NLMSGERR_ATTR_OFFS
                    offset = read(UInt32.self, at: i + 4)
                }
                i += align4(len)
            }
        }
        return (errno, offset, message)
    }

    private func read<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        guard offset + MemoryLayout<T>.size <= bytes.count else { return 0 }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    /// Splits a datagram into its messages (NLMSG_ALIGN steps); stops at a malformed length.
    static func split(_ data: UnsafeRawBufferPointer) -> [NetlinkMessage] {
        var out: [NetlinkMessage] = []
        var i = 0
        while i + 16 <= data.count {
            let len = Int(data.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            guard len >= 16, i + len <= data.count else { break }
            out.append(NetlinkMessage(bytes: Array(data[i..<(i + len)])))
            i += align4(len)
        }
        return out
    }
}

func align4(_ n: Int) -> Int { (n + 3) & ~3 }
