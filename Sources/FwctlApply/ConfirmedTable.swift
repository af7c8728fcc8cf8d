import Foundation
import FwctlKernel
import FwctlLog
import FwctlPlanner
import FwctlRuleset
import FwctlState
import FwctlSystem
#if canImport(Glibc)
import Glibc
#endif

/// The last table of this host that was kept for good: committed by an apply without a
/// confirm window, or confirmed with `fwctl confirm`. Never a provisional table: an apply
/// waiting for confirmation leaves the file as it was. `fwctl restore` loads it at boot.
///
/// The table is stored as the kernel lists it right after the commit, without handles or
/// counter values, in the binary form of `SnapshotWriter` with a checksum, written
/// atomically and flushed to disk (a crash leaves the old file or the new one). After an
/// apply whose commit was the only one (`CommittedPlan`) it is worked out from the plan and
/// the table the plan was made from, not read back: exactly what the batch made, never an
/// edit someone made right after it.
public struct ConfirmedTable: Sendable {
    public var table: Table
    /// The policy host it was applied for.
    public var host: String
    /// When it was kept (`ApplyLogEntry.time` format).
    public var savedAt: String

    public init(table: Table, host: String, savedAt: String) {
        self.table = table
        self.host = host
        self.savedAt = savedAt
    }

    static let magic = "fwctl confirmed-table 1"

    /// What the state directory holds.
    public enum Stored: Sendable {
        case missing
        /// Present but unusable; `reason` says why, in one line.
        case damaged(reason: String)
        case found(ConfirmedTable)
    }

    public static func path(stateDirectory: String) -> String { stateDirectory + "/confirmed-table.snap" }

    /// Reads the file through `StateFile` (no link followed, nobody else's file).
    public static func load(stateDirectory: String) -> Stored {
        let path = path(stateDirectory: stateDirectory)
        let bytes: [UInt8]?
        do { bytes = try StateFile.read(path) } catch { return .damaged(reason: error.description) }
        guard let bytes else { return .missing }
        guard let decoded = decode(bytes) else {
            return .damaged(reason: "\(path) is damaged (checksum or format does not match)")
        }
        return .found(decoded)
    }

    /// Writes `table` (handles and counter values dropped) as the confirmed table.
    public static func save(_ table: Table, host: String, stateDirectory: String) throws {
        let kept = ConfirmedTable(table: table.withoutKernelState, host: host, savedAt: ApplyLogEntry.formatTime(Date()))
        do {
            try AtomicFile.write(kept.encoded(), to: path(stateDirectory: stateDirectory), mode: 0o600, sync: true)
        } catch {
            throw ApplyError(error.description)
        }
    }

    /// After a commit that is kept: reads `ref` back from `backend` and saves it. Returns a
    /// warning instead of throwing (the table is applied either way); nil when saved.
    public static func keep(_ ref: TableRef, backend: RulesetBackend, host: String, stateDirectory: String) -> String? {
        let table: Table?
        do { table = try backend.read(table: ref).table } catch {
            return "the table is applied, but reading it back for `fwctl restore` failed (\(error)); at boot, restore loads the table kept before"
        }
        guard let table else { return "table \(ref) is gone right after the commit; at boot, restore loads the table kept before" }
        return keep(table, host: host, stateDirectory: stateDirectory)
    }

    /// After a commit that is kept: saves `table`, what the commit left (see `CommittedPlan`),
    /// touching no kernel (safe on another thread). Returns a warning instead of throwing.
    public static func keep(_ table: Table, host: String, stateDirectory: String) -> String? {
        // A rule fwctl does not model cannot be re-created: keep the last table that can be.
        if table.chains.contains(where: { $0.rules.contains(where: \.hasUnknownExpression) }) {
            return "table \(table.ref) holds rules fwctl did not write; at boot, restore loads the table kept before"
        }
        do { try save(table, host: host, stateDirectory: stateDirectory) } catch {
            return "the table is applied, but could not be kept for `fwctl restore`: \(error)"
        }
        return nil
    }

    func encoded() -> [UInt8] {
        var w = SnapshotWriter()
        w.reserve(65_536 + table.sets.reduce(0) { $0 + 9 * $1.elements.count })
        w.string(Self.magic)
        w.string(host)
        w.string(savedAt)
        w.table(table)
        return w.sealed()
    }

    static func decode(_ bytes: [UInt8]) -> ConfirmedTable? {
        guard var r = SnapshotReader(sealed: bytes), r.string() == magic, let host = r.string(),
              let savedAt = r.string(), let table = r.table(), r.isAtEnd else { return nil }
        return ConfirmedTable(table: table, host: host, savedAt: savedAt)
    }
}
