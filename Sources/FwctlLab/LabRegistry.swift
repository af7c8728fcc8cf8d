import Foundation
import FwctlSystem

/// Every namespace the process's labs created and have not yet deleted, so an interrupt
/// (SIGINT/SIGTERM) deletes them too.
///
/// A namespace is made and recorded under one lock, and the interrupt takes that lock for
/// good before it deletes what is recorded: a namespace is either deleted by it or never
/// made. The signal handler only writes the signal's number to a pipe (all a handler may
/// safely do, whichever thread it lands on); a thread of its own reads it, deletes the
/// namespaces with `ip` (spawned, waited for: no child is left unreaped) and exits with
/// 128 + the signal. Nothing here needs loopback or a run loop.
public enum LabRegistry {
    nonisolated(unsafe) private static var live: Set<String> = []
    nonisolated(unsafe) private static var counter = 0
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) private static var stopping = false
    private static let lock = NSLock(), stoppingLock = NSLock()

    /// Creates namespace `PREFIX-N` and records it; returns its name.
    static func create(prefix: String) throws -> String {
        try lock.withLock {
            counter += 1
            let name = "\(prefix)-\(counter)"
            let r = try ip(["netns", "add", name])
            guard r.succeeded else { throw LabError("ip netns add \(name): \(r.errorText)") }
            live.insert(name)
            return name
        }
    }

    /// Deletes a namespace this process created and forgets it.
    static func delete(_ name: String) {
        lock.withLock {
            guard live.remove(name) != nil else { return }
            _ = try? ip(["netns", "delete", name])
        }
    }

    /// Names still alive.
    public static var names: Set<String> { lock.withLock { live } }

    /// Runs `ip args...`.
    static func ip(_ args: [String]) throws -> Subprocess.Result {
        do { return try Subprocess.run(["ip"] + args) } catch { throw LabError(error.description) }
    }

    /// On SIGINT or SIGTERM: delete every live namespace, then exit 130 / 143.
    public static func installSignalHandlers() {
        lock.withLock {
            guard !installed else { return }
            installed = true
            var fds: [Int32] = [-1, -1]
            guard Subprocess.pipe(&fds) == 0 else { return }
            labSignalled = 0   // initialised before the handler can run
            labSignalPipe = fds[1]
            let readEnd = fds[0]
            Thread.detachNewThread {
                var sig: UInt8 = 0
                _ = Syscall.retryingEINTR { read(readEnd, &sig, 1) }
                stop(signal: Int32(sig))
            }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                labSignalled = 1
                var byte = UInt8(truncatingIfNeeded: sig)
                _ = write(labSignalPipe, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(SA_RESTART)
            sigaction(SIGINT, &action, nil)
            sigaction(SIGTERM, &action, nil)
            // A parent may have started us with them blocked (and the mask is inherited):
            // unblocked here, the handler runs whoever sent them.
            var both = sigset_t()
            sigemptyset(&both)
            sigaddset(&both, SIGINT)
            sigaddset(&both, SIGTERM)
            pthread_sigmask(SIG_UNBLOCK, &both, nil)
        }
    }

    /// Once an interrupt is being handled, never returns: the lab's thread, failing because
    /// its namespaces are going away (or even done), must not exit before the handler has
    /// deleted them all and exits with the signal's status.
    static func waitIfStopping() {
        // The handler's flag too: a Ctrl-C also kills the `ip` we were waiting for, and
        // this thread may see that before the handler's thread has even woken up.
        guard labSignalled != 0 || stoppingLock.withLock({ stopping }) else { return }
        while true { sleep(60) }
    }

    /// Deletes every recorded namespace and exits; the lock is never given back, so no
    /// namespace is made after this.
    private static func stop(signal: Int32) -> Never {
        stoppingLock.withLock { stopping = true }
        lock.lock()
        for name in live { _ = try? ip(["netns", "delete", name]) }
        live = []
        // _exit: the other threads are still running; no exit handlers under their feet.
        _exit(128 + signal)
    }
}

/// The write end of the interrupt pipe (-1 until the handlers are installed) and whether a
/// signal came, global so the C signal handler can reach them without capturing anything.
nonisolated(unsafe) private var labSignalPipe: Int32 = -1
nonisolated(unsafe) private var labSignalled: Int32 = 0
