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
    /// `filesRead` is handed the policy's files as soon as they are read (before anything is
    /// compiled), for work that can start on them at once.
    static func load(policy: PolicyOptions, host: String?, kernel: KernelOptions, refresh: RefreshOption,
                     filesRead: ([(path: String, bytes: [UInt8])]?) -> Void = { _ in }) throws -> (table: Table, files: [(path: String, bytes: [UInt8])]?) {
        // Read once: the cache and the compilation see the same bytes. Anything unusual
        // (missing, unreadable, no policy file) goes the ordinary way, which explains it.
        PhaseClock.mark("start")
        let read = CompiledTableCache.policyFiles(at: policy.policy)
        filesRead(read)
        guard let files = read else { return (try compile(policy: policy, host: host), nil) }
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
            ProcessLifetime.keepUntilExit(previous)   // 100,000 elements: freed by the exit
            if previous.files == entryFiles { return (previous.table, files) }
            // Hosts added to a role: the new table follows from the old one (TablePatch).
            let dependencies = TableDependencies(membershipSets: previous.dependencies, hostAddresses: previous.hostAddresses)
            if let (table, next) = TablePatch.deriveWithDependencies(from: previous.files.map { ($0.path, $0.bytes) }, to: files,
                                                                     table: previous.table, dependencies: dependencies) {
                PhaseClock.mark("derive from the previous compilation")
                save(CompiledTableCache.Entry(context: context, files: entryFiles, dependencies: next.membershipSets,
                                              hostAddresses: next.hostAddresses, table: table), to: cache, kernel)
                return (table, files)
            }
        }
        let fleet = try PolicyLoading.load(files: files, today: today, quietWarnings: true).fleet
        PhaseClock.mark("front end")
        let (table, dependencies) = try compiled(fleet, host: host)
        PhaseClock.mark("compile")
        save(CompiledTableCache.Entry(context: context, files: entryFiles, dependencies: dependencies.membershipSets,
                                      hostAddresses: dependencies.hostAddresses, table: table), to: cache, kernel)
        return (table, files)
    }

    /// Saves on another thread (encoding and writing a 100,000-element table and a 3 MB
    /// policy takes milliseconds the plan and the kernel need not wait for); the command
    /// waits for it before it exits, see `finishCacheWrite`.
    private static func save(_ entry: CompiledTableCache.Entry, to cache: CompiledTableCache, _ kernel: KernelOptions) {
        let stateDir = kernel.stateDir
        cacheWrite = BackgroundWork {
            if (try? StateDirectory(path: stateDir).prepare()) != nil { cache.save(entry) }
        }
    }

    /// The cache write started by `load`, if any. Only the command's thread touches it.
    nonisolated(unsafe) private static var cacheWrite: BackgroundWork<Void>?

    /// Waits until the compiled table is saved: plan and apply call it before they return,
    /// while they still hold the host lock.
    static func finishCacheWrite() {
        cacheWrite?.wait()
        cacheWrite = nil
    }
}
