import ArgumentParser
import FwctlLog

/// `--log FILE`: the apply log, for the commands that write or read it.
struct LogOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The apply log (default: apply-log.jsonl in the state directory).", valueName: "file"))
    var log: String?

    /// The log to use with state directory `stateDir`.
    func applyLog(stateDir: String) -> ApplyLog {
        ApplyLog(path: log ?? ApplyLog.path(stateDirectory: stateDir))
    }
}
