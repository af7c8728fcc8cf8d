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

    @Test func adjacentRangesStaySeparateOnDecode() {
        // What nft writes for `{ 0.0.0.0/1, 128.0.0.0/1 }`-like input: END and start at one key.
        // Decoding keeps both ranges: deleting one must name elements that exist.
        let kernel = [KernelSetElement(key: [0]), KernelSetElement(key: [128], isEnd: true),
                      KernelSetElement(key: [128], isOpen: true)]
        #expect(SetElementCodec.ranges(kernel, interval: true) == [0...127, 128...255])
        #expect(SetElementCodec.ranges(kernel.shuffled(), interval: true) == [0...127, 128...255])
    }
}
