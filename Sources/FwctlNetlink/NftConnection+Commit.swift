import FwctlRuleset

extension NftConnection {
    /// Sends the transaction as ONE batch (BATCH_BEGIN with NFNL_BATCH_GENID when
    /// `expectedGeneration` is given … BATCH_END, or without BATCH_END when `checkOnly`).
    /// All or nothing. Returns the new generation id (nil for checkOnly), read right after
    /// the commit.
    ///
    /// A stale `expectedGeneration` fails with `NetlinkError.isGenerationConflict` and
    /// changes nothing. Check-only mode lets the kernel validate every message and abort;
    /// it is advisory (a table created in the same batch is not fully validated).
    public func commit(_ tx: Transaction, expectedGeneration: UInt32?, checkOnly: Bool) throws -> UInt32? {
        // Encode first: an encoding error must not leave anything half-sent.
        let builder = MessageBuilder(firstSeq: takeSeq(0))
        let path = netnsPath
        var messages = [builder.batchBegin(generation: expectedGeneration)]
        messages += try tx.encode(builder) { NetworkNamespace.interfaceIndex($0, in: path) }
        if !checkOnly { messages.append(builder.batchEnd()) }
        _ = takeSeq(builder.nextSeq &- messages[0].seq)

        var batch: [UInt8] = []
        batch.reserveCapacity(messages.reduce(0) { $0 + $1.bytes.count })
        for m in messages { batch += m.bytes }
        socket.reserve(bytes: batch.count)
        try socket.send(batch, operation: checkOnly ? "check batch" : "commit batch")

        // The kernel processes the batch inside sendmsg; its error replies are already queued.
        let bySeq = Dictionary(messages.map { ($0.seq, $0) }, uniquingKeysWith: { a, _ in a })
        var errors: [NetlinkError] = []
        var seqs: [UInt32] = []
        while let replies = try socket.receive(blocking: false, operation: "read batch replies") {
            for r in replies {
                guard let sent = bySeq[r.seq], let e = r.errorInfo, e.errno != 0 else { continue }
                var object = sent.object
                if let offset = e.offset, let location = ExtAck.describe(sent, offset: offset) {
                    object = (object.map { "\($0), " } ?? "") + location
                }
                errors.append(NetlinkError(errno: e.errno, operation: sent.operation, object: object,
                                           extAckOffset: e.offset, message: e.message))
                seqs.append(r.seq)
            }
        }
        // The first failing message is the cause; later ones usually fail because of it.
        if let first = zip(seqs, errors).min(by: { $0.0 &- messages[0].seq < $1.0 &- messages[0].seq }) {
            throw first.1
        }
        if checkOnly { return nil }
        // Read rather than computed: a batch that changes nothing in the kernel (re-adding an
        // existing table, flushing an empty chain) does not bump the id.
        return try generation()
    }
}
