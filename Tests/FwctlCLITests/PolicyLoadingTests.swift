import Foundation
import FwctlCLI
import FwctlPolicy
import Testing

/// Reading and checking a policy as every command does (diagnostics go to standard error).
@Suite struct PolicyLoadingTests {
    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-loading-\(UUID().uuidString).policy").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aCheckedPolicyGivesItsFleet() throws {
        let path = try Self.file("role web { host w1 = 192.0.2.1 }\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (fleet, result) = try PolicyLoading.load(path: path, quietWarnings: true)
        #expect(fleet.hosts.map(\.name) == ["w1"] && !result.hasErrors)
    }

    @Test func aPolicyWithErrorsFailsSilentlyAfterItsDiagnostics() throws {
        let path = try Self.file("role web { host w1 = 192.0.2.1 }\nallow web -> nosuch : tcp/22\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: CLIError.self) { try PolicyLoading.load(path: path) }
        do { _ = try PolicyLoading.load(path: path) } catch let e as CLIError { #expect(e.message.isEmpty) }
    }

    /// The front end's typed error goes up as it is (UsageRules prints it as `fwctl: error: …`).
    @Test func aMissingPolicyIsOneError() {
        do {
            _ = try PolicyLoading.load(path: "/nonexistent/fwctl-test.policy")
            Issue.record("loaded a missing policy")
        } catch let e as PolicyLoadError {
            guard case .unreadable(let path, _) = e else { Issue.record("\(e)"); return }
            #expect(path == "/nonexistent/fwctl-test.policy" && e.description.hasPrefix(path + ": cannot read the policy: "), "\(e)")
        } catch {
            Issue.record("not a PolicyLoadError: \(error)")
        }
    }
}
