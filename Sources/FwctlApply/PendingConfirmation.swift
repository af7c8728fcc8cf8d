import Foundation
import FwctlPlanner
import FwctlRuleset
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
