import Foundation
import FwctlSystem
import Testing

@Suite struct UTCTimeTests {
    /// What Foundation's ISO 8601 formatter prints, in UTC (one per call: not Sendable).
    static func iso8601(milliseconds: Bool) -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = milliseconds ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }

    /// The audit schema's pattern for times (docs/audit-schema-2.json, `timestamp`).
    static var schemaPattern: Regex<(Substring, Substring?)> { /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{3})?Z$/ }

    /// The epoch, half-millisecond ties, a second's last millisecond rounding into the next
    /// minute, a leap day, year ends, far ahead.
    static let instants: [Double] = [
        0, 0.0004, 0.0005, 0.0015, 0.9994, 0.9995, 59.9996, 1_700_000_000.0025, 1_700_000_000.9999,
        951_782_400.5, 951_825_599, 1_767_225_599.9995, 1_798_761_600.123, 4_102_444_799.999, 32_503_680_000.001,
    ]

    @Test(arguments: instants)
    func millisecondsAsFoundationPrintsThem(_ instant: Double) throws {
        // The seconds a Date gives back (it keeps them from 2001, so 0.0005 is a hair less).
        let date = Date(timeIntervalSince1970: instant)
        let text = UTCTime(roundingToMillisecond: date.timeIntervalSince1970).timestampMilliseconds
        #expect(text == Self.iso8601(milliseconds: true).string(from: date))
        #expect(text.wholeMatch(of: Self.schemaPattern) != nil)
        let back = try #require(UTCTime.secondsSince1970(text))
        #expect(UTCTime(roundingToMillisecond: back).timestampMilliseconds == text)
    }

    /// Whole seconds: the fraction is dropped, never rounded up into the next second.
    @Test(arguments: instants)
    func secondsAsFoundationPrintsThem(_ t: Double) {
        let time = UTCTime(truncatingToSecond: t)
        #expect(time.timestamp == Self.iso8601(milliseconds: false).string(from: Date(timeIntervalSince1970: t.rounded(.down))))
        #expect(time.timestamp.wholeMatch(of: Self.schemaPattern) != nil)
        #expect(time.millisecond == 0)
    }

    @Test func partsAndShortForms() {
        let t = UTCTime(roundingToMillisecond: 1_807_781_400.9)
        let parts: [Int] = [t.year, t.month, t.day, t.hour, t.minute, t.second, t.millisecond]
        #expect(parts == [2027, 4, 15, 9, 30, 0, 900])
        #expect(t.date == "2027-04-15")
        #expect(t.clock == "09:30:00")
        #expect(UTCTime(truncatingToSecond: 1_807_781_400.9).timestamp == "2027-04-15T09:30:00Z")
    }

    @Test func beforeTheEpoch() {
        #expect(UTCTime(roundingToMillisecond: -0.25).timestampMilliseconds == "1969-12-31T23:59:59.750Z")
        #expect(UTCTime(truncatingToSecond: -0.25).timestamp == "1969-12-31T23:59:59Z")
        #expect(UTCTime(milliseconds: -86_400_000).date == "1969-12-31")
    }

    @Test func nowIsTheSystemClock() {
        let before = Date().timeIntervalSince1970
        let now = UTCTime.now()
        let after = Date().timeIntervalSince1970
        let seconds = UTCTime.secondsSince1970(now.timestampMilliseconds)!
        #expect(seconds >= (before * 1000).rounded(.down) / 1000 && seconds <= after)
    }

    @Test(arguments: [
        ("2026-11-28T13:56:31Z", 1_795_874_191.0), ("2026-11-28T13:56:31.265Z", 1_795_874_191.265),
        ("2026-11-28T14:56:31+01:00", 1_795_874_191.0), ("2026-11-28T12:56:31.5-01:00", 1_795_874_191.5),
        ("2000-02-29T00:00:00Z", 951_782_400.0),
    ])
    func parsesRFC3339(_ text: String, _ seconds: Double) throws {
        let parsed = try #require(UTCTime.secondsSince1970(text))
        #expect(abs(parsed - seconds) < 0.0005)
        #expect(abs(parsed - (Self.iso8601(milliseconds: text.contains(".")).date(from: text)?.timeIntervalSince1970 ?? .nan)) < 0.0005)
    }

    @Test(arguments: [
        "", "2026-11-28", "2026-11-28T13:56:31", "2026-11-28 13:56:31Z", "2026-13-28T13:56:31Z", "2026-02-30T10:00:00Z",
        "2026-11-28T24:00:00Z", "2026-11-28T13:56:31.Z", "2026-11-28T13:56:31Zx", "2026-11-28T13:56:31+0100", "２０２６-11-28T13:56:31Z",
    ])
    func refusesWhatIsNotADateTime(_ text: String) {
        #expect(UTCTime.secondsSince1970(text) == nil)
    }
}
