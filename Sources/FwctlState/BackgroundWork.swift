import Foundation

/// Work a command runs on another thread while it goes on (the second core is otherwise idle
/// while the main thread waits on the kernel or the disk), and waits for before it exits.
public final class BackgroundWork<Value>: @unchecked Sendable {
    // @unchecked: `value` is written by the worker before it leaves `done`, and read only
    // after waiting on `done`.
    private let done = DispatchGroup()
    private var value: Value?

    public init(_ body: @escaping @Sendable () -> Value) {
        done.enter()
        Thread.detachNewThread { [self] in
            value = body()
            done.leave()
        }
    }

    /// What the work returned, once it is done (at once if it already is).
    @discardableResult
    public func wait() -> Value {
        done.wait()
        return value!
    }
}
