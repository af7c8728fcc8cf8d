import Foundation
import FwctlSystem

/// The one SHA-256 of a policy that fwctl reports everywhere (the apply log, `fwctl audit
/// export`): of the `sha256sum`-style listing of its files, `<hex>  <base name>\n` each, in
/// load order. So `sha256sum *.policy | sha256sum` in the policy's directory reproduces it,
/// it does not depend on where the policy is checked out, and renaming, editing, adding or
/// removing a file changes it.
public enum PolicyFingerprint {
    /// Each file's SHA-256 and the policy's.
    public static func compute(_ files: [(path: String, bytes: [UInt8])]) -> (files: [String], policy: String) {
        let each = files.map { SHA256.hex($0.bytes) }
        let listing = zip(each, files).map { "\($0)  \(($1.path as NSString).lastPathComponent)\n" }.joined()
        return (each, SHA256.hex(Array(listing.utf8)))
    }
}
