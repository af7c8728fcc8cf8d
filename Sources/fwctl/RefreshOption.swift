import ArgumentParser
import Foundation
import FwctlApply
import FwctlPolicy
import FwctlRuleset

/// `--refresh` of plan and apply: trust nothing remembered from earlier runs.
struct RefreshOption: ParsableArguments {
    @Flag(name: .long, help: """
        Read every set from the kernel and compile the policy afresh, instead of trusting what \
        the state directory remembers from the last run (see docs/FAST-PATHS.md).
        """)
    var refresh = false
}

extension DesiredTable {
    /// The compiled table, from the state directory's cache when the policy, host, day and
    /// fwctl are the ones it was compiled from (never with --refresh); compiled and cached
    /// otherwise.
    static func load(policy: PolicyOptions, host: String?, kernel: KernelOptions, refresh: RefreshOption) throws -> Table {
        let cache = CompiledTableCache(directory: kernel.stateDir)
        // The host as resolution would name it: the default is this machine's hostname.
        func key() -> String? {
            CompiledTableCache.key(policyPath: policy.policy, host: host ?? "hostname:" + Terminal.shortHostname(),
                                   day: CalendarDate.today().description, version: FwctlVersion.string)
        }
        let before = key()
        if !refresh.refresh, let before, let table = cache.load(key: before) { return table }
        let table = try compile(policy: policy, host: host)
        // Cached only if nothing the key covers changed while compiling (an edit, midnight).
        if let before, key() == before, (try? StateDirectory(path: kernel.stateDir).prepare()) != nil {
            cache.save(table, key: before)
        }
        return table
    }
}
