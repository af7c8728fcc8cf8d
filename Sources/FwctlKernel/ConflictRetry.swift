import Foundation
import FwctlPlanner

/// What fwctl does when the kernel refuses a batch because the ruleset moved on since it was
/// read (ERESTART on NFNL_BATCH_GENID). On a host where another table commits every few
/// milliseconds (Docker, kube-proxy, fail2ban) that happens between any read and commit,
/// though nobody touched fwctl's table. So: pause a little, read again, and if fwctl's table
/// is as the plan found it (planning again would give the same plan), send the same batch at
/// the new generation. A bounded number of attempts, each reported; otherwise the refusal
/// stands and nothing was applied.
///
/// Why as many as 20: the generation id moves only when another commit ends, but that commit
/// holds the kernel's commit lock from its start, so a read between the two sees the old id
/// and the batch sent after it is refused. Against a writer committing in a tight loop a
/// re-send is refused that way a good part of the time, so a handful of attempts is not
/// enough; the pauses, growing with each attempt, add at most about 0.6 s.
public struct ConflictRetry: Sendable {
    /// Sends in all, the first included.
    public var attempts: Int
    /// The random pause before reading again, so that writers in step fall out of step; its
    /// upper bound grows with each attempt (×2, ×3, ... up to ×8).
    public var pauseMicroseconds: ClosedRange<UInt32>

    public init(attempts: Int = 20, pauseMicroseconds: ClosedRange<UInt32> = 500...5_000) {
        self.attempts = attempts
        self.pauseMicroseconds = pauseMicroseconds
    }

    /// Runs `send(generation)` from `generation`. When it throws
    /// `BackendError.generationChanged`, `rebase()` reads again and returns the generation at
    /// which the plan still holds (nil: it no longer does, or the read failed), and the batch
    /// goes again there. `notice` is told of every new attempt.
    public func run<T>(from generation: UInt32, send: (UInt32) throws -> T, rebase: () throws -> UInt32?,
                       notice: (String) -> Void) throws -> T {
        var expected = generation
        var attempt = 1
        while true {
            do {
                return try send(expected)
            } catch BackendError.generationChanged(let at, let now) where attempt < attempts {
                usleep(pause(after: attempt))
                guard let next = (try? rebase()) ?? nil else { throw BackendError.generationChanged(expected: at, actual: now) }
                attempt += 1
                notice("the ruleset changed since it was read (generation \(at), now \(next)), but not fwctl's table: sending the same plan again at generation \(next) (attempt \(attempt) of \(attempts))")
                expected = next
            }
        }
    }

    /// The pause after the `attempt`th send was refused.
    func pause(after attempt: Int) -> UInt32 {
        let lower = pauseMicroseconds.lowerBound
        let upper = max(lower, pauseMicroseconds.upperBound.multipliedReportingOverflow(by: UInt32(min(attempt, 8))).partialValue)
        return UInt32.random(in: lower...upper)
    }
}
