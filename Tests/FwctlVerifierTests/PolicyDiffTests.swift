import Foundation
import FwctlPolicy
import Testing
@testable import FwctlVerifier

/// `PolicyDiff` between small policies written here: which rows appear, with which lines.
@Suite struct PolicyDiffTests {
    static let base = PolicyText.webAndDatabase

    static func flows(_ text: String, file: String) throws -> PolicyFlows {
        let fleet = try PolicyText.fleet(text, file: file)
        return PolicyFlows(fleet: fleet, model: PolicyText.model(fleet))
    }

    static func diff(_ old: String, _ new: String) throws -> [String] {
        PolicyDiff(old: try flows(old, file: "old.policy"), new: try flows(new, file: "new.policy")).rows.map(\.text)
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var old: String
        var new: String
        var rows: [String]
    }

    static let cases: [Case] = [
        Case(description: "same policy", old: base, new: base, rows: []),
        Case(description: "comments and order do not matter", old: base,
             new: base.replacingOccurrences(of: "allow web -> db : pg", with: "allow web -> db : tcp/5432   # the same"), rows: []),
        Case(description: "a flow added", old: base, new: base + "allow db -> web : tcp/8080\n",
             rows: ["+ db -> web : tcp/8080   (new.policy:8: allow db -> web : tcp/8080)"]),
        Case(description: "a flow removed", old: base + "allow db -> web : tcp/8080\n", new: base,
             rows: ["- db -> web : tcp/8080   (old.policy:8: allow db -> web : tcp/8080)"]),
        Case(description: "a port range narrowed", old: base.replacingOccurrences(of: "tcp/5432", with: "tcp/5432-5440"), new: base,
             rows: ["- web -> db : tcp/5433-5440   (old.policy:7: allow web -> db : pg)"]),
        Case(description: "a deny carves a hole", old: base, new: base + "deny web -> db : tcp/5432\n",
             rows: ["- web -> db : tcp/5432   (old.policy:7: allow web -> db : pg)"]),
        Case(description: "any between two roles is one row", old: base, new: base + "allow db -> web : any\n",
             rows: ["+ db -> web : any   (new.policy:8: allow db -> web : any)"]),
        Case(description: "and its removal too", old: base + "allow db -> web : any\n", new: base,
             rows: ["- db -> web : any   (old.policy:8: allow db -> web : any)"]),
        Case(description: "a protocol without ports", old: base, new: base + "allow db -> web : proto gre\n",
             rows: ["+ db -> web : proto gre   (new.policy:8: allow db -> web : proto gre)"]),
        Case(description: "a deny of what was never admitted changes nothing", old: base,
             new: base + "deny db -> web : proto gre\nallow db -> web : proto esp\n",
             rows: ["+ db -> web : proto esp   (new.policy:9: allow db -> web : proto esp)"]),
        Case(description: "adjacent ports of different lines are rows of their own", old: base,
             new: base + "allow web -> db : tcp/5433\nallow web -> db : tcp/5434-5435\n",
             rows: ["+ web -> db : tcp/5433   (new.policy:8: allow web -> db : tcp/5433)",
                    "+ web -> db : tcp/5434-5435   (new.policy:9: allow web -> db : tcp/5434-5435)"]),
        Case(description: "and removed ones too, split where the lines change", old: base + "allow web -> db : tcp/5430-5431\nallow web -> db : tcp/5433\n",
             new: base, rows: ["- web -> db : tcp/5430-5431   (old.policy:8: allow web -> db : tcp/5430-5431)",
                               "- web -> db : tcp/5433   (old.policy:9: allow web -> db : tcp/5433)"]),
        Case(description: "a new role", old: base, new: base + "role cache { host c1 = 192.0.2.3 }\nallow web -> cache : tcp/6379\n",
             rows: ["+ web -> cache : tcp/6379   (new.policy:9: allow web -> cache : tcp/6379)"]),
    ]

    @Test(arguments: cases) func rows(_ c: Case) throws {
        let got = try Self.diff(c.old, c.new)
        #expect(got == c.rows, "\(got)")
    }

    /// Identical versions say so: an empty output reads like a diff that did not run.
    @Test func sameAdmissionsSayNoDifferences() throws {
        let d = PolicyDiff(old: try Self.flows(Self.base, file: "old.policy"), new: try Self.flows(Self.base, file: "new.policy"))
        #expect(d.isEmpty)
        #expect(d.text() == "no differences\n")
        #expect(PolicyDiff.none.text() == "no differences\n")
    }

    @Test func jsonCountsRows() throws {
        let d = PolicyDiff(old: try Self.flows(Self.base, file: "old.policy"),
                           new: try Self.flows(Self.base + "allow db -> web : tcp/8080\n", file: "new.policy"))
        let o = try JSONSerialization.jsonObject(with: Data(d.json().utf8)) as? [String: Any]
        #expect(o?["added"] as? Int == 1)
        #expect(o?["removed"] as? Int == 0)
    }
}
