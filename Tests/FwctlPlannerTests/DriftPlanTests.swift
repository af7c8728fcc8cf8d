import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
import FwctlRuleset
@testable import FwctlPlanner

/// What the kernel's table holds beyond what fwctl generates is drift the planner removes,
/// in one batch the in-memory kernel accepts; and fwctl plans only for a table it created.
@Suite struct DriftPlanTests {
    static let desired = Fixture.base

    /// A kernel holding `desired` edited by `edit` (as another program would, one commit).
    static func kernel(_ edit: (inout Table) -> Void) -> InMemoryBackend {
        let backend = InMemoryBackend()
        backend.load(desired)
        backend.modify(desired.ref, edit)
        return backend
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let edit: @Sendable (inout Table) -> Void
        let expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "dormant table", edit: { $0.flags = 1 }, expected: ["changeTableFlags 1->0"]),
        Case(name: "named counter and a map", edit: {
            $0.objects = [TableObject(kind: .object(type: 1), name: "c1"), TableObject(kind: .map, name: "m1")]
        }, expected: ["deleteObject map m1", "deleteObject counter c1"]),
        Case(name: "constant set", edit: { $0.sets[0].extras = ["flags constant"] }, expected: [
            "deleteRule input [scale-up.policy:31: allow role_web_v4 port 5432]", "deleteSet role_web_v4 [flags constant]",
            "addSet role_web_v4 192.0.2.10,192.0.2.11", "addRule input [scale-up.policy:31: allow role_web_v4 port 5432] #1 after [fwctl: loopback]",
        ]),
    ]

    @Test(arguments: cases)
    func driftIsPlannedAwayInOneAcceptedBatch(_ c: Case) throws {
        let backend = Self.kernel(c.edit)
        let plan = try backend.plan(toward: Self.desired)
        #expect(Fixture.describe(plan, current: backend.tables.first) == c.expected)
        _ = try backend.apply(plan)
        let after = try #require(backend.tables.first)
        #expect(after.sameContent(as: Self.desired))
        #expect(try backend.plan(toward: Self.desired).isEmpty)
    }

    /// The trap of issue 9: elements cannot be added to a `constant` set a rule uses (EBUSY)
    /// nor past a set's `size` (ENFILE). The fake refuses both as the kernel does, and the planner no
    /// longer asks for either: it re-creates the set.
    @Test func constantOrFullSetIsRecreatedNotChangedInPlace() throws {
        var grown = Self.desired
        grown.sets[0].elements.append(Fixture.v4("192.0.2.12"))
        for extra in ["flags constant", "size 2"] {
            let backend = Self.kernel { $0.sets[0].extras = [extra] }
            let inPlace = Plan(table: grown.ref, generation: backend.generation, changes: [
                .addElements(set: "role_web_v4", keyType: .ipv4Addr, elements: [Fixture.v4("192.0.2.12")]),
            ])
            #expect(throws: BackendError.rejected(changeIndex: 0, errno: extra == "size 2" ? ENFILE : EBUSY,
                                                  reason: extra == "size 2" ? "set role_web_v4 is full (size 2)"
                                                    : "set role_web_v4 is constant and used by rule 7 of chain input")) {
                try backend.apply(inPlace)
            }
            _ = try backend.apply(try backend.plan(toward: grown))
            #expect(try backend.plan(toward: grown).isEmpty)
        }
    }

    @Test func aTableFwctlDidNotCreateIsRefused() throws {
        let backend = InMemoryBackend()
        var foreign = Self.desired
        foreign.comment = nil
        backend.load(foreign)
        let generation = backend.generation
        #expect(throws: ForeignTableError(table: Self.desired.ref, comment: nil)) { try backend.plan(toward: Self.desired) }
        #expect(backend.generation == generation)
        let text = "\(ForeignTableError(table: TableRef(name: "filter"), comment: "admin"))"
        #expect(text.contains("table inet filter exists but fwctl did not create it (its comment is \"admin\""))
        #expect(text.contains("nothing was changed") && text.contains("defaults { table = NAME }") && text.contains("nft delete table inet filter"))
    }

    @Test func aTableFwctlCreatesCarriesItsMark() throws {
        let backend = InMemoryBackend()
        _ = try backend.apply(try backend.plan(toward: Self.desired))
        #expect(backend.tables.first?.comment == Table.ownershipComment)
        #expect(try backend.plan(toward: Self.desired).isEmpty)
    }

    @Test func newChangesRoundTripThroughThePlanFormatAndRenderTerraformStyle() throws {
        let plan = Plan(table: Self.desired.ref, generation: 7, changes: [
            .changeTableFlags(from: 1, to: 0),
            .deleteObject(TableObject(kind: .object(type: 3), name: "h1")),
            .deleteObject(TableObject(kind: .object(type: 77), name: "x")),
            .deleteObject(TableObject(kind: .flowtable, name: "ft")),
            .deleteSet(name: "role_web_v4", drift: ["flags constant", "size 5"]),
            .addSet(Self.desired.sets[0]),
        ])
        let data = try JSONEncoder().encode(plan)
        #expect(try JSONDecoder().decode(Plan.self, from: data) == plan)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains(#"{"kind":"ct helper","name":"h1"}"#) || json.contains(#""kind":"ct helper""#), "\(json)")
        #expect(!json.contains("extras"))
        let text = PlanRenderer().render(plan)
        for line in ["~ table inet fwctl: flags dormant -> (none)", "- ct helper h1", "- object type 77 x", "- flowtable ft",
                     "-/+ set role_web_v4: recreated without flags constant, size 5 (type ipv4_addr"] {
            #expect(text.contains(line), "\(text)")
        }
    }

    /// A table saved before flags, comment and objects existed (a pending confirmation's
    /// previous table) still decodes; a table with them round-trips.
    @Test func tablesDecodeWithoutTheNewFieldsAndRoundTripWithThem() throws {
        let old = #"{"family":"inet","name":"fwctl","sets":[],"chains":[],"handle":3}"#
        let decoded = try JSONDecoder().decode(Table.self, from: Data(old.utf8))
        #expect(decoded == Table(name: "fwctl", handle: 3))
        var full = Self.desired
        full.flags = 1
        full.objects = [TableObject(kind: .object(type: 2), name: "q1"), TableObject(kind: .map, name: "m1")]
        full.sets[0].extras = ["flags constant"]
        #expect(try JSONDecoder().decode(Table.self, from: JSONEncoder().encode(full)) == full)
    }
}
