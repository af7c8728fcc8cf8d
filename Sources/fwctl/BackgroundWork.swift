import Foundation

/// Work a command runs on another thread while it goes on (the second core is otherwise idle
/// while the main thread waits on the kernel), and waits for before it exits.
final class BackgroundWork: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Void) {
        Thread.detachNewThread { [done] in
            body()
            done.signal()
        }
    }

    /// Returns once the work is done (at once if it already is; call it at most once).
    func wait() { done.wait() }
}
