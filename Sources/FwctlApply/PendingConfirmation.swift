import Foundation
import FwctlRuleset
import FwctlPlanner
import FwctlSystem

/// An apply made with `--confirm`, waiting for `fwctl confirm`.
///
/// Written to the state directory before the kernel is touched, so a watchdog that outlives
/// fwctl and the SSH session knows what to restore. `previous` is the table as it was before
/// the apply (nil: there was none, and rolling back removes ours).
public struct PendingConfirmation: Codable, Hashable, Sendable {
    public var id: String
    public var table: TableRef
    public var previous: Table?
    /// Seconds since 1970 after which the previous table comes back.
    public var deadline: Double
    /// The watchdog's process id, once it runs.
    public var watchdogPID: Int32?

    public init(id: String = UUID().uuidString, table: TableRef, previous: Table?, deadline: Double, watchdogPID: Int32? = nil) {
        self.id = id
        self.table = table
        self.previous = previous
        self.deadline = deadline
        self.watchdogPID = watchdogPID
    }
}

/// Where fwctl keeps its state on a host: the lock and a pending confirmation.
public struct StateDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var lockPath: String { path + "/lock" }
    public var pendingPath: String { path + "/pending-confirm.json" }

    /// Creates the directory (mode 0700: it holds rulesets) when missing, and refuses one
    /// that others could plant files or links in (see `StateFile.checkDirectory`).
    public func prepare() throws {
        if access(path, F_OK) != 0 {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw ApplyError("cannot create state directory \(path): \(error.localizedDescription)")
            }
        }
        do { try StateFile.checkDirectory(path, role: "state directory") } catch { throw ApplyError("\(error)") }
    }

    public func readPending() throws -> PendingConfirmation? {
        let bytes: [UInt8]?
        do { bytes = try StateFile.read(pendingPath) } catch { throw ApplyError("\(error)") }
        guard let bytes else { return nil }
        do {
            return try JSONDecoder().decode(PendingConfirmation.self, from: Data(bytes))
        } catch {
            throw ApplyError("\(pendingPath) is damaged (\(error)); remove it after checking the loaded ruleset")
        }
    }

    /// Writes atomically (temporary file, fsync, rename): a crash leaves the old or the new file.
    public func writePending(_ p: PendingConfirmation) throws {
        let data = try FwctlJSON.encoder().encode(p)
        do {
            try AtomicFile.write(data, to: pendingPath, mode: 0o600, sync: true)
        } catch {
            throw ApplyError(error.description)
        }
    }

    public func removePending() {
        unlink(pendingPath)
    }
}

/// An error of the apply machinery that the user can act on.
public struct ApplyError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
