import Testing
import FwctlCompiler
import FwctlKernel
import FwctlPolicy
import FwctlRuleset
import FwctlTestSupport
@testable import FwctlPlanner

/// `defaults { dispatch = map }` through netlink: fwctl's own encoding loads, nft lists it as
/// fwctl renders it, fwctl reads back what it compiled, and changes stay minimal: a host
/// added is set elements only, a flow's new port is that flow's own chain, rule and map
/// element.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies plans to nf_tables in a network namespace"))
struct DispatchKernelTests {
    static func table(_ source: String) throws -> Table {
        let file = try PolicyFrontEnd.sourceFile(path: "t.policy", bytes: Array(source.utf8))
        let fleet = try #require(PolicyFrontEnd.check(files: [file], today: CalendarDate(year: 2026, month: 1, day: 1)).fleet)
        return try Compiler(fleet: fleet).compile(host: "web-01").tables[0]
    }

    static func policy(port: Int = 443, extraHost: Bool = false, dispatch: String = "map") -> String {
        """
        defaults { dispatch = \(dispatch) }
        network internet = 0.0.0.0/0, ::/0
        role web { host web-01 = 192.0.2.21, 2001:db8::21 }
        allow lb -> web : tcp/80, tcp/\(port), tcp/8000-8010
        deny internet -> web : tcp/\(port)
        allow internet -> web : udp/53, icmp
        role lb { host lb-01 = 192.0.2.10, 2001:db8::10
          host lb-02 = 192.0.2.11\(extraHost ? "\n  host lb-03 = 192.0.2.12" : "") }
        """
    }

    @Test func appliesReadsBackAndChangesMinimally() throws {
        let ns = try TestNamespace(prefix: "fwctl-dispatch")
        defer { ns.remove() }
        let kernel = try NetlinkBackend(netnsPath: "/run/netns/\(ns.name)")

        func converge(_ table: Table, _ what: String) throws -> Plan {
            let plan = try kernel.plan(toward: table)
            _ = try kernel.apply(plan)
            let read = try #require(try kernel.read(table: table.ref).table)
            #expect(read.sameContent(as: table), "\(what): the kernel does not hold the compiled table")
            // nft lists objects in the order they were created: after a change, compare lines.
            let listed = sortingMapElements(normaliseCounters(try ns.nft(["list", "table", "inet", table.name])))
            let rendered = sortingMapElements(normaliseCounters(NftText.render(table)))
            if what == "first load" { #expect(listed == rendered, "\(what): nft lists\n\(listed)") }
            #expect(listed.split(separator: "\n").sorted() == rendered.split(separator: "\n").sorted(), "\(what): nft lists\n\(listed)")
            #expect(try kernel.plan(toward: table).isEmpty, "\(what): more changes needed")
            return plan
        }

        let base = try Self.table(Self.policy())
        #expect(base.sets.contains { $0.isVerdictMap })
        _ = try converge(base, "first load")

        let grown = try converge(try Self.table(Self.policy(extraHost: true)), "host added")
        #expect(grown.changes.allSatisfy { if case .addElements(let s, _, _) = $0 { s.hasPrefix("role_lb") } else { false } },
                "a host is set elements only: \(grown.changes)")

        let moved = try converge(try Self.table(Self.policy(port: 8443, extraHost: true)), "port changed")
        for change in moved.changes {
            switch change {
            case .addElements(let s, _, let e), .removeElements(let s, _, let e):
                #expect(s == "in_ports" && e.count == 1, "\(change)")
            case .addChain(let c): #expect(c.name == "in_tcp_8443")
            case .deleteChain(let name): #expect(name == "in_tcp_443")
            default: break
            }
        }

        _ = try converge(try Self.table(Self.policy(port: 8443, extraHost: true, dispatch: "rules")), "back to rules")
        _ = try converge(try Self.table(Self.policy(port: 8443, extraHost: true)), "map again")
    }
}
