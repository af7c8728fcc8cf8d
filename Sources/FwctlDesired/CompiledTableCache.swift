import Foundation
import FwctlNet
import FwctlPlanner
import FwctlPolicy
import FwctlRuleset
import FwctlState
import FwctlSystem

/// The compiled table of the last `plan`/`apply`, with what it was compiled from, so a run
/// whose policy did not change skips parsing, checking and compiling, and a run whose policy
/// changed only a little can derive the new table from this one (see `TablePatch`).
///
/// An entry holds the policy files' paths and bytes exactly as compiled (the bytes read once,
/// so an edit during the run cannot be cached under the old content), the table, the role and
/// fleet sets the table depends on, and a context: the host, the day (rules may expire), and
/// the fwctl executable (version, and the binary's identity, so a rebuilt fwctl never reuses
/// an older compiler's output). A different context, or a missing or damaged file, means
/// compiling as usual; equal bytes mean the table is current.
public struct CompiledTableCache: Sendable {
    public let path: String

    public init(directory: String) { path = directory + "/compiled-table.cache" }

    /// A policy file as read: the path the front end names it by, and its bytes.
    public struct PolicyFile: Equatable, Sendable {
        public var path: String
        public var bytes: [UInt8]

        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }

        /// memcmp rather than element by element: asked of a 3 MB policy on every run.
        public static func == (a: PolicyFile, b: PolicyFile) -> Bool {
            a.path == b.path && a.bytes.count == b.bytes.count && a.bytes.withUnsafeBytes { x in
                b.bytes.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
            }
        }
    }

    /// One compilation: the files, the context, the table and its dependencies.
    public struct Entry: Sendable {
        public var context: String
        public var files: [PolicyFile]
        /// `TableDependencies.membershipSets` of the table.
        public var dependencies: [String]
        /// `TableDependencies.hostAddresses`: every host address of the policy compiled.
        public var hostAddresses: AddressSet?
        public var table: Table

        public init(context: String, files: [PolicyFile], dependencies: [String], hostAddresses: AddressSet? = nil, table: Table) {
            self.context = context
            self.files = files
            self.dependencies = dependencies
            self.hostAddresses = hostAddresses
            self.table = table
        }
    }

    /// The policy's files exactly as the front end reads them (`PolicyDirectory.list`: the
    /// file itself, or the directory's policy files, hidden names skipped). nil when anything
    /// is amiss: the front end then reports it in its own words.
    public static func policyFiles(at policyPath: String) -> [(path: String, bytes: [UInt8])]? {
        guard let listing = try? PolicyDirectory.list(policyPath) else { return nil }
        var files: [(path: String, bytes: [UInt8])] = []
        for p in listing.files {
            guard let bytes = try? PolicyDirectory.read(p) else { return nil }
            files.append((p, bytes))
        }
        return files
    }

    /// What a compilation depends on besides the files' bytes: their paths, `host`, `day`,
    /// and fwctl `version` and executable.
    public static func context(paths: [String], host: String, day: String, version: String) -> String {
        var input: [UInt8] = []
        func field(_ s: String) { input += s.utf8; input.append(0) }
        field("fwctl compiled-table 2")
        field(version)
        field(executableIdentity())
        field(host)
        field(day)
        for p in paths { field(p) }
        return SHA256.hex(input)
    }

    /// The running executable's device, inode, size and modification time.
    static func executableIdentity() -> String {
        var st = stat()
        guard stat("/proc/self/exe", &st) == 0 else { return "unknown" }
        return "\(st.st_dev):\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
    }

    /// The entry compiled in `context`, if any.
    public func load(context: String) -> Entry? {
        guard let bytes = StateFile.readCache(path), let entry = TableSnapshot.decode(bytes), entry.context == context else { return nil }
        return entry
    }

    /// Best effort: a cache that cannot be written costs the next run a compilation.
    public func save(_ entry: Entry) {
        try? AtomicFile.write(TableSnapshot.encode(entry), to: path, mode: 0o600)
    }
}

/// A cache entry as bytes: the context, dependencies, files and table in the binary form of
/// `SnapshotWriter`, then a checksum.
enum TableSnapshot {
    static let magic = "fwctl table-snapshot 5"

    static func encode(_ entry: CompiledTableCache.Entry) -> [UInt8] {
        var w = SnapshotWriter()
        w.reserve(65_536 + entry.files.reduce(0) { $0 + $1.bytes.count + $1.path.utf8.count + 12 }
                  + entry.table.sets.reduce(0) { $0 + 9 * $1.elements.count })
        w.string(magic)
        w.string(entry.context)
        w.u32(UInt32(entry.dependencies.count))
        for d in entry.dependencies { w.string(d) }
        let hostRanges = entry.hostAddresses.map { $0.ranges(.v4) + $0.ranges(.v6) }
        w.u8(hostRanges == nil ? 0 : 1)
        w.u32(UInt32(hostRanges?.count ?? 0))
        for range in hostRanges ?? [] { w.element(.address(range)) }
        w.u32(UInt32(entry.files.count))
        for f in entry.files {
            w.string(f.path)
            w.data(f.bytes)
        }
        w.table(entry.table)
        return w.sealed()
    }

    static func decode(_ bytes: [UInt8]) -> CompiledTableCache.Entry? {
        guard var r = SnapshotReader(sealed: bytes), r.string() == magic, let context = r.string(),
              let depCount = r.u32(), Int(depCount) <= r.remaining else { return nil }
        var dependencies: [String] = []
        for _ in 0..<depCount {
            guard let d = r.string() else { return nil }
            dependencies.append(d)
        }
        guard let hasHosts = r.u8(), hasHosts <= 1, let rangeCount = r.u32(), Int(rangeCount) <= r.remaining else { return nil }
        // Collected, then merged in one pass: a fleet with scattered addresses has 100,000 ranges.
        var v4: [ClosedRange<UInt32>] = [], v6: [ClosedRange<UInt128>] = []
        for _ in 0..<rangeCount {
            switch r.element() {
            case .address(let range)?:
                switch (range.lower, range.upper) {
                case (.v4(let lo), .v4(let hi)): v4.append(lo...hi)
                case (.v6(let lo), .v6(let hi)): v6.append(lo...hi)
                default: return nil
                }
            default: return nil
            }
        }
        let hostAddresses = hasHosts == 1 ? AddressSet(v4: IntervalSet(v4), v6: IntervalSet(v6)) : nil
        guard let fileCount = r.u32(), Int(fileCount) <= r.remaining else { return nil }
        var files: [CompiledTableCache.PolicyFile] = []
        for _ in 0..<fileCount {
            guard let path = r.string(), let data = r.data() else { return nil }
            files.append(.init(path: path, bytes: data))
        }
        guard let table = r.table(), r.isAtEnd else { return nil }
        return CompiledTableCache.Entry(context: context, files: files, dependencies: dependencies,
                                        hostAddresses: hostAddresses, table: table)
    }
}
