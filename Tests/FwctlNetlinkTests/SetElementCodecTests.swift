import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlNetlink

/// nft's interval encoding (start, END at end+1, leading zero END, open last range) and back.
@Suite struct SetElementCodecTests {
    struct Case: Sendable, CustomStringConvertible {
        var ranges: [ClosedRange<UInt128>]
        /// (key, isEnd, isOpen) for 1-byte keys.
        var kernel: [(UInt8, Bool, Bool)]
        var description: String { "\(ranges)" }
    }

    static let cases: [Case] = [
        Case(ranges: [5...5], kernel: [(0, true, false), (5, false, false), (6, true, false)]),
        Case(ranges: [0...9, 20...29], kernel: [(0, false, false), (10, true, false), (20, false, false), (30, true, false)]),
        Case(ranges: [3...4, 200...255], kernel: [(0, true, false), (3, false, false), (5, true, false), (200, false, true)]),
        Case(ranges: [0...255], kernel: [(0, false, true)]),
    ]

    @Test(arguments: cases)
    func intervalEncoding(_ c: Case) {
        let kernel = SetElementCodec.kernelElements(c.ranges, keyLength: 1, interval: true)
        #expect(kernel.map { ($0.key[0], $0.isEnd, $0.isOpen) }.elementsEqual(c.kernel, by: ==))
        #expect(SetElementCodec.ranges(kernel.reversed(), interval: true) == c.ranges)
    }

    /// Elements in any order, repeated or not, give the kernel elements of the sorted
    /// distinct ones (the compiler's sorted sets skip the sort).
    @Test func anyOrderGivesTheSortedElements() {
        let sorted: [SetElement] = [1, 5, 6, 40, 200].map { .address(AddressRange(.v4(0xC000_0200 + UInt32($0)))) }
        func kernel(_ elements: [SetElement]) -> [KernelSetElement] {
            SetMessages.kernelElements(NamedSet(name: "s", keyType: .ipv4Addr, elements: elements), elements, adding: true)
        }
        let expected = kernel(sorted)
        #expect(expected.count == 11)
        #expect(kernel(sorted.reversed()) == expected)
        #expect(kernel(sorted + sorted) == expected)
        #expect(kernel([sorted[2], sorted[0], sorted[2], sorted[4], sorted[1], sorted[3]]) == expected)
    }

    @Test func adjacentRangesStaySeparateOnDecode() {
        // What nft writes for `{ 0.0.0.0/1, 128.0.0.0/1 }`-like input: END and start at one key.
        // Decoding keeps both ranges: deleting one must name elements that exist.
        let kernel = [KernelSetElement(key: [0]), KernelSetElement(key: [128], isEnd: true),
                      KernelSetElement(key: [128], isOpen: true)]
        #expect(SetElementCodec.ranges(kernel, interval: true) == [0...127, 128...255])
        #expect(SetElementCodec.ranges(kernel.shuffled(), interval: true) == [0...127, 128...255])
    }
}
