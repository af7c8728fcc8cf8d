#if canImport(Glibc)
import Glibc
#endif

/// The calling thread's scheduling priority (its nice value).
public enum ThreadPriority {
    /// Sets this thread's nice value (`setpriority(PRIO_PROCESS, 0, n)`: on Linux, 0 names the
    /// calling thread, not the process). Work at 10 yields its core to work at 0; programs it
    /// starts inherit it. A failure only costs that, so it is not reported.
    public static func setNice(_ n: Int32) {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, n)
    }

    /// This thread's nice value.
    public static var nice: Int32 {
        errno = 0
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    }
}
