import Foundation
import FwctlPlanner

/// What fwctl does when the kernel refuses a batch because the ruleset moved on since it was
/// read (ERESTART on NFNL_BATCH_GENID). On a host where another table commits every few
/// milliseconds (Docker, kube-proxy, fail2ban) that happens between any read and commit,
/// though nobody touched fwctl's table. So: pause a little, read again, and if fwctl's table
/// is as the plan found it (planning again would give the same plan), send the same batch at
/// the new generation. A bounded number of attempts, each reported; otherwise the refusal
/// stands and nothing was applied.
public struct ConflictRetry: Sendable {
    /// Sends in all, the first included.
    public var attempts: Int
    /// The random pause before reading again, so that writers in step fall out of step.
    public var pauseMicroseconds: ClosedRange<UInt32>

    public init(attempts: Int = 5, pauseMicroseconds: ClosedRange<UInt32> = 500...5_000) {
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
                usleep(UInt32.random(in: pauseMicroseconds))
                guard let next = (try? rebase()) ?? nil else { throw BackendError.generationChanged(expected: at, actual: now) }
                attempt += 1
                notice("the ruleset changed since it was read (generation \(at), now \(next)), but not fwctl's table: sending the same plan again at generation \(next) (attempt \(attempt) of \(attempts))")
                expected = next
            }
        }
    }
}
