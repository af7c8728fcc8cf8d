import ArgumentParser
import FwctlCLI
import FwctlDesired
import FwctlPolicy
import FwctlRuleset

/// `--refresh` of plan and apply: trust nothing remembered from earlier runs.
struct RefreshOption: ParsableArguments {
    @Flag(name: .long, help: """
        Read every set from the kernel and compile the policy afresh, instead of trusting what \
        the state directory remembers from the last run (see docs/FAST-PATHS.md).
        """)
    var refresh = false

    /// `host`'s table (default: this machine's), from the state directory's cache when it is
    /// current (`DesiredTable.load`).
    func desiredTable(policy: PolicyOptions, host: String?, kernel: KernelOptions,
                      filesRead: ([(path: String, bytes: [UInt8])]?) -> Void = { _ in }) throws -> DesiredTable {
        let request = DesiredTable.Request(policyPath: policy.policy, host: host, hostname: Terminal.shortHostname(), stateDirectory: kernel.stateDir,
                                           refresh: refresh, today: CalendarDate.today(), version: FwctlVersion.string)
        return try DesiredTable.load(request, frontEnd: PolicyOptions.frontEnd, filesRead: filesRead)
    }
}

extension PolicyOptions {
    /// `host`'s table compiled from the policy, no cache involved.
    func compiledTable(host: String?) throws -> Table {
        try DesiredTable.compile(PolicyLoading.load(self, quietWarnings: true).fleet, host: host, hostname: Terminal.shortHostname()).table
    }

    /// The front end with its errors printed as `check` prints them (warnings left to `check`).
    static func frontEnd(_ source: DesiredTable.PolicySource) throws -> Fleet {
        switch source {
        case .files(let files, let today): try PolicyLoading.load(files: files, today: today, quietWarnings: true).fleet
        case .path(let path): try PolicyLoading.load(path: path, quietWarnings: true).fleet
        }
    }
}
