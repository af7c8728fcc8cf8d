import Foundation
import FwctlAudit
import FwctlPolicy

/// Policies for the audit tests: inline ones, and the bundled ones read by a relative path
/// (`policies/NAME`) so reports and golden files do not depend on where the checkout is.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let golden = root.appendingPathComponent("Tests/Golden/audit")

    /// 2027-04-15T09:30:00Z: after the scale-up ops flows' review date (2027-03-31), before the others'.
    static let now = Date(timeIntervalSince1970: 1_807_781_400)

    struct Loaded {
        var fleet: Fleet
        var files: [SourceFile]
        var builder: AuditReportBuilder { AuditReportBuilder(fleet: fleet, files: files) }
    }

    static func load(_ text: String, path: String = "test.policy") throws -> Loaded {
        let result = PolicyFrontEnd.check(files: [SourceFile(path: path, text: text)], today: CalendarDate(year: 2026, month: 1, day: 1))
        guard let fleet = result.fleet else {
            throw Failure(DiagnosticRenderer(files: result.files, color: false).render(result.diagnostics))
        }
        return Loaded(fleet: fleet, files: result.files)
    }

    static func bundled(_ name: String) throws -> Loaded {
        let text = try String(contentsOf: root.appendingPathComponent("policies/\(name)"), encoding: .utf8)
        return try load(text, path: "policies/\(name)")
    }

    static var bundledNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("policies").path)) ?? [])
            .filter { $0.hasSuffix(".policy") }.sorted()
    }

    /// Three tiers, one statement of each metadata shape, a deny, a role talking to itself.
    static let small = """
        network internet = 0.0.0.0/0
        network admins = 198.51.100.0/28
        service https = tcp/443
        service pg = tcp/5432
        service ssh = tcp/22
        role web { host w1 = 192.0.2.1
                   host w2 = 192.0.2.2 }
        role db  { host d1 = 192.0.2.11
                   host d2 = 192.0.2.12 }
        allow internet -> web : https {
          owner "web-team" because "public site" review 2027-06-30
        }
        allow web -> db : pg {
          owner "db-team" because "queries" review 2027-01-31
        }
        allow db -> db : pg { owner "db-team" }
        allow admins -> * : ssh
        deny 198.51.100.7 -> web : ssh
        test "db only from web" {
          expect allow web -> db : pg
          expect deny internet -> db : any
        }
        """
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
