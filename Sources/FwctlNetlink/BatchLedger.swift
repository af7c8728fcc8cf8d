/// One batch as sent: its messages in order (BATCH_BEGIN, the transaction's, BATCH_END unless
/// check-only), each with the index of the transaction operation it encodes.
///
/// The kernel's error reply names only the refused message's sequence number; the ledger
/// leads from it to the message (for the extended ack's offset) and to the operation, so a
/// refusal is attributed to the operation, and through it to the plan change, that caused it.
struct BatchLedger {
    /// One NLMSG_ERROR as received after the batch (errno 0: an ACK).
    struct Reply: Equatable {
        var seq: UInt32
        var errno: Int32
        var offset: UInt32?
        var message: String?
    }

    let messages: [BatchMessage]
    /// Parallel to `messages`: nil for BATCH_BEGIN and BATCH_END.
    let operations: [Int?]
    private let positionBySeq: [UInt32: Int]

    init(begin: BatchMessage, body: [(operation: Int, message: BatchMessage)], end: BatchMessage?) {
        var messages = [begin]
        var operations: [Int?] = [nil]
        for (operation, message) in body {
            messages.append(message)
            operations.append(operation)
        }
        if let end {
            messages.append(end)
            operations.append(nil)
        }
        self.messages = messages
        self.operations = operations
        positionBySeq = Dictionary(messages.enumerated().map { ($1.seq, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The whole datagram.
    var bytes: [UInt8] {
        var batch: [UInt8] = []
        batch.reserveCapacity(messages.reduce(0) { $0 + $1.bytes.count })
        for m in messages { batch += m.bytes }
        return batch
    }

    /// The error the batch failed with: the refusal of the earliest message in the batch
    /// (later ones usually fail because of it), or nil when no reply concerns this batch.
    func refusal(among replies: [Reply]) -> NetlinkError? {
        let ours = replies.compactMap { r in r.errno == 0 ? nil : positionBySeq[r.seq].map { (position: $0, reply: r) } }
        guard let (position, reply) = ours.min(by: { $0.position < $1.position }) else { return nil }
        let sent = messages[position]
        let attribute = reply.offset.flatMap { ExtAck.describe(sent, offset: $0) }
        let object = sent.object.map { o in attribute.map { "\(o), \($0)" } ?? o } ?? attribute
        return NetlinkError(errno: reply.errno, operation: sent.operation, object: object, attribute: attribute,
                            extAckOffset: reply.offset, message: reply.message, operationIndex: operations[position])
    }
}
