import FwctlNet
import FwctlRuleset
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import FwctlNetlink

/// From the sequence number the kernel's error reply names back to the transaction operation
/// whose message it refused: no kernel needed, libnftnl only builds the messages.
@Suite struct BatchLedgerTests {
    static let table = TableRef(name: "fwctl")
    static let bigSet = NamedSet(name: "role_big_v4", keyType: .ipv4Addr, elements: (0..<600).map {
        .address(AddressRange(.v4(0x0A00_0000 + UInt32($0) * 4)))
    })
    static let portsRule = Rule([.port(proto: .tcp, field: .dport, match: .anonymousSet([PortRange(443), PortRange(8443)])),
                                 .verdict(.accept)], comment: "t.policy:3: allow lb -> web : https")

    /// Table, a set needing several element messages, a rule needing an anonymous set, a deletion.
    static func operations() -> [(inout Transaction) -> Void] {
        [
            { $0.addTable(family: .inet, name: "fwctl") },
            { $0.addSet(table: table, set: bigSet) },
            { $0.addRule(table: table, chain: "input", rule: portsRule, position: .append) },
            { $0.deleteRule(table: table, chain: "input", handle: 7) },
        ]
    }

    static func encoded(firstSeq: UInt32 = 1000, checkOnly: Bool = false) throws -> BatchLedger {
        var tx = Transaction()
        for op in operations() { op(&tx) }
        let b = MessageBuilder(firstSeq: firstSeq)
        let begin = b.batchBegin(generation: 5)
        let body = try tx.encode(b) { _ in nil }
        return BatchLedger(begin: begin, body: body, end: checkOnly ? nil : b.batchEnd())
    }

    @Test func everyMessageKnowsItsOperation() throws {
        let ledger = try Self.encoded()
        var expected: [Int?] = [nil]
        for (i, op) in Self.operations().enumerated() {
            var alone = Transaction()
            op(&alone)
            expected += Array(repeating: i, count: alone.messageCount)
        }
        expected.append(nil)
        #expect(ledger.operations == expected)
        #expect(expected.filter { $0 == 1 }.count > 2, "the set takes several element messages")
        #expect(expected.filter { $0 == 2 }.count == 3, "anonymous set, its elements, the rule")
        #expect(ledger.messages.map(\.seq) == (0..<UInt32(expected.count)).map { 1000 + $0 })
    }

    @Test(arguments: [UInt32(1000), UInt32.max - 3])
    func aRefusedMessageNamesItsOperation(firstSeq: UInt32) throws {
        let ledger = try Self.encoded(firstSeq: firstSeq)
        for (position, message) in ledger.messages.enumerated() {
            let refusal = ledger.refusal(among: [.init(seq: message.seq, errno: ENOENT)])
            #expect(refusal?.operationIndex == ledger.operations[position])
            #expect(refusal?.errno == ENOENT)
            #expect(refusal?.operation == message.operation)
        }
        let rule = try #require(ledger.messages.firstIndex { $0.operation == "add rule" })
        #expect(ledger.refusal(among: [.init(seq: ledger.messages[rule].seq, errno: EINVAL)])?.object
                == "rule 1 of chain input, \"t.policy:3: allow lb -> web : https\"")
    }

    /// The earliest message in the batch is the cause, whatever order the replies come in
    /// and across a sequence-number wrap; ACKs and other requests' replies are not refusals.
    @Test func theEarliestRefusalInTheBatchWins() throws {
        let ledger = try Self.encoded(firstSeq: UInt32.max - 2)
        let seqs = ledger.messages.map(\.seq)
        let rule = try #require(ledger.messages.firstIndex { $0.operation == "add rule" })
        let refusal = ledger.refusal(among: [.init(seq: seqs[seqs.count - 2], errno: ENOENT),
                                             .init(seq: seqs[rule], errno: EBUSY),
                                             .init(seq: seqs[1], errno: 0)])
        #expect(refusal?.errno == EBUSY)
        #expect(refusal?.operationIndex == 2)
        #expect(ledger.refusal(among: [.init(seq: seqs[1], errno: 0), .init(seq: seqs[0] &- 1, errno: EPERM)]) == nil)
    }

    /// BATCH_BEGIN's refusal (moved generation, no permission) concerns the whole batch.
    @Test func aRefusedBeginConcernsNoOperation() throws {
        let ledger = try Self.encoded(checkOnly: true)
        #expect(ledger.operations.last != nil, "check-only: no BATCH_END")
        let refusal = try #require(ledger.refusal(among: [.init(seq: ledger.messages[0].seq, errno: ERESTART)]))
        #expect(refusal.operationIndex == nil)
        #expect(refusal.isGenerationConflict)
    }

    /// An operation the codec cannot encode is named by its index, before anything is sent.
    @Test func anEncodingErrorNamesItsOperation() throws {
        var tx = Transaction()
        for op in Self.operations() { op(&tx) }
        tx.addRule(table: Self.table, chain: "input", rule: Rule([.interface(direction: .iif, name: "nosuch0"), .verdict(.accept)]), position: .append)
        let error = #expect(throws: EncodingError.self) { try tx.encode(MessageBuilder(firstSeq: 1)) { _ in nil } }
        #expect(error?.operationIndex == 4)
    }
}
