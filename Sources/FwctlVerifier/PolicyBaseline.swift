import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// What every fwctl host admits whatever the policy says, and `fwctl verify` therefore expects
/// (docs/CLI.md, "fwctl verify"). Written from the design, not read from the compiler: if the
/// compiler stops adding one of these, or adds another, verify reports it.
///
/// - ICMP destination-unreachable, time-exceeded and parameter-problem (3, 11, 12), which path
///   MTU discovery and error reporting need, both ways;
/// - ICMPv6 errors (1-4) and neighbour discovery (133-136) both ways, and on output the
///   multicast listener reports (131, 143) the host sends, without which IPv6 does not work;
/// - on input, when `defaults { echo-request }` is on, ICMP and ICMPv6 echo-request (8, 128)
///   up to the policy's rate: reported as accepted up to a rate, or plainly accepted when an
///   `allow` also admits them.
///
/// Established/related (accepted), invalid (dropped) and loopback (accepted) packets are not
/// NEW non-loopback packets: the conntrack check covers the first two, loopback is out of scope.
public enum PolicyBaseline {
    public static let icmp: [UInt8] = [3, 11, 12]
    public static let icmpv6: [UInt8] = [1, 2, 3, 4, 133, 134, 135, 136]
    public static let icmpv6Output: [UInt8] = [131, 143]
    public static let echoRequest: (v4: UInt8, v6: UInt8) = (8, 128)

    /// The baseline as rules of an intent chain, each with the text naming it.
    static func rules(direction: PolicyIntent.Direction, defaults: Defaults) -> [(Rule, String)] {
        let v6 = direction == .output ? (icmpv6 + icmpv6Output).sorted() : icmpv6
        var out: [(Rule, String)] = [
            (Rule([.icmpType(family: .v4, types: icmp), .verdict(.accept)]), "baseline: essential ICMP"),
            (Rule([.icmpType(family: .v6, types: v6), .verdict(.accept)]), "baseline: essential ICMPv6 and neighbour discovery"),
        ]
        if direction == .input && defaults.echoRequest {
            let rate = defaults.echoRate
            let limit = Expression.limit(rate: rate.count, per: unit(rate.per), burst: 5)
            let text = "baseline: echo-request up to \(rate)"
            out.append((Rule([.icmpType(family: .v4, types: [echoRequest.v4]), limit, .verdict(.accept)]), text))
            out.append((Rule([.icmpType(family: .v6, types: [echoRequest.v6]), limit, .verdict(.accept)]), text))
        }
        return out
    }

    private static func unit(_ u: Rate.Unit) -> LimitUnit {
        switch u {
        case .second: .second
        case .minute: .minute
        case .hour: .hour
        case .day: .day
        }
    }
}
