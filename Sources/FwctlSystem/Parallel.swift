import Dispatch

/// Work spread over the machine's cores, results in input order.
public enum Parallel {
    /// `transform` of each item, computed concurrently (one item per worker at a time);
    /// returns when all are done, in the order of `items`.
    public static func map<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
        Array(unsafeUninitializedCapacity: items.count) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: items.count) { i in
                (slots.base! + i).initialize(to: transform(items[i]))
            }
            initialized = items.count
        }
    }

    /// The result array's storage. Each worker writes only its own slot, so the slots need
    /// no lock; the array is complete once concurrentPerform returns.
    private struct Slots<R>: @unchecked Sendable {
        let base: UnsafeMutablePointer<R>?
    }
}
