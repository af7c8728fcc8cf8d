import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
import FwctlState
import FwctlSystem

extension DesiredTable {
    /// The table, from the state directory's cache when the policy files, host, day and fwctl
    /// are the ones it was compiled from (never with `refresh`); derived from the cached one
    /// when the policy only gained hosts in a role (`TablePatch`); compiled and cached
    /// otherwise. `filesRead` is handed the policy's files as soon as they are read (before
    /// anything is compiled), for work that can start on them at once.
    public static func load(_ request: Request, frontEnd: FrontEnd,
                            filesRead: ([(path: String, bytes: [UInt8])]?) -> Void = { _ in }) throws -> DesiredTable {
        finishCacheWrite()   // an earlier load's entry is on disk before this one reads it
        // Read once: the cache and the compilation see the same bytes. Anything unusual
        // (missing, unreadable, no policy file) goes the ordinary way, which explains it.
        PhaseClock.mark("start")
        let read = CompiledTableCache.policyFiles(at: request.policyPath)
        filesRead(read)
        guard let files = read else {
            let fleet = try frontEnd(.path(request.policyPath))
            return DesiredTable(table: try compile(fleet, host: request.host, hostname: request.hostname).table, files: nil, origin: .compiled)
        }
        PhaseClock.mark("read files")
        // The host as resolution would name it: the default is this machine's hostname.
        let context = CompiledTableCache.context(paths: files.map(\.path), host: request.host ?? "hostname:" + request.hostname,
                                                 day: request.today.description, version: request.version)
        let cache = CompiledTableCache(directory: request.stateDirectory)
        let previous = request.refresh ? nil : cache.load(context: context)
        PhaseClock.mark("cache load")
        let entryFiles = files.map { CompiledTableCache.PolicyFile(path: $0.path, bytes: $0.bytes) }
        if let previous {
            ProcessLifetime.keepUntilExit(previous)   // 100,000 elements: freed by the exit
            if previous.files == entryFiles { return DesiredTable(table: previous.table, files: files, origin: .cached) }
            // Hosts added to a role: the new table follows from the old one (TablePatch).
            let dependencies = TableDependencies(membershipSets: previous.dependencies, hostAddresses: previous.hostAddresses)
            if let (table, next) = TablePatch.deriveWithDependencies(from: previous.files.map { ($0.path, $0.bytes) }, to: files,
                                                                     table: previous.table, dependencies: dependencies) {
                PhaseClock.mark("derive from the previous compilation")
                save(CompiledTableCache.Entry(context: context, files: entryFiles, dependencies: next.membershipSets,
                                              hostAddresses: next.hostAddresses, table: table), to: cache, request.stateDirectory)
                return DesiredTable(table: table, files: files, origin: .derived)
            }
        }
        let fleet = try frontEnd(.files(files, today: request.today))
        PhaseClock.mark("front end")
        let (table, dependencies) = try compile(fleet, host: request.host, hostname: request.hostname)
        PhaseClock.mark("compile")
        // The fleet's host addresses are for the next run's derivation: merged with the save.
        save(CompiledTableCache.Entry(context: context, files: entryFiles, dependencies: dependencies.membershipSets, table: table),
             to: cache, request.stateDirectory) { $0.hostAddresses = Compiler.hostAddresses(of: fleet) }
        return DesiredTable(table: table, files: files, origin: .compiled)
    }

    /// Saves on another thread (encoding and writing a 100,000-element table and a 3 MB
    /// policy takes milliseconds the plan and the kernel need not wait for); the caller
    /// waits for it before it exits, see `finishCacheWrite`.
    /// At nice 10: on the one spare core it yields to the hashes the apply log waits for and
    /// to the kernel read the plan waits for, and finishes while the batch is committed.
    private static func save(_ entry: CompiledTableCache.Entry, to cache: CompiledTableCache, _ stateDirectory: String,
                             completing complete: @escaping @Sendable (inout CompiledTableCache.Entry) -> Void = { _ in }) {
        cacheWrite = BackgroundWork {
            ThreadPriority.setNice(10)
            var entry = entry
            complete(&entry)
            if (try? StateDirectory(path: stateDirectory).prepare()) != nil { cache.save(entry) }
        }
    }

    /// The cache write started by `load`, if any. Only the command's thread touches it.
    nonisolated(unsafe) private static var cacheWrite: BackgroundWork<Void>?

    /// Waits until the compiled table is saved: plan and apply call it before they return,
    /// while they still hold the host lock.
    public static func finishCacheWrite() {
        cacheWrite?.wait()
        cacheWrite = nil
    }
}
