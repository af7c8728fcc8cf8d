import FwctlEvaluator
import FwctlNet
import FwctlRuleset

/// Random small chains and packets over a narrow space, so random packets hit rule edges.
package struct RandomChains {
    package var rng: SeededGenerator

    package init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    package mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    package mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    package mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }

    package static let v4Base: UInt32 = 0x0A00_0000          // 10.0.0.0
    package static let v6Base: UInt128 = 0x2001_0db8 << 96   // 2001:db8::
    package static let protos: [UInt8] = [0, 1, 6, 17, 47, 58, 112, 132]

    package mutating func address(_ family: IPFamily) -> IPAddress {
        let off = int(72)   // a bit past the /26 rules use, so "outside" addresses occur
        return family == .v4 ? .v4(Self.v4Base + UInt32(off)) : .v6(Self.v6Base + UInt128(off))
    }

    package mutating func range(_ family: IPFamily) -> AddressRange {
        switch int(10) {
        case 0: return AddressRange(prefix: family.unspecified, length: 0)!
        case 1, 2:
            let a = address(family), b = address(family)
            return AddressRange(lower: min(a, b), upper: max(a, b))
        default:
            return AddressRange(prefix: address(family), length: (family == .v4 ? 32 : 128) - int(6))!
        }
    }

    package mutating func ports() -> [PortRange] {
        (0...int(2)).map { _ in
            if chance(10) { return PortRange(65500, 65535) }
            let a = UInt16(int(40)), b = UInt16(int(40))
            return chance(50) ? PortRange(a) : PortRange(min(a, b), max(a, b))
        }
    }

    package mutating func sets() -> [NamedSet] {
        IPFamily.allCases.flatMap { f in
            (0..<2).map { i in
                NamedSet(name: "s\(i)_\(f)", keyType: f == .v4 ? .ipv4Addr : .ipv6Addr,
                         elements: (0..<int(4)).map { _ in .address(range(f)) })
            }
        }
    }

    package mutating func expression(peer: AddressField) -> Expression {
        let family: IPFamily = chance(60) ? .v4 : .v6
        switch int(100) {
        case 0..<30:
            let m: AddressMatch
            switch int(3) {
            case 0: m = .range(range(family))
            case 1: m = .anonymousSet((0...int(3)).map { _ in range(family) })
            default: m = .set("s\(int(2))_\(family)")
            }
            let field = chance(95) ? peer : (peer == .saddr ? .daddr : .saddr)
            return .address(family: family, field: field, match: m)
        case 30..<55:
            let ps = ports()
            return .port(proto: pick(PortProtocol.allCases), field: chance(95) ? .dport : .sport,
                         match: ps.count == 1 ? .range(ps[0]) : .anonymousSet(ps))
        case 55..<65: return .l4proto(pick(Self.protos))
        case 65..<70: return .nfproto(family)
        case 70..<80: return .icmpType(family: family, types: (0...int(2)).map { _ in UInt8(int(12)) })
        case 80..<88: return .ctState(pick([[.new], [.new, .established], [.established, .related], [.invalid]]))
        case 88..<91: return .interface(direction: peer == .saddr ? .iif : .oif, name: chance(60) ? "lo" : "eth0")
        case 91..<95: return .limit(rate: 5, per: .second, burst: 5)
        case 95..<98: return .counter(packets: 0, bytes: 0)
        case 98: return .log(prefix: nil, level: nil)
        default: return .unknown("meta mark 0x1")
        }
    }

    package mutating func rule(peer: AddressField) -> Rule {
        var es = (0..<int(4)).map { _ in expression(peer: peer) }
        switch int(20) {
        case 0: break                                  // no verdict: counts or logs only
        case 1: es.append(.verdict(.jump("other")))
        default: es.append(.verdict(chance(55) ? .accept : .drop))
        }
        return Rule(es)
    }

    package mutating func table(peer: AddressField) -> Table {
        let rules = (0..<int(12) + 1).map { _ in rule(peer: peer) }
        let chain = Chain(name: "c", hook: BaseChainHook(hook: peer == .saddr ? .input : .output, policy: chance(70) ? .drop : .accept), rules: rules)
        return Table(name: "fwctl", sets: sets(), chains: [chain])
    }

    package mutating func packet(peer: AddressField) -> Packet {
        let family: IPFamily = chance(60) ? .v4 : .v6
        let proto = chance(85) ? pick(Self.protos) : UInt8(int(256))
        let port: UInt16? = hasPorts(proto) ? (chance(90) ? UInt16(int(45)) : UInt16(65490 + int(46))) : nil
        let type: UInt8? = proto == family.icmpProtocol ? (chance(90) ? UInt8(int(14)) : UInt8(int(256))) : nil
        let a = address(family), local = family == .v4 ? IPAddress.v4(0xC000_0264) : .v6(Self.v6Base + 0xffff)
        return Packet(family: family, source: peer == .saddr ? a : local, destination: peer == .saddr ? local : a,
                      proto: proto, port: port, icmpType: type)
    }
}
