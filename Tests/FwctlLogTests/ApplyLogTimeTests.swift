import Foundation
import Testing
@testable import FwctlLog

/// The log's timestamps are what `ISO8601DateFormatter` (internet date-time, fractional
/// seconds, UTC) prints, which the log used before: same text, same rounding to the
/// millisecond, and they parse back.
@Suite struct ApplyLogTimeTests {
    /// The formatter the log used before (one per test: it is not Sendable).
    static func icu() -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }

    /// Seconds since 1970: the epoch, ties of half a millisecond, a second's last
    /// millisecond rounding up into the next minute, a leap day, year boundaries, far ahead.
    static let instants: [Double] = [
        0, 0.0004, 0.0005, 0.0015, 0.9994, 0.9995, 59.9996, 1_700_000_000.0025, 1_700_000_000.9999,
        951_782_400.5, 1_767_225_599.9995, 1_798_761_600.123, 4_102_444_799.999, 32_503_680_000.001,
    ]

    @Test(arguments: instants)
    func formatsAsISO8601DateFormatter(_ t: Double) {
        let d = Date(timeIntervalSince1970: t)
        #expect(ApplyLogEntry.formatTime(d) == Self.icu().string(from: d))
        #expect(ApplyLogEntry.parseTime(ApplyLogEntry.formatTime(d)) != nil)
    }

    @Test func agreesOnManySpreadInstants() {
        let icu = Self.icu()
        var differ: [Double] = []
        for i in 0..<20_000 {
            // Spread over 1970–2096, with varied sub-millisecond parts (a fixed sequence).
            let t = Double(i) * 197_731.123_457 + Double(i % 1000) * 0.000_5
            let d = Date(timeIntervalSince1970: t)
            if ApplyLogEntry.formatTime(d) != icu.string(from: d) { differ.append(t) }
        }
        #expect(differ.isEmpty, "\(differ.prefix(5))")
    }
}
