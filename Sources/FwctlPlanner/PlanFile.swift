import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FwctlRuleset
import FwctlSystem

/// A plan saved by `fwctl plan --out FILE` and applied later by `fwctl apply FILE`.
///
/// JSON, one object:
/// ```
/// {"formatVersion": 2,
///  "host": "web-01",                      // the policy host the plan is for
///  "policySHA256": "<64 hex digits>",     // PolicyFingerprint of the policy files, or null
///  "desiredSHA256": "<64 hex digits>",
///  "table": {"family": "inet", "name": "fwctl"},
///  "generation": 42,                      // the kernel's, when the plan was made
///  "summary": {"add": 1, "change": 0, "remove": 0},
///  "changes": [ ... ]}                    // as Plan's JSON (see Change+Codable.swift)
/// ```
/// The file is untrusted input: it only says what was approved. `apply` plans again from the
/// kernel and the policy as they are then and applies that plan only if it is this one
/// (`SavedPlan` in FwctlApply), so an edited file is either harmless or refused.
/// `desiredSHA256` fingerprints the compiled table the plan leads to: the SHA-256 of its JSON
/// (sorted keys, handles and counter values left out). Readers refuse other format versions
/// and a file without a generation.
public struct PlanFile: Hashable, Sendable {
    /// The format this code writes and the only one it reads.
    public static let currentFormatVersion = 2

    public var plan: Plan
    public var desiredSHA256: String
    public var host: String
    public var policySHA256: String?

    public init(plan: Plan, desired: Table, host: String, policySHA256: String?) {
        self.init(plan: plan, desiredSHA256: Self.fingerprint(of: desired), host: host, policySHA256: policySHA256)
    }

    public init(plan: Plan, desiredSHA256: String, host: String, policySHA256: String?) {
        self.plan = plan
        self.desiredSHA256 = desiredSHA256
        self.host = host
        self.policySHA256 = policySHA256
    }

    /// True when `desired` is the table this plan was made for.
    public func matches(desired: Table) -> Bool {
        desiredSHA256 == Self.fingerprint(of: desired)
    }

    /// SHA-256 of the table's canonical JSON, without kernel state.
    public static func fingerprint(of table: Table) -> String {
        let t = table.withoutKernelState
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain model values cannot fail (no floats, no custom throwing encoders).
        let data = try! encoder.encode(t)
        return SHA256.hex(data)
    }

    /// The file's bytes: pretty-printed in fwctl's JSON convention, newline-terminated.
    public func encoded() throws -> Data {
        Data(try FwctlJSON.text(self).utf8)
    }

    public static func decode(_ data: Data) throws -> PlanFile {
        do {
            return try JSONDecoder().decode(PlanFile.self, from: data)
        } catch let e as PlanFileError {
            throw e
        } catch {
            throw PlanFileError.malformed(String(describing: error))
        }
    }

    /// Writes the file atomically (a temporary file renamed into place), so a reader never
    /// sees half a plan.
    public func write(to path: String) throws {
        let bytes = try encoded()
        do {
            try AtomicFile.write(bytes, to: path, mode: 0o600)
        } catch {
            throw PlanFileError.unwritable(path: path, reason: error.reason)
        }
    }

    /// Larger than any plan fwctl writes (100,000 element changes take about 20 MB).
    public static let maximumSize = 256 << 20

    /// Reads a plan file. The path is untrusted like the content: only a regular file up to
    /// `maximumSize` is read, and it is opened without blocking, so a FIFO or a device
    /// given (or planted) there is refused at once instead of holding the host lock.
    public static func read(from path: String) throws -> PlanFile {
        func refused(_ reason: String) -> PlanFileError { .unreadable(path: path, reason: reason) }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw refused(Errno.reason(errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw refused(Errno.reason(errno)) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw refused("not a regular file") }
        guard st.st_size <= maximumSize else { throw refused("\(st.st_size) bytes, larger than any plan (\(maximumSize))") }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size) + 1)
        let count = bytes.withUnsafeMutableBytes { Syscall.readFully(fd, into: $0) }
        guard count >= 0 else { throw refused(Errno.reason(errno)) }
        guard count <= maximumSize else { throw refused("larger than any plan (\(maximumSize) bytes)") }
        return try decode(Data(bytes[..<count]))
    }
}

extension PlanFile: Codable {
    private enum Key: String, CodingKey { case formatVersion, host, policySHA256, desiredSHA256, table, generation, summary, changes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let version = try c.decode(Int.self, forKey: .formatVersion)
        guard version == Self.currentFormatVersion else { throw PlanFileError.unsupportedVersion(version) }
        desiredSHA256 = try c.decode(String.self, forKey: .desiredSHA256)
        host = try c.decode(String.self, forKey: .host)
        policySHA256 = try c.decodeIfPresent(String.self, forKey: .policySHA256)
        // A saved plan was always made against a kernel: no generation, no plan.
        guard try c.decodeIfPresent(UInt32.self, forKey: .generation) != nil else {
            throw PlanFileError.malformed("it has no generation id (a saved plan is always made against the kernel)")
        }
        plan = try Plan(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(Self.currentFormatVersion, forKey: .formatVersion)
        try c.encode(host, forKey: .host)
        try c.encode(policySHA256, forKey: .policySHA256)
        try c.encode(desiredSHA256, forKey: .desiredSHA256)
        // The plan's own keys sit beside these in the same object.
        try c.encode(plan.table, forKey: .table)
        try c.encode(plan.generation, forKey: .generation)
        try c.encode(plan.summary, forKey: .summary)
        try c.encode(plan.changes, forKey: .changes)
    }
}

/// Why a plan file could not be read or written: one line for the operator each.
public enum PlanFileError: Error, Hashable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case unsupportedVersion(Int)
    case malformed(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read plan file \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write plan file \(path): \(reason)"
        case .unsupportedVersion(let v): "plan file format \(v) is not supported (this fwctl reads format \(PlanFile.currentFormatVersion)); make the plan again"
        case .malformed(let reason): "plan file is not a valid fwctl plan: \(reason)"
        }
    }
}
