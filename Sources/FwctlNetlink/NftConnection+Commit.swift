import FwctlRuleset

extension NftConnection {
    /// Sends the transaction as ONE batch (BATCH_BEGIN with NFNL_BATCH_GENID when
    /// `expectedGeneration` is given … BATCH_END, or without BATCH_END when `checkOnly`).
    /// All or nothing. Returns the new generation id (nil for checkOnly), read right after
    /// the commit.
    ///
    /// A stale `expectedGeneration` fails with `NetlinkError.isGenerationConflict` and
    /// changes nothing. A refused message fails with its `NetlinkError.operationIndex` (see
    /// `BatchLedger`). Check-only mode lets the kernel validate every message and abort;
    /// it is advisory (a table created in the same batch is not fully validated).
    public func commit(_ tx: Transaction, expectedGeneration: UInt32?, checkOnly: Bool) throws -> UInt32? {
        // Encode first: an encoding error must not leave anything half-sent.
        let builder = MessageBuilder(firstSeq: takeSeq(0))
        let path = netnsPath
        let begin = builder.batchBegin(generation: expectedGeneration)
        let body = try tx.encode(builder) { NetworkNamespace.interfaceIndex($0, in: path) }
        let ledger = BatchLedger(begin: begin, body: body, end: checkOnly ? nil : builder.batchEnd())
        _ = takeSeq(builder.nextSeq &- begin.seq)

        let batch = ledger.bytes
        socket.reserve(bytes: batch.count)
        try socket.send(batch, operation: checkOnly ? "check batch" : "commit batch")

        // The kernel processes the batch inside sendmsg; its error replies are already queued.
        var replies: [BatchLedger.Reply] = []
        while let received = try socket.receive(blocking: false, operation: "read batch replies") {
            for r in received {
                guard let e = r.errorInfo else { continue }
                replies.append(BatchLedger.Reply(seq: r.seq, errno: e.errno, offset: e.offset, message: e.message))
            }
        }
        if let refusal = ledger.refusal(among: replies) { throw refusal }
        if checkOnly { return nil }
        // Read rather than computed: a batch that changes nothing in the kernel (re-adding an
        // existing table, flushing an empty chain) does not bump the id.
        return try generation()
    }
}
