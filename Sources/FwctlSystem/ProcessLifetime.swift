/// Objects the command line keeps until the process exits instead of freeing them.
///
/// fwctl is one command per process. A checked 100,000-host policy is millions of small
/// objects (host names, addresses, source text), and releasing them one by one costs
/// milliseconds of an apply's critical path just after compiling, for memory the kernel
/// reclaims in one go when the process exits a moment later. Keeping the last reference here
/// skips that work. Only the `fwctl` executable uses this (tests run it as a subprocess), so
/// nothing accumulates in a long-lived process.
public enum ProcessLifetime {
    /// Read and written only by the command's own thread.
    nonisolated(unsafe) private static var kept: [Any] = []

    /// Keeps `object` alive until the process exits.
    public static func keepUntilExit(_ object: Any) {
        kept.append(object)
    }
}
