import Foundation
import FwctlSystem
import Testing
import FwctlNet
import FwctlRuleset
@testable import FwctlPlanner

@Suite struct PlanCodingTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (String(repeating: "a", count: 1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
    ])
    func sha256KnownAnswers(input: String, hex: String) {
        #expect(SHA256.hex(Array(input.utf8)) == hex)
    }

    static func json(_ value: some Encodable) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    /// The documented shape of each change and anchor, pinned so it changes only on purpose.
    @Test(arguments: [
        (Change.createTable(TableRef(name: "fwctl")), #"{"op":"createTable","table":{"family":"inet","name":"fwctl"}}"#),
        (.deleteSet(name: "role_db_v4"), #"{"op":"deleteSet","set":"role_db_v4"}"#),
        (.changeChainPolicy(chain: "input", from: .accept, to: .drop), #"{"chain":"input","from":"accept","op":"changeChainPolicy","to":"drop"}"#),
        (.deleteChain(name: "web_in"), #"{"chain":"web_in","op":"deleteChain"}"#),
        (.addElements(set: "s", keyType: .inetService, elements: []), #"{"elements":[],"keyType":"inet_service","op":"addElements","set":"s"}"#),
        (.removeElements(set: "s", keyType: .ipv4Addr, elements: []), #"{"elements":[],"keyType":"ipv4_addr","op":"removeElements","set":"s"}"#),
        (.addRule(chain: "input", rule: Rule([]), position: .afterNew(2), id: 3),
         #"{"chain":"input","id":3,"op":"addRule","position":{"id":2,"kind":"afterNew"},"rule":{"expressions":[]}}"#),
        (.addRule(chain: "input", rule: Rule([]), position: .afterHandle(12), id: 1),
         #"{"chain":"input","id":1,"op":"addRule","position":{"handle":12,"kind":"afterHandle"},"rule":{"expressions":[]}}"#),
        (.addRule(chain: "input", rule: Rule([]), position: .top, id: 1),
         #"{"chain":"input","id":1,"op":"addRule","position":{"kind":"top"},"rule":{"expressions":[]}}"#),
        (.deleteRule(chain: "input", handle: 7, rule: Rule([])), #"{"chain":"input","handle":7,"op":"deleteRule","rule":{"expressions":[]}}"#),
        (.replaceRule(chain: "input", handle: 7, from: Rule([], comment: "a"), to: Rule([], comment: "b")),
         #"{"chain":"input","from":{"comment":"a","expressions":[]},"handle":7,"op":"replaceRule","to":{"comment":"b","expressions":[]}}"#),
    ] as [(Change, String)])
    func changeJSONShape(change: Change, expected: String) throws {
        #expect(try Self.json(change) == expected)
        #expect(try JSONDecoder().decode(Change.self, from: Data(expected.utf8)) == change)
    }

    @Test func planJSONHasSummaryAndExplicitNullGeneration() throws {
        let plan = Plan(table: Fixture.ref, generation: nil, changes: [.deleteSet(name: "x")])
        #expect(try Self.json(plan) ==
            #"{"changes":[{"op":"deleteSet","set":"x"}],"generation":null,"summary":{"add":0,"change":0,"remove":1},"table":{"family":"inet","name":"fwctl"}}"#)
    }

    /// Every scenario's plan survives JSON and a plan file unchanged.
    @Test(arguments: PlannerScenarioTests.scenarios)
    func plansRoundTrip(_ s: Scenario) throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        if let drift = s.drift { backend.modify(Fixture.ref, drift) }
        let (current, generation) = try backend.read(table: Fixture.ref)
        let plan = Planner.plan(current: current, desired: s.desired, generation: generation)
        let data = try JSONEncoder().encode(plan)
        #expect(try JSONDecoder().decode(Plan.self, from: data) == plan)

        let file = PlanFile(plan: plan, desired: s.desired, host: "web-01", policySHA256: nil)
        #expect(try PlanFile.decode(file.encoded()) == file)
        #expect(file.matches(desired: s.desired))
    }

    @Test func planFileOnDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-planfile-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("plan.json").path

        let plan = Planner.plan(current: nil, desired: Fixture.base, generation: 9)
        let file = PlanFile(plan: plan, desired: Fixture.base, host: "web-01", policySHA256: String(repeating: "c", count: 64))
        try file.write(to: path)
        let back = try PlanFile.read(from: path)
        #expect(back == file)
        #expect(back.plan.generation == 9 && back.host == "web-01" && back.policySHA256 == file.policySHA256)
        #expect(!back.matches(desired: Fixture.edited { $0.sets[0].elements.removeLast() }))

        #expect(throws: PlanFileError.self) { try PlanFile.read(from: dir.appendingPathComponent("missing.json").path) }
    }

    @Test(arguments: [
        (#"{"formatVersion":1,"desiredSHA256":"","table":{"family":"inet","name":"fwctl"},"generation":1,"changes":[]}"#,
         PlanFileError.unsupportedVersion(1)),
        (#"{"formatVersion":3,"host":"a","desiredSHA256":"","table":{"family":"inet","name":"fwctl"},"generation":1,"changes":[]}"#,
         PlanFileError.unsupportedVersion(3)),
        (#"{"formatVersion":2,"host":"a","table":{"family":"inet","name":"fwctl"},"generation":1,"changes":[]}"#, nil),
        (#"{"formatVersion":2,"desiredSHA256":"","table":{"family":"inet","name":"fwctl"},"generation":1,"changes":[]}"#, nil),
        (#"{"formatVersion":2,"host":"a","desiredSHA256":"","table":{"family":"inet","name":"fwctl"},"changes":[]}"#, nil),
        (#"{"formatVersion":2,"host":"a","desiredSHA256":"","table":{"family":"inet","name":"fwctl"},"generation":null,"changes":[]}"#, nil),
        (#"{"formatVersion":2,"host":"a","desiredSHA256":"","table":{"family":"inet","name":"fwctl"},"generation":1,"changes":[{"op":"explode"}]}"#, nil),
        ("not json", nil),
    ] as [(String, PlanFileError?)])
    func badPlanFilesAreRefused(text: String, expected: PlanFileError?) {
        #expect {
            try PlanFile.decode(Data(text.utf8))
        } throws: { error in
            guard let e = error as? PlanFileError else { return false }
            if let expected { return e == expected }
            if case .malformed = e { return true }
            return false
        }
    }

    @Test func fingerprintIgnoresKernelState() throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        backend.modify(Fixture.ref, commit: false, Fixture.countTraffic)
        let loaded = try #require(try backend.read(table: Fixture.ref).table)
        #expect(PlanFile.fingerprint(of: loaded) == PlanFile.fingerprint(of: Fixture.base))
        #expect(PlanFile.fingerprint(of: Fixture.edited { $0.chains[1].hook?.policy = .drop }) != PlanFile.fingerprint(of: Fixture.base))
    }
}
