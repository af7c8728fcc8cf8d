import Foundation
import FwctlNet
import Testing
@testable import FwctlNetlink

/// The hand-written element dump decoder on real kernel bytes, without root: the dump messages
/// of `ElementDumpDecoderTests.ruleset` recorded once (`FWCTL_RECORD=1`, as root) in
/// Recorded/element-dumps.txt. Each set decodes to the ranges it was loaded with, as libnftnl
/// decodes the same bytes; a set whose elements carry timeouts is left to libnftnl.
@Suite struct RecordedElementDumpTests {
    static let recording = ProcessInfo.processInfo.environment["FWCTL_RECORD"] == "1"
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Recorded/element-dumps.txt")

    /// Each set's messages, in recorded order.
    static func recorded() throws -> [String: [NetlinkMessage]] {
        var out: [String: [NetlinkMessage]] = [:]
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            let hex = Array(parts[1].utf8)
            let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
            out[String(parts[0]), default: []].append(NetlinkMessage(bytes: bytes))
        }
        return out
    }

    static func v4(_ a: String, _ b: String? = nil) -> ClosedRange<UInt128> {
        guard case .v4(let x) = IPAddress(a)!, case .v4(let y) = IPAddress(b ?? a)! else { fatalError(a) }
        return UInt128(x)...UInt128(y)
    }

    static func v6(_ a: String, _ b: String? = nil) -> ClosedRange<UInt128> {
        guard case .v6(let x) = IPAddress(a)!, case .v6(let y) = IPAddress(b ?? a)! else { fatalError(a) }
        return x...y
    }

    static let expected: [(set: String, interval: Bool, ranges: [ClosedRange<UInt128>])] = [
        ("v4", true, [v4("0.0.0.0"), v4("10.0.0.0", "10.255.255.255"), v4("11.0.0.0", "11.0.0.9"), v4("11.0.0.10"),
                      v4("192.0.2.1"), v4("255.255.255.0", "255.255.255.255")]),
        ("v6", true, [v6("::1"), v6("2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), v6("ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]),
        ("ports", true, [22...22, 80...89, 65535...65535]),
        ("single", false, [v4("192.0.2.7"), v4("198.51.100.1")]),
        ("empty", true, []),
    ]

    @Test(arguments: expected.indices)
    func recordedSetsDecodeToTheirRanges(_ i: Int) throws {
        let (set, interval, ranges) = Self.expected[i]
        let messages = try #require(try Self.recorded()[set], "no recorded dump of set \(set)")
        let (keys, length) = try #require(ElementDumpDecoder.keys(messages))
        let fast = SetElementCodec.ranges(keys: keys.map { ($0.value, $0.isEnd) }, keyLength: length, interval: interval)
        #expect(fast == ranges, "\(set)")
        var slow: [KernelSetElement] = []
        for m in messages { slow += try TableDecoder.elements(m) }
        #expect(fast == SetElementCodec.ranges(slow, interval: interval), "\(set): libnftnl reads the same bytes otherwise")
    }

    @Test func elementsWithTimeoutsAreLeftToLibnftnl() throws {
        let messages = try #require(try Self.recorded()["timed"])
        #expect(ElementDumpDecoder.keys(messages) == nil)
        // libnftnl reads it: 192.0.2.0/24, an interval's start and end.
        let slow = try messages.flatMap { try TableDecoder.elements($0) }
        #expect(SetElementCodec.ranges(slow, interval: true) == [Self.v4("192.0.2.0", "192.0.2.255")])
    }

    /// A damaged message (an attribute length running past the end) makes the decoder give up.
    @Test func truncatedMessageIsRefused() throws {
        var m = try #require(try Self.recorded()["v4"]?.first)
        m.bytes.removeLast(3)
        #expect(ElementDumpDecoder.keys([m]) == nil)
    }
}
