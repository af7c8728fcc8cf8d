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
    /// otherwise.
    static func load(policy: PolicyOptions, host: String?, kernel: KernelOptions, refresh: RefreshOption) throws -> Table {
        // Read once: the key and the compilation see the same bytes. Anything unusual
        // (missing, unreadable, no policy file) goes the ordinary way, which explains it.
        guard let files = CompiledTableCache.policyFiles(at: policy.policy) else { return try compile(policy: policy, host: host) }
        let today = CalendarDate.today()
        // The host as resolution would name it: the default is this machine's hostname.
        let key = CompiledTableCache.key(files: files, host: host ?? "hostname:" + Terminal.shortHostname(),
                                         day: today.description, version: FwctlVersion.string)
        let cache = CompiledTableCache(directory: kernel.stateDir)
        if !refresh.refresh, let table = cache.load(key: key) { return table }
        let table = try compile(files: files, today: today, host: host)
        if (try? StateDirectory(path: kernel.stateDir).prepare()) != nil { cache.save(table, key: key) }
        return table
    }

    /// What `compile(policy:host:)` does, on files already read and for a given day.
    static func compile(files: [(path: String, bytes: [UInt8])], today: CalendarDate, host: String?) throws -> Table {
        var sources: [SourceFile] = []
        for f in files {
            do throws(PolicyLoadError) {
                sources.append(try PolicyFrontEnd.sourceFile(path: f.path, bytes: f.bytes))
            } catch {
                Terminal.writeError(error.description)
                throw CLIError.silent
            }
        }
        // As PolicyLoading.load(quietWarnings: true): errors only.
        let result = PolicyFrontEnd.check(files: sources, today: today, warnings: false)
        let errors = result.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty {
            Terminal.writeError(DiagnosticRenderer(files: result.files, color: Terminal.colorOnStderr).render(errors))
        }
        guard let fleet = result.fleet, !result.hasErrors else { throw CLIError.silent }
        let name = try HostOptions.resolve(host, all: false, in: fleet)[0]
        do {
            return try Compiler(fleet: fleet).compile(host: name).tables[0]
        } catch {
            throw CLIError(error.description)
        }
    }
}
