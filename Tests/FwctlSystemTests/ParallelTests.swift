import Foundation
import FwctlSystem
import Testing

@Suite struct ParallelTests {
    @Test func resultsComeInInputOrder() {
        let items = Array(0..<200)
        #expect(Parallel.map(items) { $0 * $0 } == items.map { $0 * $0 })
    }

    @Test func noItemsNoWork() {
        #expect(Parallel.map([Int]()) { $0 }.isEmpty)
    }

    @Test func everyItemIsTransformedOnce() {
        let strings = (0..<64).map { "item \($0)" }
        #expect(Parallel.map(strings) { $0.uppercased() } == strings.map { $0.uppercased() })
    }
}

@Suite struct ThreadPriorityTests {
    final class Box: @unchecked Sendable { var value: Int32 = -100 }

    /// Raising the nice value needs no privilege; it is per thread, so it runs on a thread of its own.
    @Test func setNiceChangesTheCallingThreadOnly() {
        let before = ThreadPriority.nice
        let target = min(19, before + 5)
        let seen = Box()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            ThreadPriority.setNice(target)
            seen.value = ThreadPriority.nice
            done.signal()
        }
        done.wait()
        #expect(seen.value == target)
        #expect(ThreadPriority.nice == before)
    }
}
