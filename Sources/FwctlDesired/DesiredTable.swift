import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
import FwctlSystem

/// The compiled table of one host, what plan and apply move the kernel toward, and how it was
/// obtained: from the state directory's cache, derived from the cached one, or compiled.
public struct DesiredTable {
    public enum Origin: Equatable, Sendable {
        /// The policy, host, day and fwctl are the ones the cached table was compiled from.
        case cached
        /// The policy only gained hosts in a role: the cached table patched (`TablePatch`).
        case derived
        /// Compiled from the policy (and cached for the next run).
        case compiled
    }

    public var table: Table
    /// The policy files as read, for whoever needs their bytes next (the apply log's policy
    /// hash); nil when they could not all be read and the front end read the path itself.
    public var files: [(path: String, bytes: [UInt8])]?
    public var origin: Origin

    /// What the table depends on besides the policy: the host (nil: this machine,
    /// `hostname`), the state directory, `refresh` (trust no cache), the day and fwctl's version.
    public struct Request {
        public var policyPath: String
        public var host: String?
        public var hostname: String
        public var stateDirectory: String
        public var refresh: Bool
        public var today: CalendarDate
        public var version: String

        public init(policyPath: String, host: String?, hostname: String, stateDirectory: String,
                    refresh: Bool, today: CalendarDate, version: String) {
            (self.policyPath, self.host, self.hostname, self.stateDirectory) = (policyPath, host, hostname, stateDirectory)
            (self.refresh, self.today, self.version) = (refresh, today, version)
        }
    }

    /// Where the front end reads the policy from when it must be compiled.
    public enum PolicySource {
        /// The files as read (their bytes are what is cached), checked as of `today`.
        case files([(path: String, bytes: [UInt8])], today: CalendarDate)
        /// The files could not all be read: the front end reads the path and says what is wrong.
        case path(String)
    }

    /// Reads and checks the policy, showing its diagnostics the caller's way; the fleet, or
    /// a throw when the policy has errors.
    public typealias FrontEnd = (PolicySource) throws -> Fleet

    /// `host`'s table compiled from `fleet`, and what it depends on of the fleet's
    /// memberships (for `TablePatch`); the fleet's host addresses are left to the cache's
    /// save, off the critical path (`Compiler.hostAddresses(of:)`).
    public static func compile(_ fleet: Fleet, host: String?, hostname: String) throws -> (table: Table, dependencies: TableDependencies) {
        try Compiler(fleet: fleet).compileWithDependencies(host: fleet.chosenHost(host, hostname: hostname), hostAddresses: false)
    }
}
