#if canImport(Glibc)
import Glibc
#endif

/// A moment in UTC, to the millisecond, and the ways fwctl writes it: every time fwctl
/// prints or stores is UTC, so a log read on another machine or in another zone says the
/// same. `gmtime_r`/`timegm` underneath (no ICU set-up, no locale, no time zone database).
public struct UTCTime: Hashable, Sendable {
    public let year: Int
    public let month: Int
    public let day: Int
    public let hour: Int
    public let minute: Int
    public let second: Int
    public let millisecond: Int

    /// `seconds` since 1970 rounded to the nearest millisecond: the apply log's precision
    /// (what `ISO8601DateFormatter` with fractional seconds prints).
    public init(roundingToMillisecond seconds: Double) {
        self.init(milliseconds: Int64((seconds * 1000).rounded()))
    }

    /// `seconds` since 1970 with the fraction dropped: whole seconds, as the audit report
    /// gives its time and a day changes at midnight exactly.
    public init(truncatingToSecond seconds: Double) {
        self.init(milliseconds: Int64(seconds.rounded(.down)) * 1000)
    }

    /// The moment `milliseconds` after 1970-01-01T00:00:00Z (before it when negative).
    public init(milliseconds: Int64) {
        var whole = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        var t = tm()
        gmtime_r(&whole, &t)
        (year, month, day) = (Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday))
        (hour, minute, second) = (Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec))
        millisecond = Int(milliseconds - Int64(whole) * 1000)
    }

    /// Now, to the millisecond (the system's real-time clock).
    public static func now() -> UTCTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UTCTime(milliseconds: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    /// `2026-11-28`.
    public var date: String { Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2) }

    /// `13:56:31`.
    public var clock: String { Self.pad(hour, 2) + ":" + Self.pad(minute, 2) + ":" + Self.pad(second, 2) }

    /// `2026-11-28T13:56:31Z` (the audit report's `generatedAt`).
    public var timestamp: String { date + "T" + clock + "Z" }

    /// `2026-11-28T13:56:31.265Z` (the apply log's `time`).
    public var timestampMilliseconds: String { date + "T" + clock + "." + Self.pad(millisecond, 3) + "Z" }

    /// Seconds since 1970 of an RFC 3339 date-time (`2026-11-28T13:56:31Z`, with or without
    /// a fraction of a second, `Z` or an offset such as `+01:00`); nil for anything else,
    /// including a day the month does not have.
    public static func secondsSince1970(_ text: String) -> Double? {
        let b = Array(text.utf8)
        func number(_ at: Int, _ width: Int) -> Int? {
            guard at + width <= b.count else { return nil }
            var n = 0
            for c in b[at..<at + width] {
                guard c >= 0x30, c <= 0x39 else { return nil }
                n = n * 10 + Int(c - 0x30)
            }
            return n
        }
        func byte(_ at: Int, _ c: Character) -> Bool { at < b.count && b[at] == c.asciiValue! }
        guard let y = number(0, 4), byte(4, "-"), let mo = number(5, 2), byte(7, "-"), let d = number(8, 2),
              byte(10, "T") || byte(10, "t"), let h = number(11, 2), byte(13, ":"), let mi = number(14, 2),
              byte(16, ":"), let s = number(17, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var at = 19, fraction = 0.0
        if byte(at, ".") {
            var scale = 0.1
            at += 1
            let start = at
            while let digit = number(at, 1) { fraction += Double(digit) * scale; scale /= 10; at += 1 }
            guard at > start else { return nil }
        }
        var offset = 0
        if byte(at, "Z") || byte(at, "z") {
            at += 1
        } else if byte(at, "+") || byte(at, "-"), let oh = number(at + 1, 2), byte(at + 3, ":"), let om = number(at + 4, 2), oh < 24, om < 60 {
            offset = (byte(at, "-") ? -1 : 1) * (oh * 3600 + om * 60)
            at += 6
        } else {
            return nil
        }
        guard at == b.count else { return nil }
        var t = tm()
        (t.tm_year, t.tm_mon, t.tm_mday) = (Int32(y - 1900), Int32(mo - 1), Int32(d))
        (t.tm_hour, t.tm_min, t.tm_sec) = (Int32(h), Int32(mi), Int32(s))
        let whole = timegm(&t)
        // timegm moves 31 April to 1 May: a day the month lacks is not a date.
        guard t.tm_mday == Int32(d) || s == 60 else { return nil }
        return Double(whole - time_t(offset)) + fraction
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
