import ArgumentParser
import Foundation
import FwctlApply
import FwctlCompiler
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
    /// otherwise. Also the policy files as read, for whoever needs their bytes next (the apply
    /// log's policy hash); nil when the policy went the ordinary way.
    static func load(policy: PolicyOptions, host: String?, kernel: KernelOptions, refresh: RefreshOption) throws -> (table: Table, files: [(path: String, bytes: [UInt8])]?) {
        // Read once: the key and the compilation see the same bytes. Anything unusual
        // (missing, unreadable, no policy file) goes the ordinary way, which explains it.
        PhaseClock.mark("start")
        guard let files = CompiledTableCache.policyFiles(at: policy.policy) else { return (try compile(policy: policy, host: host), nil) }
        PhaseClock.mark("read files")
        let today = CalendarDate.today()
        // The host as resolution would name it: the default is this machine's hostname.
        let key = CompiledTableCache.key(files: files, host: host ?? "hostname:" + Terminal.shortHostname(),
                                         day: today.description, version: FwctlVersion.string)
        PhaseClock.mark("key")
        let cache = CompiledTableCache(directory: kernel.stateDir)
        if !refresh.refresh, let table = cache.load(key: key) { return (table, files) }
        PhaseClock.mark("cache load")
        let fleet = try PolicyLoading.load(files: files, today: today, quietWarnings: true).fleet
        PhaseClock.mark("front end")
        let table = try table(of: fleet, host: host)
        PhaseClock.mark("compile")
        if (try? StateDirectory(path: kernel.stateDir).prepare()) != nil { cache.save(table, key: key) }
        PhaseClock.mark("cache save")
        return (table, files)
    }
}
