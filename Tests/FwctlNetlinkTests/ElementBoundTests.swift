import CNftnl
import FwctlRuleset
import Testing
@testable import FwctlNetlink

/// The bound an element list counts while it is built (from fwctl's own element values)
/// is the one `messageBound` would work out by asking libnftnl for every attribute.
@Suite struct ElementBoundTests {
    static let shapes: [(String, KernelSetElement)] = [
        ("IPv4 key", KernelSetElement(key: [192, 0, 2, 1])),
        ("IPv6 interval end", KernelSetElement(key: Array(repeating: 0x20, count: 16), isEnd: true)),
        ("open interval", KernelSetElement(key: [10, 0, 0, 0], isOpen: true)),
        ("verdict", KernelSetElement(key: [6, 0, 0, 0, 1, 187, 0, 0], verdict: KernelVerdict(code: NFT.accept, chain: nil))),
        ("jump", KernelSetElement(key: [17, 0, 0, 0, 0, 53, 0, 0], verdict: KernelVerdict(code: NFT.jump, chain: String(repeating: "c", count: 200)))),
    ]

    @Test(arguments: 0..<shapes.count)
    func countedBoundIsLibnftnlsAttributeSum(_ i: Int) throws {
        let (name, element) = Self.shapes[i]
        let lists = try SetMessages.elementLists(table: TableRef(name: "fwctl"), name: "s", id: nil, elements: Array(repeating: element, count: 3))
        let list = try #require(lists.first)
        var asked = 0
        let iter = try #require(nftnl_set_elems_iter_create(list.ptr))
        defer { nftnl_set_elems_iter_destroy(iter) }
        while let e = nftnl_set_elems_iter_next(iter) { asked += NftnlObject.elementBound(e) }
        #expect(list.elementsBound == asked, "\(name)")
        #expect(asked > 0)
    }

    /// And the message written stays within it, so the scratch buffer can be sized by it.
    @Test func aFullChunkFitsItsBound() throws {
        let elements = (0..<SetMessages.chunk).map { (i: Int) -> KernelSetElement in
            let key: [UInt8] = [10, 0, UInt8(i >> 8), UInt8(i & 0xff)]
            return KernelSetElement(key: key, isEnd: i % 2 == 1)
        }
        let list = try #require(try SetMessages.elementLists(table: TableRef(name: "fwctl"), name: "s", id: nil, elements: elements).first)
        let message = MessageBuilder(firstSeq: 1, capacity: 0).message(NftMsg.newSetElem, family: .inet, flags: 0, object: list, elements: true,
                                                                          operation: "add set elements", describing: nil)
        #expect(message.bytes.count <= list.messageBound(elements: true))
    }
}
