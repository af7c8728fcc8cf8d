import FwctlRuleset
import Testing
@testable import FwctlNetlink

/// The dispatch rule and map elements as nft 1.0.6 lowers them (`nft --debug=netlink`:
/// `meta load l4proto => reg 1`, `payload load 2b @ transport header + 2 => reg 9`,
/// `lookup reg 1 set in_ports dreg 0`; element `00000006 0000bb01 : jump -> in_tcp_443`).
@Suite struct DispatchCodecTests {
    @Test func vmapRuleLowersAsNftAndDecodesBack() throws {
        var ctx = EncodeContext(interfaceIndex: { _ in nil })
        let rule = Rule([.dispatch(map: "in_ports")], comment: "fwctl: flows by protocol and port")
        let exprs = try RuleCodec.encode(rule, context: &ctx)
        #expect(exprs == [.meta(key: 16, dreg: 1), .payload(base: 2, offset: 2, len: 2, dreg: 9), .vmapLookup(sreg: 1, set: "in_ports")])
        #expect(RuleCodec.decode(exprs, context: DecodeContext()) == rule.expressions)
        // A plain lookup of the same keys is not a dispatch.
        let plain: [KernelExpr] = [.meta(key: 16, dreg: 1), .payload(base: 2, offset: 2, len: 2, dreg: 9), .lookup(sreg: 1, set: "in_ports", setID: nil)]
        #expect(!RuleCodec.decode(plain, context: DecodeContext()).contains(.dispatch(map: "in_ports")))
    }

    @Test func mapElementsCarryTheirVerdict() {
        let map = NamedSet(name: "in_ports", keyType: .protoService, isInterval: false,
                           elements: [.dispatch(proto: 6, port: 443, verdict: .jump("in_tcp_443")), .dispatch(proto: 17, port: 53, verdict: .drop)])
        let added = SetMessages.kernelElements(map, map.elements, adding: true)
        #expect(added.map(\.key) == [[6, 0, 0, 0, 0x01, 0xbb, 0, 0], [17, 0, 0, 0, 0, 53, 0, 0]])
        #expect(added.map(\.verdict) == [KernelVerdict(code: -3, chain: "in_tcp_443"), KernelVerdict(code: 0, chain: nil)])
        #expect(SetMessages.kernelElements(map, map.elements, adding: false).allSatisfy { $0.verdict == nil })
        #expect(added.compactMap { DispatchKey.decode($0.key).map { [$0.proto, UInt8($0.port & 0xff)] } } == [[6, 0xbb], [17, 53]])
        #expect(added.compactMap(\.verdict?.verdict) == [.jump("in_tcp_443"), .drop])
    }
}
