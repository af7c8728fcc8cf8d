import FwctlCompiler
import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlPolicy
import FwctlRuleset
@testable import FwctlVerifier

/// A small three-tier fleet built in code (independent of the parser), compiled by the compiler.
enum TestFleet {
    static func at(_ line: Int) -> SourceRange {
        SourceRange(file: "t.policy", start: SourcePosition(line: line, column: 1, offset: 0), end: SourcePosition(line: line, column: 2, offset: 1))
    }

    static func addrs(_ list: String...) -> AddressSet {
        var s = AddressSet()
        for text in list { s.insert(B.range(text)) }
        return s
    }

    static let https = Service(name: "https", atoms: [.ports(.tcp, [PortRange(443)])], range: at(1))
    static let app = Service(name: "app", atoms: [.ports(.tcp, [PortRange(8000, 8100)])], range: at(2))
    static let pg = Service(name: "pg", atoms: [.ports(.tcp, [PortRange(5432)])], range: at(3))
    static let ssh = Service(name: "ssh", atoms: [.ports(.tcp, [PortRange(22)])], range: at(4))
    static let ntp = Service(name: "ntp", atoms: [.ports(.udp, [PortRange(123)])], range: at(5))
    static let ping = Service(name: "ping", atoms: [.icmp(types: [8]), .icmpv6(types: [128])], range: at(6))

    static func ref(_ s: Service) -> ServiceRef { ServiceRef(name: s.name, isInline: false, atoms: s.atoms) }

    static func flow(_ action: FlowAction, _ src: [Endpoint], _ dst: [Endpoint], _ svc: ServiceRef, _ line: Int) -> Flow {
        Flow(action: action, sources: src, destinations: dst, services: [svc], range: at(line), text: "\(action) line \(line)")
    }

    static let fleet: Fleet = {
        let hosts = [
            Host(name: "lb-01", addresses: addrs("192.0.2.10", "2001:db8::10"), roles: ["lb"], range: at(10)),
            Host(name: "lb-02", addresses: addrs("192.0.2.11", "2001:db8::11"), roles: ["lb"], range: at(11)),
            Host(name: "web-01", addresses: addrs("192.0.2.21", "2001:db8::21"), roles: ["web"], range: at(12)),
            Host(name: "web-02", addresses: addrs("192.0.2.22"), roles: ["web"], range: at(13)),
            Host(name: "db-01", addresses: addrs("192.0.2.31"), roles: ["db"], range: at(14)),
            Host(name: "db-02", addresses: addrs("192.0.2.32"), roles: ["db"], range: at(15)),
        ]
        let inline = ServiceRef(name: "tcp/9000-9100", isInline: true, atoms: [.ports(.tcp, [PortRange(9000, 9100)])])
        let flows = [
            flow(.allow, [.network("internet")], [.role("lb")], ref(https), 20),
            flow(.allow, [.role("lb")], [.role("web")], ref(app), 21),
            flow(.deny, [.host("web-02")], [.host("db-01")], ref(pg), 22),
            flow(.allow, [.role("web")], [.role("db")], ref(pg), 23),
            flow(.allow, [.role("db")], [.role("db")], ref(pg), 24),
            flow(.allow, [.network("ops")], [.fleet], ref(ssh), 25),
            flow(.allow, [.fleet], [.network("internet")], ref(ntp), 26),
            flow(.allow, [.role("lb")], [.host("web-01")], inline, 27),
        ]
        return Fleet(
            networks: [Network(name: "internet", addresses: addrs("0.0.0.0/0", "::/0"), range: at(30)),
                       Network(name: "ops", addresses: addrs("198.51.100.0/24", "2001:db8:ff::/48"), range: at(31))],
            services: [https, app, pg, ssh, ntp, ping],
            roles: [Role(name: "lb", hosts: ["lb-01", "lb-02"], range: at(10)), Role(name: "web", hosts: ["web-01", "web-02"], range: at(12)),
                    Role(name: "db", hosts: ["db-01", "db-02"], range: at(14))],
            hosts: hosts, flows: flows)
    }()

    static var rulesets: [String: Ruleset] {
        Dictionary(uniqueKeysWithValues: Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) })
    }
}
