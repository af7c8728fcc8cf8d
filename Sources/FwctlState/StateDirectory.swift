import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where fwctl keeps its state on a host: the lock, a pending confirmation, the caches, the
/// applied record, the confirmed table and (by default) the apply log. Each file's owner
/// names it; this type makes the directory safe to hold them.
public struct StateDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// Creates the directory (mode 0700: it holds rulesets) when missing, and refuses one
    /// that others could plant files or links in (see `StateFile.checkDirectory`).
    public func prepare() throws(StateFile.Unsafe) {
        if access(path, F_OK) != 0 {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StateFile.Unsafe(description: "cannot create state directory \(path): \(error.localizedDescription)")
            }
        }
        try StateFile.checkDirectory(path, role: "state directory")
    }
}
