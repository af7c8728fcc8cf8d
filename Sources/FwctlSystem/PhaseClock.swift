#if canImport(Glibc)
import Glibc
#endif

/// `FWCTL_TIMINGS=1` in the environment: plan and apply print how long each phase took to
/// standard error (`fwctl: timing: front end: 12.3 ms`), to see where a slow run spends its
/// time without a profiler. Off, a mark costs one Boolean test.
public enum PhaseClock {
    public static let enabled = getenv("FWCTL_TIMINGS").map { String(cString: $0) }.map { !$0.isEmpty && $0 != "0" } ?? false
    /// Milliseconds (monotonic) of the last mark; nil before the first.
    nonisolated(unsafe) private static var last: Double?

    /// Prints the time since the previous mark (the first mark prints 0 and starts the clock).
    public static func mark(_ phase: String) {
        guard enabled else { return }
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let now = Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) / 1e6
        let tenths = Int(((now - (last ?? now)) * 10).rounded())
        let line = Array("fwctl: timing: \(phase): \(tenths / 10).\(tenths % 10) ms\n".utf8)
        // One write of a short line to stderr: a partial write only shortens a timing line.
        _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
        last = now
    }
}
