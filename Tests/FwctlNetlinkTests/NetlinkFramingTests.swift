import CNftnl
import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlNetlink

/// Building and reading netlink framing without a kernel: the builder never lets libnftnl
/// write past its buffer, and replies and extended acks are read through libmnl.
@Suite struct NetlinkFramingTests {
    static let table = TableRef(name: "fwctl")

    static func encode(_ tx: Transaction, _ builder: MessageBuilder) throws -> [BatchMessage] {
        try tx.encode(builder) { $0 == "lo" ? 1 : nil }.map(\.message)
    }

    /// A rule whose message is larger than the builder's 1 MiB scratch buffer: libnftnl
    /// writes it whole, so the buffer must be sized before, not checked after; and its
    /// expression list outgrows a netlink attribute, so the message is refused by name.
    @Test func ruleLargerThanTheScratchBufferIsRefused() throws {
        let matches = (1...9000).map { Expression.port(proto: .tcp, field: .dport, match: .range(PortRange(UInt16($0)))) }
        var tx = Transaction()
        tx.addRule(table: Self.table, chain: "input", rule: Rule(matches + [.verdict(.accept)]), position: .append)
        let error = #expect(throws: EncodingError.self) { try Self.encode(tx, MessageBuilder(firstSeq: 1)) }
        #expect(error?.object == "rule 1 of chain input")
        #expect(error?.reason.contains("larger than netlink's limit of 65535 bytes") == true)
    }

    /// The largest rule that fits: its message is built and its attributes tile it.
    @Test func ruleJustUnderTheAttributeLimitIsBuilt() throws {
        let matches = (1...250).map { Expression.port(proto: .tcp, field: .dport, match: .range(PortRange(UInt16($0)))) }
        var tx = Transaction()
        tx.addRule(table: Self.table, chain: "input", rule: Rule(matches + [.verdict(.accept)]), position: .append)
        let rule = try #require(try Self.encode(tx, MessageBuilder(firstSeq: 1, capacity: 0)).first)
        #expect(rule.bytes.count > 32 << 10)
        #expect(NetlinkMessage(bytes: rule.bytes).type == UInt16(NFNL_SUBSYS_NFTABLES) << 8 | NftMsg.newRule)
        // The verdict's name lies in the last kernel expression.
        let name = Array("immediate".utf8)
        let at = try #require((0...(rule.bytes.count - name.count)).last { rule.bytes[$0..<($0 + name.count)].elementsEqual(name) })
        let expression = ExtAck.kernelExpression(in: rule.bytes, at: UInt32(at))
        #expect(expression?.name == "immediate")
        #expect(expression?.index == 250 * 4)
    }

    /// Every message of every fixture comes out the same from a builder that starts with no
    /// room at all: each message's computed bound is enough (the builder traps otherwise).
    @Test(arguments: Fixtures.all.indices)
    func builderStartingEmptyBuildsTheSameBytes(_ i: Int) throws {
        let tx = creating(Fixtures.all[i].table)
        let roomy = try Self.encode(tx, MessageBuilder(firstSeq: 1))
        let tight = try Self.encode(tx, MessageBuilder(firstSeq: 1, capacity: 0))
        #expect(tight.map(\.bytes) == roomy.map(\.bytes))
    }

    /// libnftnl leaves some padding unwritten: a message is the same whatever was built before.
    @Test(arguments: Fixtures.all.indices)
    func messagesDoNotCarryBytesOfEarlierOnes(_ i: Int) throws {
        let tx = creating(Fixtures.all[i].table)
        let used = MessageBuilder(firstSeq: 1)
        var dirty = Transaction()
        dirty.addSet(table: Self.table, set: NamedSet(name: "dirty", keyType: .ipv6Addr, comment: String(repeating: "\u{7f}", count: 120),
                                                      elements: (0..<300).map { .address(net("2001:db8:\(String($0, radix: 16))::/48")) }))
        _ = try Self.encode(dirty, used)
        let fresh = try Self.encode(tx, MessageBuilder(firstSeq: used.nextSeq))
        #expect(try Self.encode(tx, used).map(\.bytes) == fresh.map(\.bytes))
    }

    /// Sets of every key length, in chunks of 512 elements with open-interval userdata.
    @Test func bigSetsFitTheirBound() throws {
        var tx = Transaction()
        let v6 = NamedSet(name: "big_v6", keyType: .ipv6Addr, comment: String(repeating: "c", count: 120),
                          elements: (0..<1500).map { .address(net("2001:db8:\(String($0, radix: 16))::/48")) })
        let ports = NamedSet(name: "ports", keyType: .inetService, elements: (0..<1500).map { .port(PortRange(UInt16(2 * $0))) })
        tx.addSet(table: Self.table, set: v6)
        tx.addSet(table: Self.table, set: ports)
        let roomy = try Self.encode(tx, MessageBuilder(firstSeq: 1))
        let tight = try Self.encode(tx, MessageBuilder(firstSeq: 1, capacity: 0))
        #expect(tight.map(\.bytes) == roomy.map(\.bytes))
    }

    /// An NLMSG_ERROR as the kernel sends it with NETLINK_EXT_ACK: errno, then the echoed
    /// request (capped: its header only), then NLMSGERR_ATTR_MSG and NLMSGERR_ATTR_OFFS.
    static func errorMessage(errno: Int32, capped: Bool, echoedPayload: Int, attributes: [UInt8]) -> NetlinkMessage {
        func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        let echoed = le32(UInt32(16 + echoedPayload)) + le16(6) + le16(5) + le32(9) + le32(0) + (capped ? [] : Array(repeating: 0xaa, count: echoedPayload))
        let flags = UInt16(NLM_F_ACK_TLVS) | (capped ? UInt16(NLM_F_CAPPED) : 0)
        let body = le32(UInt32(bitPattern: -errno)) + echoed + attributes
        return NetlinkMessage(bytes: le32(UInt32(16 + body.count)) + le16(UInt16(NLMSG_ERROR)) + le16(flags) + le32(9) + le32(0) + body)
    }

    static let extAck: [UInt8] = [14, 0, 1, 0] + Array("bad thing\0".utf8) + [0, 0] + [8, 0, 2, 0, 48, 0, 0, 0]

    @Test(arguments: [true, false])
    func extendedAckIsRead(capped: Bool) {
        let m = Self.errorMessage(errno: 22, capped: capped, echoedPayload: 24, attributes: Self.extAck)
        let info = m.errorInfo
        #expect(info?.errno == 22)
        #expect(info?.offset == 48)
        #expect(info?.message == "bad thing")
        #expect(m.seq == 9)
    }

    /// An attribute whose length runs past the message: the errno still comes through.
    @Test func damagedExtendedAckKeepsTheErrno() {
        let m = Self.errorMessage(errno: 1, capped: true, echoedPayload: 0, attributes: [200, 0, 2, 0, 48, 0, 0, 0])
        #expect(m.errorInfo?.errno == 1)
        #expect(m.errorInfo?.offset == nil)
    }

    /// A datagram is split at each message; a length running past the end stops the split.
    @Test func datagramSplitsAtMessages() {
        let one = Self.errorMessage(errno: 0, capped: true, echoedPayload: 0, attributes: []).bytes
        var damaged = one
        damaged[0] = 0xff
        let split = (one + one + damaged).withUnsafeBytes { NetlinkMessage.split($0) }
        #expect(split.map(\.bytes) == [one, one])
    }
}
