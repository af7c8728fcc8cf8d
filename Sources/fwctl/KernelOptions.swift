import ArgumentParser
import FwctlCLI
#if canImport(Glibc)
import Glibc
#endif

/// Options of the commands that read or change the kernel.
struct KernelOptions: ParsableArguments {
    static let defaultStateDirectory = "/var/lib/fwctl"

    @Option(name: .long, help: ArgumentHelp("Where fwctl keeps its state: the host lock, a pending confirmation, the confirmed table (restored at boot), the caches of the last compilation and of the sets' elements, and the apply log (apply-log.jsonl).", valueName: "dir"))
    var stateDir: String = KernelOptions.defaultStateDirectory

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for another fwctl run on this host to finish (0: fail at once).", valueName: "seconds"))
    var lockTimeout: Double = 10

    func validate() throws {
        if lockTimeout < 0 || !lockTimeout.isFinite { throw ValidationError("--lock-timeout must be 0 or more seconds") }
    }

    /// One clear line instead of a kernel error when not root (the effective user: sudo and
    /// setuid count), saying `why` root is needed.
    static func requireRoot(_ what: String, why: String = "(CAP_NET_ADMIN) to read the kernel's nf_tables ruleset") throws {
        if geteuid() != 0 { throw CLIError("\(what) needs root \(why): run it with sudo") }
    }
}
