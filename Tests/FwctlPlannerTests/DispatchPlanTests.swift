import FwctlSystem
import Testing
import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
@testable import FwctlPlanner

/// Plans around dispatch maps on the in-memory kernel, which refuses, as nf_tables does, to
/// delete a chain a map element still jumps to.
@Suite struct DispatchPlanTests {
    static let desired: Table = {
        let source = """
        role web { host web-01 = 192.0.2.21 }
        role lb { host lb-01 = 192.0.2.10 }
        allow lb -> web : tcp/80, tcp/443
        """
        let file = try! PolicyFrontEnd.sourceFile(path: "t.policy", bytes: Array(source.utf8))
        let fleet = PolicyFrontEnd.check(files: [file], today: CalendarDate(year: 2026, month: 1, day: 1)).fleet!
        return try! Compiler(fleet: fleet).compile(host: "web-01").tables[0]
    }()

    /// A port chain re-created (here: someone gave it a comment, which the kernel cannot
    /// change in place) while its map element stays the same: the element must leave before
    /// the chain and come back after it.
    @Test func aPortChainReCreatedTakesItsElementOutAndBack() throws {
        let backend = InMemoryBackend()
        _ = try backend.apply(try backend.plan(toward: Self.desired))
        backend.modify(Self.desired.ref) { t in
            t.chains[t.chains.firstIndex { $0.name == "in_tcp_443" }!].comment = "edited by hand"
        }
        let plan = try backend.plan(toward: Self.desired)
        _ = try backend.apply(plan)
        #expect(try #require(try backend.read(table: Self.desired.ref).table).sameContent(as: Self.desired))
        let element = SetElement.dispatch(proto: 6, port: 443, verdict: .jump("in_tcp_443"))
        #expect(plan.changes.contains(.removeElements(set: "in_ports", keyType: .protoService, elements: [element])))
        #expect(plan.changes.contains(.addElements(set: "in_ports", keyType: .protoService, elements: [element])))
        #expect(try backend.plan(toward: Self.desired).isEmpty)
    }

    /// A first load creates the map empty and fills it once its chains exist: the plan shows
    /// the map with its elements where it is added, and counts it as added, not changed.
    @Test func aNewMapIsShownWithItsElements() throws {
        let plan = try InMemoryBackend().plan(toward: Self.desired)
        let text = PlanRenderer().render(plan)
        #expect(text.contains("""
              + map in_ports (type inet_proto . inet_service : verdict, 2 elements)
                  + element tcp . 80 : jump in_tcp_80
                  + element tcp . 443 : jump in_tcp_443
            """), "\(text)")
        #expect(!text.contains("~ map in_ports") && !text.contains("set in_ports"))
        #expect(plan.summary.change == 0, "\(plan.summary)")
        #expect(plan.changes.contains { if case .addElements(set: "in_ports", _, _) = $0 { true } else { false } })
    }
}

/// A table read back after an incremental apply lists new port chains after the kept ones;
/// put in the compiler's order it hashes as the compiled table, as the apply log needs.
@Suite struct CompilerOrderTests {
    static func compiled(_ flows: String) throws -> Table {
        let source = "role web { host web-01 = 192.0.2.21 }\nrole lb { host lb-01 = 192.0.2.10 }\n" + flows
        let file = try PolicyFrontEnd.sourceFile(path: "t.policy", bytes: Array(source.utf8))
        let fleet = try #require(PolicyFrontEnd.check(files: [file], today: CalendarDate(year: 2026, month: 1, day: 1)).fleet)
        return try Compiler(fleet: fleet).compile(host: "web-01").tables[0]
    }

    @Test func aTableReadBackHashesAsCompiled() throws {
        let before = try Self.compiled("allow lb -> web : tcp/443\nallow web -> lb : udp/53\n")
        let after = try Self.compiled("allow lb -> web : tcp/80, tcp/443, udp/53\nallow web -> lb : udp/53, tcp/22\n")
        #expect(after.inCompilerOrder == after, "the compiler prints its own order")
        let backend = InMemoryBackend()
        _ = try backend.apply(try backend.plan(toward: before))
        _ = try backend.apply(try backend.plan(toward: after))
        let read = try #require(try backend.read(table: after.ref).table)
        #expect(read.chains.map(\.name) != after.chains.map(\.name), "the kernel's creation order differs")
        #expect(NftText.utf8(Ruleset(tables: [read.withoutKernelState.inCompilerOrder])) == NftText.utf8(Ruleset(tables: [after])))
    }
}
