import Foundation
import Testing
import FwctlNet
@testable import FwctlPolicy

/// The bundled policies are the reference for the syntax: they must check clean.
@Suite struct BundledPolicyTests {
    @Test(arguments: Here.bundledPolicies)
    func checksWithoutErrors(name: String) throws {
        let r = try PolicyFrontEnd.load(path: Here.policies.appendingPathComponent(name).path, today: Here.today)
        let rendered = DiagnosticRenderer(files: r.files, color: false).render(r.diagnostics)
        #expect(r.fleet != nil, "\(name):\n\(rendered)")
        #expect(r.diagnostics.isEmpty, "\(name):\n\(rendered)")
    }

    @Test func directoryOfPoliciesIsOnePolicyInNameOrder() throws {
        // The three bundled files define clashing names (internet, https...) when read together:
        // separate fleets, said once per pair of files.
        let r = try PolicyFrontEnd.load(path: Here.policies.path, today: Here.today)
        #expect(r.files.map { $0.path.lastComponent } == Here.bundledPolicies)
        #expect(r.hasErrors)
        #expect(r.diagnostics.contains { $0.id == "E-separate-fleets" && $0.message.contains("(network 'internet',") })
    }

    @Test func scaleUpFleet() throws {
        let r = try PolicyFrontEnd.load(path: Here.policies.appendingPathComponent("scale-up.policy").path, today: Here.today)
        let fleet = try #require(r.fleet)
        #expect(fleet.roles.map(\.name) == ["lb", "web", "app", "db", "monitor"])
        #expect(fleet.hosts.map(\.name) == ["lb-01", "lb-02", "web-01", "web-02", "app-01", "db-primary", "db-replica", "mon-01"])
        #expect(fleet.flows.count == 10)
        #expect(fleet.flows[0].text == "allow internet -> lb : http, https")
        #expect(fleet.flows[0].range.start.line == 30)
        #expect(fleet.flows[0].metadata == FlowMetadata(owner: "edge-team", justification: "public web entry point", reviewBy: CalendarDate(year: 2027, month: 6, day: 30)))
        #expect(fleet.flows[0].sources == [.network("internet")])
        #expect(fleet.service(named: "vrrp")?.atoms == [.proto(112)])
        #expect(fleet.service(named: "dns")?.atoms == [.ports(.udp, [PortRange(53)]), .ports(.tcp, [PortRange(53)])])
        #expect(fleet.tests.count == 3)
        #expect(fleet.tests[0].expectations.map(\.kind) == [.allow, .deny, .only])
        #expect(fleet.tests[0].expectations[1].destinations == [.role("web"), .role("app"), .role("db")])
        #expect(fleet.network(named: "internet")?.addresses == AddressSet.everything)
    }

    @Test func stackedFleet() throws {
        let r = try PolicyFrontEnd.load(path: Here.policies.appendingPathComponent("stacked.policy").path, today: Here.today)
        let fleet = try #require(r.fleet)
        #expect(fleet.hosts.map(\.name) == ["s1", "s2", "s3", "jump"])
        #expect(fleet.host(named: "s1")?.roles == ["web", "app", "db"])
        #expect(fleet.host(named: "s3")?.roles == ["web", "app"])
        #expect(fleet.defaults.logRate == Rate(5, per: .minute))
        #expect(fleet.defaults.echoRate == Rate(2, per: .second))
        #expect(fleet.service(named: "ping")?.atoms == [.icmp(types: [8]), .icmpv6(types: [128])])
        #expect(fleet.service(named: "diameter")?.atoms == [.ports(.sctp, [PortRange(3868)])])
        let batch = try #require(fleet.flows.first { $0.text.hasPrefix("allow 192.0.2.200") })
        #expect(batch.text == "allow 192.0.2.200, 2001:db8:10::200 -> s3 : tcp/9090")
        #expect(batch.destinations == [.host("s3")])
        #expect(batch.services == [ServiceRef(name: "tcp/9090", isInline: true, atoms: [.ports(.tcp, [PortRange(9090)])])])
        #expect(fleet.flows.filter { $0.action == .deny }.count == 2)
    }
}

extension String {
    /// The file name of a path.
    var lastComponent: String { split(separator: "/").last.map(String.init) ?? self }
}

/// The same policy saved by other editors: CRLF line ends, a byte-order mark.
@Suite struct EncodingVariantTests {
    @Test(arguments: Here.bundledPolicies)
    func crlfAndBOMCheckTheSame(name: String) throws {
        let text = try String(contentsOf: Here.policies.appendingPathComponent(name), encoding: .utf8)
        let plain = PolicyFrontEnd.check(files: [SourceFile(path: name, text: text)], today: Here.today)
        for variant in [text.replacingOccurrences(of: "\n", with: "\r\n"), "\u{FEFF}" + text] {
            let r = PolicyFrontEnd.check(files: [SourceFile(path: name, text: variant)], today: Here.today)
            #expect(r.diagnostics.isEmpty)
            let a = try #require(plain.fleet), b = try #require(r.fleet)
            #expect(a.flows.map(\.text) == b.flows.map(\.text))
            #expect(a.flows.map(\.range.start.line) == b.flows.map(\.range.start.line))
            #expect(a.hosts.map(\.addresses) == b.hosts.map(\.addresses))
        }
    }
}
