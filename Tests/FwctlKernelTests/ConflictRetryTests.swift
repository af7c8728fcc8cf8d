import FwctlPlanner
import Glibc
import Testing
#if canImport(Glibc)
@testable import FwctlKernel
#endif

/// `ConflictRetry` with a scripted kernel: which generations the batch is sent at, when it
/// stops, and what it reports. No root needed.
struct ConflictRetryTests {
    /// A kernel whose generation moves `moves` times by another table's commits, each just
    /// before fwctl's batch arrives; `touched` says whether fwctl's table changed meanwhile.
    final class Script {
        var generation: UInt32 = 10
        var moves: Int
        var touched = false
        var sentAt: [UInt32] = []
        var notices: [String] = []

        init(moves: Int) { self.moves = moves }

        func run(attempts: Int = 20) throws -> UInt32 {
            try ConflictRetry(attempts: attempts, pauseMicroseconds: 0...100).run(from: generation, send: { at in
                sentAt.append(at)
                if moves > 0 { moves -= 1; generation += 1 }
                guard at == generation else { throw BackendError.generationChanged(expected: at, actual: generation) }
                generation += 1
                return generation
            }, rebase: { touched ? nil : generation }, notice: { notices.append($0) })
        }
    }

    @Test func theSamePlanGoesAgainAtTheNewGeneration() throws {
        let s = Script(moves: 2)
        #expect(try s.run() == 13)
        #expect(s.sentAt == [10, 11, 12])
        #expect(s.notices.count == 2)
        #expect(s.notices[0] == "the ruleset changed since it was read (generation 10, now 11), but not fwctl's table: sending the same plan again at generation 11 (attempt 2 of 20)")
    }

    @Test func attemptsAreBounded() throws {
        let s = Script(moves: 100)
        #expect(throws: BackendError.generationChanged(expected: 29, actual: 30)) { try s.run() }
        #expect(s.sentAt == Array(10...29))
        #expect(s.notices.count == 19)
        #expect(s.notices.last?.hasSuffix("(attempt 20 of 20)") == true)
    }

    /// The pause's upper bound grows with each refusal up to 8 times the configured one, and
    /// never falls below its lower bound.
    @Test func pausesGrowBoundedly() {
        let r = ConflictRetry(pauseMicroseconds: 500...5_000)
        for attempt in 1...30 {
            let p = r.pause(after: attempt)
            #expect(p >= 500 && p <= 5_000 * UInt32(min(attempt, 8)), "attempt \(attempt): \(p) µs")
        }
        #expect((0..<200).map { _ in r.pause(after: 8) }.max()! > 5_000, "the bound does not grow")
        #expect(ConflictRetry(pauseMicroseconds: 0...0).pause(after: 5) == 0)
    }

    @Test func aTouchedTableIsRefusedAtOnce() throws {
        let s = Script(moves: 1)
        s.touched = true
        #expect(throws: BackendError.generationChanged(expected: 10, actual: 11)) { try s.run() }
        #expect(s.sentAt == [10] && s.notices.isEmpty)
    }

    @Test func otherRefusalsAreNotRetried() throws {
        var sends = 0
        #expect(throws: BackendError.rejected(changeIndex: nil, errno: EINVAL, reason: "bad")) {
            try ConflictRetry().run(from: 1, send: { (_: UInt32) -> Int in
                sends += 1
                throw BackendError.rejected(changeIndex: nil, errno: EINVAL, reason: "bad")
            }, rebase: { 2 }, notice: { _ in })
        }
        #expect(sends == 1)
    }
}
