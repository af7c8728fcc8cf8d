import FwctlNet
@testable import FwctlRuleset

/// Builders that keep the hand-built rulesets of the tests readable.
enum F {
    /// `10.0.0.0/24`, `10.0.0.1-10.0.0.9`, `2001:db8::1`.
    static func r(_ text: String) -> AddressRange {
        if let slash = text.firstIndex(of: "/") {
            return AddressRange(prefix: IPAddress(text[..<slash])!, length: Int(text[text.index(after: slash)...])!)!
        }
        if let dash = text.firstIndex(of: "-") {
            return AddressRange(lower: IPAddress(text[..<dash])!, upper: IPAddress(text[text.index(after: dash)...])!)
        }
        return AddressRange(IPAddress(text)!)
    }

    static func saddr(_ f: IPFamily, _ text: String) -> Expression { .address(family: f, field: .saddr, match: .range(r(text))) }
    static func daddr(_ f: IPFamily, _ text: String) -> Expression { .address(family: f, field: .daddr, match: .range(r(text))) }
    static func saddrSet(_ f: IPFamily, _ name: String) -> Expression { .address(family: f, field: .saddr, match: .set(name)) }
    static func saddrAnon(_ f: IPFamily, _ texts: [String]) -> Expression {
        .address(family: f, field: .saddr, match: .anonymousSet(texts.map(r)))
    }
    static func dport(_ p: PortProtocol, _ lo: UInt16, _ hi: UInt16? = nil) -> Expression {
        .port(proto: p, field: .dport, match: .range(PortRange(lo, hi ?? lo)))
    }
    static func dports(_ p: PortProtocol, _ ranges: [(UInt16, UInt16)]) -> Expression {
        .port(proto: p, field: .dport, match: .anonymousSet(ranges.map { PortRange($0.0, $0.1) }))
    }
    static let counter = Expression.counter(packets: 0, bytes: 0)
    static let accept = Expression.verdict(.accept)
    static let drop = Expression.verdict(.drop)

    /// `count` IPv4 or IPv6 elements of varied shape: single addresses, prefixes of
    /// different lengths and ranges that are not prefixes, sorted and disjoint.
    static func addressElements(_ family: IPFamily, count: Int) -> [SetElement] {
        (0..<count).map { i in
            let shape = i % 3
            switch family {
            case .v4:
                let base = UInt32(0x0A00_0000) + UInt32(i) << 8   // 10.x.y.0, one /24 per element
                switch shape {
                case 0: return .address(AddressRange(.v4(base + UInt32(i % 200) + 1)))
                case 1: return .address(AddressRange(prefix: .v4(base), length: 24 + i % 5)!)
                default: return .address(AddressRange(lower: .v4(base + 3), upper: .v4(base + 3 + UInt32(i % 90) + 2)))
                }
            case .v6:
                let base = (UInt128(0x2001_0db8) << 96) | (UInt128(i) << 64)
                switch shape {
                case 0: return .address(AddressRange(.v6(base | UInt128(i * 7919 % 65536 + 1))))
                case 1: return .address(AddressRange(prefix: .v6(base), length: 64 + i % 50)!)
                default: return .address(AddressRange(lower: .v6(base | 5), upper: .v6(base | UInt128(6 + i % 1000))))
                }
            }
        }
    }

    static func portElements(count: Int) -> [SetElement] {
        (0..<count).map { (i: Int) -> SetElement in
            let base = UInt16(i * 100)
            return i % 4 == 3 ? .port(PortRange(base, base + 50)) : .port(PortRange(base + 1))
        }
    }
}
