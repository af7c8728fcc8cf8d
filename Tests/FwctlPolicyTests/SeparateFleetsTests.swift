import Foundation
import FwctlPolicy
import Testing

/// Several fleets in one directory (`check --policy policies`): one error per pair of files
/// saying so, not a cascade of duplicates and unknown names.
@Suite struct SeparateFleetsTests {
    @Test func bundledDirectoryIsReportedAsSeparateFleets() throws {
        let r = try PolicyFrontEnd.load(path: Here.policies.path, today: Here.today)
        #expect(r.fleet == nil)
        let errors = r.diagnostics.filter { $0.severity == .error }
        #expect(errors.allSatisfy { $0.id == "E-separate-fleets" }, "\(errors.map(\.message))")
        // Every file after the first clashes with at least one before it, at most with all.
        let files = try FileManager.default.contentsOfDirectory(atPath: Here.policies.path).filter { $0.hasSuffix(".policy") }.count
        #expect(files >= 3)
        #expect((files - 1...files * (files - 1) / 2).contains(errors.count), "\(errors.map(\.message))")
        #expect(!r.diagnostics.contains { $0.message.contains("unknown") })
        let first = try #require(errors.first)
        #expect(first.message.contains("they look like separate fleets"), "\(first.message)")
        #expect(first.notes.count == 1)
    }

    /// A host of one name with other addresses in another file (roles of different names)
    /// is a clash of fleets too, not a host conflict inside one fleet.
    @Test func aHostOfAnotherFileWithOtherAddresses() {
        let a = SourceFile(path: "d/a.policy", text: "role dns { host ns1 = 192.0.2.53 }\nallow dns -> dns : tcp/53\n")
        let b = SourceFile(path: "d/b.policy", text: "role resolver { host ns1 = 198.51.100.53 }\nallow resolver -> resolver : udp/53\n")
        let r = PolicyFrontEnd.check(files: [a, b], today: Here.today)
        #expect(r.diagnostics.map { "\($0.range.file):\($0.range.start.line): \($0.id)" } == ["d/b.policy:1: E-separate-fleets"])
        let one = SourceFile(path: "d/a.policy", text: "role dns { host ns1 = 192.0.2.53 }\nrole resolver { host ns1 = 198.51.100.53 }\n")
        #expect(PolicyFrontEnd.check(files: [one], today: Here.today).diagnostics.map(\.id) == ["E-host-conflict"])
    }

    @Test func twoFleetsInTwoFiles() {
        let a = SourceFile(path: "d/a.policy", text: "network internet = 0.0.0.0/0\nrole web { host w1 = 192.0.2.1 }\nallow internet -> web : tcp/443\n")
        let b = SourceFile(path: "d/b.policy", text: "network internet = 0.0.0.0/0\nrole web { host s1 = 192.0.2.9 }\nallow s1 -> internet : tcp/443\n")
        let r = PolicyFrontEnd.check(files: [a, b], today: Here.today)
        #expect(r.diagnostics.map { "\($0.range.file):\($0.range.start.line): \($0.id): \($0.message)" } == [
            "d/b.policy:1: E-separate-fleets: this file and a.policy define the same names (network 'internet', role 'web'): they look like separate fleets",
        ])
        #expect(r.diagnostics.first?.notes.first?.range.file == "d/a.policy")
    }

    /// One fleet whose files both define a service: the duplicate it is, and the rest checked.
    @Test func aServiceDefinedInTwoFilesIsAPlainDuplicate() {
        let a = SourceFile(path: "d/a.policy", text: "service ssh = tcp/22\nrole web { host w1 = 192.0.2.1 }\n")
        let b = SourceFile(path: "d/b.policy", text: "service ssh = tcp/22\nallow w1 -> nosuch : ssh\n")
        let r = PolicyFrontEnd.check(files: [a, b], today: Here.today)
        #expect(r.diagnostics.filter { $0.severity == .error }.map(\.id) == ["E-duplicate", "E-unknown-name"])
    }
}
