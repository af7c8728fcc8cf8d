import Foundation
import FwctlPlanner
import FwctlRuleset

/// The compiled table of the last `plan`/`apply`, keyed by everything the compilation
/// depends on, so a run whose policy did not change skips parsing, checking and compiling.
///
/// The key is a SHA-256 over the policy files' paths and bytes (the bytes then compiled on a
/// miss, so an edit during the run cannot be cached under the old content), the host, the day
/// (rules may expire), and the fwctl executable (version, and the binary's identity, so a
/// rebuilt fwctl never reuses an older compiler's output). A different key, or a missing or
/// damaged file, means compiling as usual.
public struct CompiledTableCache: Sendable {
    public let path: String

    public init(directory: String) { path = directory + "/compiled-table.cache" }

    /// The policy's files as the front end reads them: the file itself, or the directory's
    /// *.policy files sorted by name. nil when anything is amiss (missing, unreadable, no
    /// policy file): the front end then reports it in its own words.
    public static func policyFiles(at policyPath: String) -> [(path: String, bytes: [UInt8])]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: policyPath, isDirectory: &isDirectory) else { return nil }
        var paths = [policyPath]
        if isDirectory.boolValue {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: policyPath) else { return nil }
            let dir = policyPath.hasSuffix("/") ? policyPath : policyPath + "/"
            paths = names.filter { $0.hasSuffix(".policy") }.sorted().map { dir + $0 }
            guard !paths.isEmpty else { return nil }
        }
        var files: [(path: String, bytes: [UInt8])] = []
        for p in paths {
            guard let data = FileManager.default.contents(atPath: p) else { return nil }
            files.append((p, [UInt8](data)))
        }
        return files
    }

    /// The key of `files` compiled for `host` on `day` by fwctl `version`.
    public static func key(files: [(path: String, bytes: [UInt8])], host: String, day: String, version: String) -> String {
        var input: [UInt8] = []
        input.reserveCapacity(files.reduce(0) { $0 + $1.bytes.count + $1.path.utf8.count + 24 } + 256)
        func field(_ s: String) { input += s.utf8; input.append(0) }
        field("fwctl compiled-table 1")
        field(version)
        field(executableIdentity())
        field(host)
        field(day)
        for f in files {
            field(f.path)
            field(String(f.bytes.count))
            input += f.bytes
        }
        return SHA256.hex(input)
    }

    /// The running executable's device, inode, size and modification time.
    static func executableIdentity() -> String {
        var st = stat()
        guard stat("/proc/self/exe", &st) == 0 else { return "unknown" }
        return "\(st.st_dev):\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
    }

    /// The table cached under `key`, if any.
    public func load(key: String) -> Table? {
        guard let data = FileManager.default.contents(atPath: path),
              let (stored, table) = TableSnapshot.decode([UInt8](data)), stored == key else { return nil }
        return table
    }

    /// Best effort: a cache that cannot be written costs the next run a compilation.
    public func save(_ table: Table, key: String) {
        guard let bytes = try? TableSnapshot.encode(table, key: key) else { return }
        try? AtomicFile.write(bytes, to: path, mode: 0o600)
    }
}

/// A table as bytes: its structure as JSON with the sets emptied, then the elements in the
/// compact binary form of `SnapshotWriter`, then a checksum.
enum TableSnapshot {
    static let magic = "fwctl table-snapshot 1"

    static func encode(_ table: Table, key: String) throws -> [UInt8] {
        var skeleton = table
        for i in skeleton.sets.indices { skeleton.sets[i].elements = [] }
        var w = SnapshotWriter()
        w.reserve(4096 + table.sets.reduce(0) { $0 + 9 * $1.elements.count })
        w.string(magic)
        w.string(key)
        w.data([UInt8](try JSONEncoder().encode(skeleton)))
        for s in table.sets {
            w.u32(UInt32(s.elements.count))
            for e in s.elements { w.element(e) }
        }
        return w.sealed()
    }

    static func decode(_ bytes: [UInt8]) -> (key: String, table: Table)? {
        guard var r = SnapshotReader(sealed: bytes), r.string() == magic, let key = r.string(), let json = r.data(),
              var table = try? JSONDecoder().decode(Table.self, from: Data(json)) else { return nil }
        for i in table.sets.indices {
            guard let n = r.u32(), let elements = r.elements(n) else { return nil }
            table.sets[i].elements = elements
        }
        guard r.isAtEnd else { return nil }
        return (key, table)
    }
}
