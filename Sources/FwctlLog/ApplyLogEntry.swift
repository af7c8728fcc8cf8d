import Foundation
import FwctlPlanner
import FwctlRuleset
import FwctlSystem

/// One line of the apply log: who changed what on which host, when, and how it ended.
///
/// Entries are hash-chained: `prev` is the `hash` of the entry before (64 zeros for the
/// first) and `hash` is the SHA-256 of the entry's canonical bytes without `hash` (see
/// `canonicalBytes`). Every field but `hash` is covered, so altering any of them, removing
/// an entry or reordering entries breaks the chain at a place `ApplyLogVerifier` names.
public struct ApplyLogEntry: Codable, Hashable, Sendable {
    /// What the entry records.
    public enum Action: String, Codable, Hashable, Sendable {
        /// `restore`: `fwctl restore` loaded the last confirmed table (or the policy) at boot.
        case apply, rollback, confirm, restore
    }

    /// The invoking user, and the user behind `sudo` when there is one.
    public struct Actor: Codable, Hashable, Sendable {
        public var user: String
        public var uid: UInt32
        public var sudoUser: String?
        public var sudoUID: UInt32?

        public init(user: String, uid: UInt32, sudoUser: String? = nil, sudoUID: UInt32? = nil) {
            self.user = user
            self.uid = uid
            self.sudoUser = sudoUser
            self.sudoUID = sudoUID
        }

        /// This process's real user (name from the password database, else the number) and
        /// SUDO_USER / SUDO_UID from `environment`.
        public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> Actor {
            let uid = getuid()
            return Actor(user: name(of: uid) ?? String(uid), uid: uid,
                         sudoUser: environment["SUDO_USER"], sudoUID: environment["SUDO_UID"].flatMap { UInt32($0) })
        }

        static func name(of uid: uid_t) -> String? {
            guard let pw = getpwuid(uid), let name = pw.pointee.pw_name else { return nil }
            return String(cString: name)
        }

        /// `alice (via sudo from bob)`.
        public var text: String { user + (sudoUser.map { " (sudo from \($0))" } ?? "") }
    }

    /// What the change was made from: the policy's bytes, the table it compiles to, and the
    /// git commit of the policy when it lives in a repository.
    public struct Policy: Codable, Hashable, Sendable {
        /// SHA-256 over the policy files (see `PolicyProvenance` in the CLI).
        public var sha256: String?
        /// `PlanFile.fingerprint` of the compiled table.
        public var tableSHA256: String?
        public var commit: String?
        /// True when the policy files differ from `commit` (uncommitted edits).
        public var dirty: Bool?

        public init(sha256: String? = nil, tableSHA256: String? = nil, commit: String? = nil, dirty: Bool? = nil) {
            self.sha256 = sha256
            self.tableSHA256 = tableSHA256
            self.commit = commit
            self.dirty = dirty
        }
    }

    public static let genesis = String(repeating: "0", count: 64)

    /// The `loaded` of a `recovered` entry: how the table found in the kernel compares with
    /// the one the unfinished apply announced (`policy.tableSHA256` of its `started` entry).
    public enum Loaded {
        public static let announced = "the table the apply announced"
        public static let other = "not the table the apply announced"
        public static let absent = "no table"
        public static let unknown = "a table the apply announced no hash for"
    }

    /// An apply whose table reached the kernel: `applied`, or `recovered` finding the
    /// announced table loaded. `fwctl status` names the last one as the last apply.
    public var reachedKernel: Bool {
        action == .apply && (outcome == "applied" || outcome == "recovered" && loaded == Loaded.announced)
    }

    public var seq: Int
    /// ISO 8601, UTC, with milliseconds: `2026-11-28T11:50:00.123Z`.
    public var time: String
    /// The policy host whose table was changed.
    public var host: String
    public var action: Action
    public var actor: Actor
    public var policy: Policy
    /// Links an apply with `--confirm` to the confirm or rollback that concludes it.
    public var confirmationID: String?
    public var summary: PlanSummary?
    /// One line per change: `+ add a rule to chain input from web.policy:12: allow ...`.
    public var changes: [String]
    public var generationBefore: UInt32?
    public var generationAfter: UInt32?
    /// `started`, `applied`, `recovered`, `rolled-back`, `confirmed`, `restored`,
    /// `already-loaded` (a restore that found the table loaded), or `failed: <reason>`.
    public var outcome: String
    /// In a `recovered` entry: what the kernel held when an apply found to have died after
    /// `started` was recovered (see `Loaded`). In a `restore` entry: which table was loaded
    /// (`BootRestore.Source`).
    public var loaded: String?
    public var prev: String
    /// Nil only while the entry is being made; every stored entry has one.
    public var hash: String?

    public init(seq: Int = 0, time: String = "", host: String, action: Action, actor: Actor, policy: Policy = Policy(),
                confirmationID: String? = nil, summary: PlanSummary? = nil, changes: [String] = [],
                generationBefore: UInt32? = nil, generationAfter: UInt32? = nil, outcome: String, loaded: String? = nil,
                prev: String = ApplyLogEntry.genesis, hash: String? = nil) {
        self.seq = seq
        self.time = time
        self.host = host
        self.action = action
        self.actor = actor
        self.policy = policy
        self.confirmationID = confirmationID
        self.summary = summary
        self.changes = changes
        self.generationBefore = generationBefore
        self.generationAfter = generationAfter
        self.outcome = outcome
        self.loaded = loaded
        self.prev = prev
        self.hash = hash
    }

    /// The encoding both the hash and the stored line use: fwctl's JSON convention, compact
    /// (keys sorted at every level, no whitespace, `/` unescaped), absent optionals left out,
    /// no floating-point numbers anywhere. Deterministic for a given value, so a verifier can
    /// recompute it; logs written before the convention was shared were written the same way.
    static func encoder() -> JSONEncoder {
        FwctlJSON.encoder()
    }

    /// The canonical bytes of the entry without its `hash`: what `hash` is the SHA-256 of.
    public var canonicalBytes: Data {
        var bare = self
        bare.hash = nil
        // Only strings, integers, booleans and arrays of them: encoding cannot fail.
        return try! Self.encoder().encode(bare)
    }

    /// The SHA-256 (hex) of `canonicalBytes`.
    public var computedHash: String { SHA256.hex(canonicalBytes) }

    /// The stored line: the canonical encoding with `hash`, without the newline.
    public var line: Data { try! Self.encoder().encode(self) }

    /// `time` as seconds since 1970, when it parses.
    public var timestamp: Double? { Self.parseTime(time)?.timeIntervalSince1970 }

    /// `2026-11-28T13:56:31.265Z`: UTC to the nearest millisecond, exactly as
    /// `ISO8601DateFormatter` with internet date-time and fractional seconds prints it (a test
    /// compares the two).
    public static func formatTime(_ date: Date) -> String {
        UTCTime(roundingToMillisecond: date.timeIntervalSince1970).timestampMilliseconds
    }

    static func parseTime(_ s: String) -> Date? {
        UTCTime.secondsSince1970(s).map(Date.init(timeIntervalSince1970:))
    }

    /// The compact change list stored in an entry.
    public static func changeLines(_ plan: Plan) -> [String] {
        plan.changes.map { "\($0.action.symbol) \($0.phrase)" }
    }
}
