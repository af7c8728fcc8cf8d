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
    /// fwctl are the ones it was compiled from (never with --refresh); derived from the cached
    /// one when the policy only gained hosts in a role (`TablePatch`); compiled and cached
    /// otherwise. Also the policy files as read, for whoever needs their bytes next (the apply
    /// log's policy hash); nil when the policy went the ordinary way.
    static func load(policy: PolicyOptions, host: String?, kernel: KernelOptions, refresh: RefreshOption) throws -> (table: Table, files: [(path: String, bytes: [UInt8])]?) {
        // Read once: the cache and the compilation see the same bytes. Anything unusual
        // (missing, unreadable, no policy file) goes the ordinary way, which explains it.
        PhaseClock.mark("start")
        guard let files = CompiledTableCache.policyFiles(at: policy.policy) else { return (try compile(policy: policy, host: host), nil) }
        PhaseClock.mark("read files")
        let today = CalendarDate.today()
        // The host as resolution would name it: the default is this machine's hostname.
        let context = CompiledTableCache.context(paths: files.map(\.path), host: host ?? "hostname:" + Terminal.shortHostname(),
                                                 day: today.description, version: FwctlVersion.string)
        let cache = CompiledTableCache(directory: kernel.stateDir)
        let previous = refresh.refresh ? nil : cache.load(context: context)
        PhaseClock.mark("cache load")
        let entryFiles = files.map { CompiledTableCache.PolicyFile(path: $0.path, bytes: $0.bytes) }
        if let previous {
            if previous.files == entryFiles { return (previous.table, files) }
            // Hosts added to a role: the new table follows from the old one (TablePatch).
            let dependencies = TableDependencies(membershipSets: previous.dependencies)
            if let table = TablePatch.derive(from: previous.files.map { ($0.path, $0.bytes) }, to: files,
                                             table: previous.table, dependencies: dependencies) {
                PhaseClock.mark("derive from the previous compilation")
                save(CompiledTableCache.Entry(context: context, files: entryFiles, dependencies: previous.dependencies, table: table), to: cache, kernel)
                return (table, files)
            }
        }
        let fleet = try PolicyLoading.load(files: files, today: today, quietWarnings: true).fleet
        PhaseClock.mark("front end")
        let (table, dependencies) = try compiled(fleet, host: host)
        PhaseClock.mark("compile")
        save(CompiledTableCache.Entry(context: context, files: entryFiles, dependencies: dependencies.membershipSets, table: table), to: cache, kernel)
        return (table, files)
    }

    private static func save(_ entry: CompiledTableCache.Entry, to cache: CompiledTableCache, _ kernel: KernelOptions) {
        if (try? StateDirectory(path: kernel.stateDir).prepare()) != nil { cache.save(entry) }
        PhaseClock.mark("cache save")
    }
}
