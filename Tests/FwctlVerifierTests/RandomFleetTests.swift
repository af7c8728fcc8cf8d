import FwctlCompiler
import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlVerifier

/// The matrix of random small fleets (compiled by the compiler) against the brute-force one.
@Suite struct RandomFleetTests {
    @Test(arguments: 1...12)
    func matrixAgreesWithBruteForce(seed: Int) {
        var gen = RandomChains(seed: UInt64(seed) &* 7919)
        let fleet = Self.fleet(&gen)
        let rulesets = Dictionary(uniqueKeysWithValues: Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) })
        let model = FleetModel(fleet: fleet, rulesets: rulesets)
        let got = Reachability.matrix(model, fleet: fleet).entries.map(BruteMatrix.line).sorted()
        let expected = BruteMatrix.lines(fleet: fleet, model: model).sorted()
        #expect(got == expected, "only in matrix: \(Set(got).subtracting(expected)); only brute: \(Set(expected).subtracting(got))")
        #expect(!expected.isEmpty)
    }

    static func fleet(_ gen: inout RandomChains) -> Fleet {
        let at = TestFleet.at(1)
        var hosts: [Host] = []
        var roles = [[String]](repeating: [], count: 3)
        for i in 0..<(5 + gen.int(3)) {
            var a = AddressSet()
            if gen.int(10) == 0 { a.insert(B.range("192.0.2.\(100 + 4 * i)/30")) }
            else if gen.int(10) > 0 { a.insert(B.range("192.0.2.\(10 + i)")) }
            if gen.chance(70) || a.isEmpty { a.insert(B.range("2001:db8::\(10 + i)")) }
            var mine = [gen.int(3)]
            if gen.chance(25) { mine.append(gen.int(3)) }
            mine = Array(Set(mine)).sorted()
            for r in mine { roles[r].append("h\(i)") }
            hosts.append(Host(name: "h\(i)", addresses: a, roles: mine.map { "r\($0)" }, range: at))
        }
        for r in 0..<3 where roles[r].isEmpty { roles[r].append("h0") }
        let services = [
            Service(name: "web", atoms: [.ports(.tcp, [PortRange(20 + UInt16(gen.int(3)), 24 + UInt16(gen.int(6)))])], range: at),
            Service(name: "dns", atoms: [.ports(.udp, [PortRange(53)]), .ports(.tcp, [PortRange(53)])], range: at),
            Service(name: "ping", atoms: [.icmp(types: [8]), .icmpv6(types: [128])], range: at),
            Service(name: "vrrp", atoms: [.proto(112)], range: at),
        ]
        func endpoint() -> Endpoint {
            switch gen.int(10) {
            case 0, 1, 2, 3: return .role("r\(gen.int(3))")
            case 4, 5: return .host("h\(gen.int(hosts.count))")
            case 6: return .network("net0")
            case 7: return .network("internet")
            case 8: return .fleet
            default: return .addresses(B.range("198.51.100.7").map(), text: "198.51.100.7")
            }
        }
        var flows: [Flow] = []
        for line in 0..<(6 + gen.int(5)) {
            var refs = [services[gen.int(4)]].map { ServiceRef(name: $0.name, isInline: false, atoms: $0.atoms) }
            if gen.chance(30) {
                let lo = UInt16(22 + gen.int(4))
                refs.append(ServiceRef(name: "tcp/\(lo)-\(lo + 3)", isInline: true, atoms: [.ports(.tcp, [PortRange(lo, lo + 3)])]))
            }
            flows.append(Flow(action: gen.chance(75) ? .allow : .deny, sources: [endpoint()], destinations: [endpoint()],
                              services: refs, range: TestFleet.at(100 + line), text: "flow \(line)"))
        }
        var defaults = Defaults()
        defaults.egressFiltering = gen.chance(70)
        defaults.echoRequest = gen.chance(50)
        return Fleet(networks: [Network(name: "net0", addresses: TestFleet.addrs("198.51.100.0/24", "2001:db8:1::/48"), range: at),
                                Network(name: "internet", addresses: TestFleet.addrs("0.0.0.0/0", "::/0"), range: at)],
                     services: services, roles: (0..<3).map { Role(name: "r\($0)", hosts: roles[$0], range: at) },
                     hosts: hosts, flows: flows, defaults: defaults)
    }
}

extension AddressRange {
    func map() -> AddressSet {
        var s = AddressSet()
        s.insert(self)
        return s
    }
}
