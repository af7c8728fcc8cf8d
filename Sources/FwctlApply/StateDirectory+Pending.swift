import Foundation
import FwctlKernel
import FwctlPlanner
import FwctlRuleset
import FwctlState
import FwctlSystem
#if canImport(Glibc)
import Glibc
#endif

/// The state directory's files of the apply machinery: the host lock and the pending
/// confirmation of an apply with `--confirm`.
extension StateDirectory {
    public var lockPath: String { path + "/lock" }
    public var pendingPath: String { path + "/pending-confirm.json" }

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
