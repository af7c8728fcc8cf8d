import CNftnl
import FwctlRuleset

/// nf_tables message types (enum nf_tables_msg_types) and netlink flags used by fwctl.
enum NftMsg {
    static let newTable: UInt16 = 0, getTable: UInt16 = 1, delTable: UInt16 = 2
    static let newChain: UInt16 = 3, getChain: UInt16 = 4, delChain: UInt16 = 5
    static let newRule: UInt16 = 6, getRule: UInt16 = 7, delRule: UInt16 = 8
    static let newSet: UInt16 = 9, getSet: UInt16 = 10, delSet: UInt16 = 11
    static let newSetElem: UInt16 = 12, getSetElem: UInt16 = 13, delSetElem: UInt16 = 14
    static let getGen: UInt16 = 16
    static let getObj: UInt16 = 19, delObj: UInt16 = 20
    static let getFlowtable: UInt16 = 23, delFlowtable: UInt16 = 24

    // NLM_F_* (linux/netlink.h)
    static let ack: UInt16 = 0x4
    static let dump: UInt16 = 0x300
    static let replace: UInt16 = 0x100
    static let create: UInt16 = 0x400
    static let append: UInt16 = 0x800
}

/// One encoded message of a batch and what it is about, so a kernel error (which names the
/// message by its sequence number) can be reported as "add rule (rule 3 of chain input)".
struct BatchMessage {
    var bytes: [UInt8]
    var seq: UInt32
    var operation: String
    var object: String?
    /// For rules: how many kernel expressions each model expression lowered to.
    var expressionSpans: [Int] = []
}

/// Builds netlink messages with libnftnl into a scratch buffer and copies each out.
///
/// libnftnl writes attributes without bounds checks, so the scratch buffer is far larger
/// than any message fwctl builds (element lists are split into chunks of `SetMessages.chunk`).
final class MessageBuilder {
    private static let scratchSize = 1 << 20
    private let scratch = UnsafeMutableRawPointer.allocate(byteCount: MessageBuilder.scratchSize, alignment: 16)
    private(set) var nextSeq: UInt32

    init(firstSeq: UInt32) { nextSeq = firstSeq }
    deinit { scratch.deallocate() }

    private var buffer: UnsafeMutablePointer<CChar> { scratch.assumingMemoryBound(to: CChar.self) }

    private func finish(_ nlh: UnsafeMutablePointer<nlmsghdr>, seq: UInt32, _ operation: String, _ object: String?) -> BatchMessage {
        let len = Int(nlh.pointee.nlmsg_len)
        precondition(len <= MessageBuilder.scratchSize, "netlink message overflowed the scratch buffer")
        return BatchMessage(bytes: Array(UnsafeRawBufferPointer(start: scratch, count: len)), seq: seq, operation: operation, object: object)
    }

    /// An nf_tables message whose payload is one libnftnl object.
    func message(_ type: UInt16, family: TableFamily?, flags: UInt16, object: NftnlObject?, elements: Bool = false,
                 operation: String, describing: String?) -> BatchMessage {
        let seq = nextSeq
        nextSeq &+= 1
        let nlh = nftnl_nlmsg_build_hdr(buffer, type, family?.nfproto ?? 0, flags, seq)!
        object?.buildPayload(nlh, elements: elements)
        return finish(nlh, seq: seq, operation, describing)
    }

    /// NFNL_MSG_BATCH_BEGIN, carrying NFNL_BATCH_GENID when the caller expects a generation.
    func batchBegin(generation: UInt32?) -> BatchMessage {
        let seq = nextSeq
        nextSeq &+= 1
        let nlh = nftnl_batch_begin(buffer, seq)!
        if let generation {
            // NFNL_BATCH_GENID (1) is a u32 in network byte order; mnl_attr_put_u32 does not swap.
            mnl_attr_put_u32(nlh, 1, generation.bigEndian)
        }
        return finish(nlh, seq: seq, "commit batch", nil)
    }

    func batchEnd() -> BatchMessage {
        let seq = nextSeq
        nextSeq &+= 1
        return finish(nftnl_batch_end(buffer, seq)!, seq: seq, "commit batch", nil)
    }
}
