import FwctlRuleset

/// Base chains of other tables (Docker's, Podman's, a hand-written `inet filter`) that share
/// a hook with what fwctl enforces: fwctl never touches them, but the user must know they
/// are there.
///
/// On a hook fwctl's table uses, their drops apply too (a drop anywhere is final). Prerouting
/// and forward matter even when fwctl's table has no chain there: a DNAT in prerouting sends
/// connections to a published container port through the forward hook, past fwctl's input
/// chain, so they obey fwctl's policy only with `defaults { forward = policy }`.
public struct OtherBaseChain: Hashable, Sendable {
    public var family: TableFamily
    public var table: String
    public var chain: String
    public var hook: Hook
    public var priority: Int32
    public var policy: ChainPolicy

    public init(family: TableFamily, table: String, chain: String, hook: Hook, priority: Int32, policy: ChainPolicy) {
        self.family = family
        self.table = table
        self.chain = chain
        self.hook = hook
        self.priority = priority
        self.policy = policy
    }

    /// One warning per chain of `others` on a hook that matters for `desired` (see above).
    public static func warnings(for desired: Table, others: [OtherBaseChain]) -> [String] {
        let hooks = Set(desired.chains.compactMap { $0.hook?.hook })
        let forwardManaged = desired.chains.contains { $0.hook?.hook == .forward }
        return others.compactMap { c in
            let head = "table \(c.family.rawValue) \(c.table) has base chain \(c.chain) on hook \(c.hook.rawValue) (priority \(c.priority), policy \(c.policy.rawValue)): "
            switch c.hook {
            case .prerouting:
                return head + (forwardManaged
                    ? "connections it redirects (DNAT) meet fwctl's forward chain, not its input chain; fwctl leaves it alone"
                    : "connections it redirects (DNAT, published container ports) are forwarded past fwctl's input chain, which fwctl does not filter (defaults { forward = policy } does); fwctl leaves it alone")
            case .forward where !forwardManaged:
                return head + "fwctl does not filter forwarded traffic (defaults { forward = policy } does); fwctl leaves it alone"
            default:
                return hooks.contains(c.hook) ? head + "its drops apply too; fwctl leaves it alone" : nil
            }
        }
    }
}
