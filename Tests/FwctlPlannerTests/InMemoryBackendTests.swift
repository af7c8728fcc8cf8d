import Testing
#if canImport(Glibc)
import Glibc
#endif
import FwctlNet
import FwctlRuleset
@testable import FwctlPlanner

/// A batch the kernel refuses, the change it refuses and the error number.
struct Refused: CustomTestStringConvertible, Sendable {
    let name: String
    let changes: [Change]
    let index: Int?
    let errno: Int32
    var testDescription: String { name }
}

@Suite struct InMemoryBackendTests {
    static let web = Fixture.allow(from: "role_web_v4", port: 80, line: 90)

    static let refusals: [Refused] = [
        Refused(name: "rule refers to a missing set", changes: [
            .addElements(set: "role_web_v4", keyType: .ipv4Addr, elements: [Fixture.v4("192.0.2.99")]),
            .addRule(chain: "input", rule: Fixture.allow(from: "role_nope_v4", port: 1, line: 1), position: .append, id: 1),
        ], index: 1, errno: ENOENT),
        Refused(name: "rule in a missing chain", changes: [
            .addRule(chain: "nope", rule: web, position: .append, id: 1),
        ], index: 0, errno: ENOENT),
        Refused(name: "v6 lookup in a v4 set", changes: [
            .addRule(chain: "input", rule: Rule([.address(family: .v6, field: .saddr, match: .set("role_web_v4")), .verdict(.accept)]),
                     position: .append, id: 1),
        ], index: 0, errno: EINVAL),
        Refused(name: "jump to a missing chain", changes: [
            .addRule(chain: "input", rule: Rule([.verdict(.jump("nope"))]), position: .append, id: 1),
        ], index: 0, errno: ENOENT),
        Refused(name: "jump to a base chain", changes: [
            .addRule(chain: "input", rule: Rule([.verdict(.jump("output"))]), position: .append, id: 1),
        ], index: 0, errno: EOPNOTSUPP),
        Refused(name: "jump loop", changes: [
            .addRule(chain: "web_in", rule: Rule([.verdict(.jump("web_in"))]), position: .append, id: 1),
        ], index: 0, errno: EMLINK),
        Refused(name: "jump loop through two chains", changes: [
            .addChain(Chain(name: "a")),
            .addRule(chain: "a", rule: Rule([.verdict(.jump("web_in"))]), position: .append, id: 1),
            .addRule(chain: "web_in", rule: Rule([.verdict(.goto("a"))]), position: .top, id: 2),
        ], index: 2, errno: EMLINK),
        Refused(name: "unknown expression", changes: [
            .addRule(chain: "input", rule: Rule([.unknown("meta mark 1")]), position: .append, id: 1),
        ], index: 0, errno: EINVAL),
        Refused(name: "anchor handle missing", changes: [
            .addRule(chain: "input", rule: web, position: .afterHandle(999), id: 1),
        ], index: 0, errno: ENOENT),
        Refused(name: "anchor id of another chain", changes: [
            .addRule(chain: "web_in", rule: Rule([.verdict(.accept)]), position: .append, id: 1),
            .addRule(chain: "input", rule: web, position: .afterNew(1), id: 2),
        ], index: 1, errno: ENOENT),
        Refused(name: "delete missing rule handle", changes: [
            .deleteRule(chain: "input", handle: 999, rule: web),
        ], index: 0, errno: ENOENT),
        Refused(name: "duplicate set", changes: [
            .addSet(NamedSet(name: "role_db_v4", keyType: .ipv4Addr)),
        ], index: 0, errno: EEXIST),
        Refused(name: "duplicate chain", changes: [
            .addChain(Chain(name: "web_in")),
        ], index: 0, errno: EEXIST),
        Refused(name: "duplicate element", changes: [
            .addElements(set: "role_web_v4", keyType: .ipv4Addr, elements: [Fixture.v4("192.0.2.11")]),
        ], index: 0, errno: EEXIST),
        Refused(name: "overlapping interval", changes: [
            .addElements(set: "role_web_v4", keyType: .ipv4Addr,
                         elements: [.address(AddressRange(prefix: IPAddress("192.0.2.0")!, length: 28)!)]),
        ], index: 0, errno: EEXIST),
        Refused(name: "overlap inside one new set", changes: [
            .addSet(NamedSet(name: "s", keyType: .inetService, elements: [.port(PortRange(80, 90)), .port(PortRange(85))])),
        ], index: 0, errno: EEXIST),
        Refused(name: "element of the wrong family", changes: [
            .addElements(set: "role_web_v4", keyType: .ipv4Addr, elements: [Fixture.v6("2001:db8::1")]),
        ], index: 0, errno: EINVAL),
        Refused(name: "remove missing element", changes: [
            .removeElements(set: "role_web_v4", keyType: .ipv4Addr, elements: [Fixture.v4("192.0.2.12")]),
        ], index: 0, errno: ENOENT),
        Refused(name: "delete set in use", changes: [
            .deleteSet(name: "role_db_v4"),
        ], index: 0, errno: EBUSY),
        Refused(name: "delete non-empty chain", changes: [
            .deleteChain(name: "input"),
        ], index: 0, errno: EBUSY),
        Refused(name: "policy on a regular chain", changes: [
            .changeChainPolicy(chain: "web_in", from: .accept, to: .drop),
        ], index: 0, errno: EOPNOTSUPP),
        Refused(name: "create an existing table", changes: [
            .createTable(Fixture.ref),
        ], index: 0, errno: EEXIST),
        // A verdict map's element holds the chain it jumps to as a rule's jump does, and a
        // rule looking the map up holds the map as a set lookup does.
        Refused(name: "delete a chain a map element jumps to", changes: dispatching + [
            .deleteChain(name: "p"),
        ], index: 3, errno: EBUSY),
        Refused(name: "delete a map a rule looks up", changes: dispatching + [
            .addRule(chain: "input", rule: Rule([.dispatch(map: "m")]), position: .append, id: 1),
            .deleteSet(name: "m"),
        ], index: 4, errno: EBUSY),
        Refused(name: "map element jumps to a missing chain", changes: [
            .addSet(map),
            .addElements(set: "m", keyType: .protoService, elements: [.dispatch(proto: 6, port: 443, verdict: .jump("nope"))]),
        ], index: 1, errno: ENOENT),
        Refused(name: "map element jumps to a base chain", changes: [
            .addSet(map),
            .addElements(set: "m", keyType: .protoService, elements: [.dispatch(proto: 6, port: 443, verdict: .jump("output"))]),
        ], index: 1, errno: EOPNOTSUPP),
        Refused(name: "rule looks up a missing map", changes: [
            .addRule(chain: "input", rule: Rule([.dispatch(map: "nope")]), position: .append, id: 1),
        ], index: 0, errno: ENOENT),
        Refused(name: "jump loop through a map", changes: [
            .addSet(map),
            .addRule(chain: "web_in", rule: Rule([.dispatch(map: "m")]), position: .append, id: 1),
            .addElements(set: "m", keyType: .protoService, elements: [.dispatch(proto: 6, port: 443, verdict: .jump("web_in"))]),
        ], index: 2, errno: EMLINK),
    ]

    /// An empty verdict map `m`, as the planner creates one.
    static let map = NamedSet(name: "m", keyType: .protoService, isInterval: false)
    /// A chain `p` and the map `m` with an element jumping to it.
    static let dispatching: [Change] = [
        .addChain(Chain(name: "p")),
        .addSet(map),
        .addElements(set: "m", keyType: .protoService, elements: [.dispatch(proto: 6, port: 443, verdict: .jump("p"))]),
    ]

    @Test(arguments: refusals)
    func refusesAtomically(_ r: Refused) throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        let (before, generation) = try backend.read(table: Fixture.ref)
        let plan = Plan(table: Fixture.ref, generation: generation, changes: r.changes)
        for checkOnly in [true, false] {
            #expect {
                try backend.apply(plan, expectedGeneration: generation, checkOnly: checkOnly)
            } throws: { error in
                guard case BackendError.rejected(let index, let errno, _) = error else { return false }
                return index == r.index && errno == r.errno
            }
        }
        let after = try backend.read(table: Fixture.ref)
        #expect(after.table == before && after.generation == generation)
    }

    @Test func deletingAChainStillJumpedToIsRefused() throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        let current = try #require(try backend.read(table: Fixture.ref).table)
        let https = current.chains[2].rules[0]
        let plan = Plan(table: Fixture.ref, generation: nil, changes: [
            .deleteRule(chain: "web_in", handle: https.handle!, rule: https),
            .deleteChain(name: "web_in"),
        ])
        #expect(throws: BackendError.rejected(changeIndex: 1, errno: EBUSY,
                                              reason: "chain web_in is jumped to by rule \(current.chains[0].rules[4].handle!) of chain input")) {
            try backend.apply(plan, expectedGeneration: backend.generation, checkOnly: false)
        }
    }

    /// The refusal names the element holding the chain, as it names a rule.
    @Test func deletingAChainAMapElementJumpsToIsRefused() throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        let plan = Plan(table: Fixture.ref, generation: nil, changes: Self.dispatching + [.deleteChain(name: "p")])
        #expect(throws: BackendError.rejected(changeIndex: 3, errno: EBUSY, reason: "chain p is jumped to by element tcp . 443 : jump p of map m")) {
            try backend.apply(plan, expectedGeneration: backend.generation, checkOnly: false)
        }
    }

    @Test func staleGenerationIsRefusedAndNothingChanges() throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        let (current, generation) = try backend.read(table: Fixture.ref)
        let plan = Planner.plan(current: current, desired: Fixture.edited { $0.sets[0].elements.removeFirst() }, generation: generation)
        // Someone else changes the table between plan and apply.
        backend.modify(Fixture.ref) { $0.sets[1].elements.append(Fixture.v4("192.0.2.30")) }
        let (changed, now) = try backend.read(table: Fixture.ref)
        #expect(now == generation + 1)
        #expect(throws: BackendError.generationChanged(expected: generation, actual: now)) {
            try backend.apply(plan, expectedGeneration: generation, checkOnly: false)
        }
        #expect(try backend.read(table: Fixture.ref).table == changed)
        #expect(backend.generation == now)
    }

    @Test func checkOnlyValidatesAndChangesNothing() throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        let (current, generation) = try backend.read(table: Fixture.ref)
        let plan = Planner.plan(current: current, desired: Fixture.edited { $0.chains[1].hook?.policy = .drop }, generation: generation)
        #expect(try backend.apply(plan, expectedGeneration: generation, checkOnly: true) == nil)
        #expect(try backend.read(table: Fixture.ref).table == current)
        #expect(try backend.apply(plan, expectedGeneration: generation, checkOnly: false) == generation + 1)
    }

    @Test func otherTablesAreUntouchedAndHandlesCountPerTable() throws {
        let backend = InMemoryBackend()
        let nat = Table(family: .ip, name: "nat", chains: [Chain(name: "postrouting", hook: BaseChainHook(type: .nat, hook: .postrouting, priority: 100, policy: .accept))])
        backend.load(nat)
        let natBefore = try backend.read(table: nat.ref).table
        let plan = Planner.plan(current: nil, desired: Fixture.base, generation: nil)
        _ = try backend.apply(plan, expectedGeneration: backend.generation, checkOnly: false)
        #expect(try backend.read(table: nat.ref).table == natBefore)
        let fwctl = try #require(try backend.read(table: Fixture.ref).table)
        // The new table numbers its own objects from 1: 3 sets, then chains and rules.
        #expect(fwctl.sets.map(\.handle) == [1, 2, 3])
        #expect(fwctl.handle != natBefore?.handle)
        #expect(backend.tables.map(\.name) == ["nat", "fwctl"])
    }

    @Test func emptyPlanCommitsNothing() throws {
        let backend = InMemoryBackend(generation: 41)
        let plan = Plan(table: Fixture.ref, generation: 41, changes: [])
        #expect(try backend.apply(plan, expectedGeneration: 41, checkOnly: false) == 41)
        #expect(backend.generation == 41)
    }
}

@Suite struct LargeSetTests {
    /// The issue's benchmark shape (members spaced so none are adjacent, as the compiler
    /// would merge those): one host joining a 25,000-member role is one element in
    /// one change, and the rules keep their handles.
    @Test func oneHostIntoALargeRoleIsOneElement() throws {
        let members = (0..<25_000).map { SetElement.address(AddressRange(.v4(0x0A00_0000 + UInt32($0) * 4))) }
        let big = Fixture.edited { $0.sets[0].elements = members }
        let backend = InMemoryBackend()
        _ = try backend.apply(try backend.plan(toward: big))
        let grown = Fixture.edited { $0.sets[0].elements = members + [SetElement.address(AddressRange(.v4(0x0A00_0002)))] }
        let plan = try backend.plan(toward: grown)
        #expect(plan.changes == [.addElements(set: "role_web_v4", keyType: .ipv4Addr, elements: [.address(AddressRange(.v4(0x0A00_0002)))])])
        let rulesBefore = try backend.read(table: Fixture.ref).table?.chains.flatMap(\.rules)
        _ = try backend.apply(plan)
        let after = try #require(try backend.read(table: Fixture.ref).table)
        #expect(after.chains.flatMap(\.rules) == rulesBefore)
        #expect(after.sameContent(as: grown))
    }
}

@Suite struct BackendErrorMessageTests {
    @Test(arguments: [
        (Change.addRule(chain: "input", rule: Fixture.allow(from: "role_x_v4", port: 22, line: 31), position: .append, id: 1),
         "cannot add a rule to chain input from scale-up.policy:31: allow role_x_v4 port 22 (ENOENT: rule refers to missing set role_x_v4); nothing was applied"),
        (.deleteSet(name: "role_db_v4"),
         "cannot remove set role_db_v4 (EBUSY: set role_db_v4 is used by rule 8 of chain input); nothing was applied"),
        (.addElements(set: "role_web_v4", keyType: .ipv4Addr, elements: [Fixture.v4("192.0.2.10")]),
         "cannot add element 192.0.2.10 to set role_web_v4 (EEXIST: set role_web_v4 already holds 192.0.2.10); nothing was applied"),
        (.deleteRule(chain: "input", handle: 99, rule: Fixture.deny(from: "role_db_v4", line: 7)),
         "cannot remove rule 99 of chain input from scale-up.policy:7: deny role_db_v4 (ENOENT: chain input has no rule with handle 99); nothing was applied"),
    ] as [(Change, String)])
    func namesTheObjectAndPolicyLine(change: Change, expected: String) throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        let plan = Plan(table: Fixture.ref, generation: backend.generation, changes: [change])
        do {
            _ = try backend.apply(plan)
            Issue.record("the plan was accepted")
        } catch let e as BackendError {
            #expect(e.message(for: plan) == expected)
        }
    }
}
