/// `defaults { forward = ... }`: what fwctl's table does on the forward hook.
public enum ForwardMode: String, Hashable, Sendable, CaseIterable {
    /// No forward chain: forwarded traffic is left to whatever else filters it.
    case unmanaged
    /// A forward chain that forwards only replies and related traffic.
    case drop
    /// A forward chain that admits NEW forwarded connections the client addressed to this host
    /// (a published container port behind DNAT) only where a flow admits them to the host, and
    /// other forwarded connections as the host's egress flows would (see docs/COMPILER.md).
    case policy
}
