import FwctlRuleset

/// fwctl changes only a table it created: one that carries `Table.ownershipComment`, which
/// fwctl writes when it creates its table and the kernel cannot change afterwards (NEWTABLE on
/// an existing table ignores NFTA_TABLE_USERDATA; checked on Linux 6.18). So a policy whose
/// `defaults { table = NAME }` names an administrator's table (Debian's `inet filter`) is
/// refused before anything is planned, instead of planning its chains away.
public enum Ownership {
    /// Throws `ForeignTableError` when `current` exists and fwctl did not create it.
    public static func check(_ current: Table?) throws {
        guard let current, !current.isOwnedByFwctl else { return }
        throw ForeignTableError(table: current.ref, comment: current.comment)
    }
}

/// The table a policy names exists but fwctl did not create it; nothing was changed.
public struct ForeignTableError: Error, Hashable, Sendable, CustomStringConvertible {
    public var table: TableRef
    /// The table's own comment, if it has one.
    public var comment: String?

    public init(table: TableRef, comment: String?) {
        self.table = table
        self.comment = comment
    }

    public var description: String {
        let has = comment.map { "its comment is \"\($0)\"" } ?? "it has no comment"
        return "table \(table) exists but fwctl did not create it (\(has), not \"\(Table.ownershipComment)\"); "
            + "nothing was changed. Choose another table with `defaults { table = NAME }` in the policy, "
            + "or, if the table is yours to replace, delete it first (`nft delete table \(table)`)"
    }
}
