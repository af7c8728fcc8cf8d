import Foundation
import FwctlAudit
import FwctlNet
import FwctlRuleset
import Testing

/// Schema `fwctl-audit/2` names peers and shares per-class facts; an auditor resolving its
/// references (a class's flows for each host, a role's hosts without the host itself, their
/// addresses from `hosts[]`) must read exactly what schema 1 spells out: which hosts may reach
/// host X on which port, and which statement says so.
@Suite struct AuditSchema2Tests {
    /// Hosts in several roles, one in two, an IPv6-only host, a flow naming a host, literal
    /// addresses, `*`, a deny, a role talking to itself, and a test.
    static let mixed = """
        network internet = 0.0.0.0/0, ::/0
        network ops = 198.51.100.0/28
        service https = tcp/443
        service pg = tcp/5432
        service ssh = tcp/22
        role web { host w1 = 192.0.2.1, 2001:db8::1
                   host w2 = 192.0.2.2, 2001:db8::2
                   host w3 = 192.0.2.3, 2001:db8::3 }
        role db  { host d1 = 192.0.2.11
                   host d2 = 192.0.2.12
                   host d6 = 2001:db8::12 }
        role backup { host d1 = 192.0.2.11 }
        allow internet -> web : https { owner "web" because "site" review 2027-06-30 }
        allow web -> db : pg
        allow db -> db : pg { owner "db-team" }
        allow d1 -> backup, w2 : ssh
        allow ops -> * : ssh
        allow 203.0.113.5, 2001:db8:ee::5 -> db : tcp/9000-9010
        deny 198.51.100.7 -> web : ssh
        test "db" {
          expect allow web -> db : pg
          expect deny internet -> db : any
        }
        """

    static var policies: [(String, Fixtures.Loaded)] {
        get throws {
            try [("mixed", Fixtures.load(mixed)), ("small", Fixtures.load(Fixtures.small))]
                + Fixtures.bundledNames.map { ($0, try Fixtures.bundled($0)) }
        }
    }

    @Test func resolvedReferencesSayWhatSchemaOneSays() throws {
        let live = ["w2": AuditReport.Live(state: .drift, reason: "differs", add: 1, change: 0, remove: 2)]
        for (name, p) in try Self.policies {
            let v1 = try Self.object(AuditJSON.render(p.builder.build(now: Fixtures.now, live: live)))
            var text = ""
            AuditExport(fleet: p.fleet, files: p.files, now: Fixtures.now, live: live).write { text += $0 }
            let v2 = try Self.object(text)
            #expect(v2["schema"] as? String == "fwctl-audit/2" && v1["schema"] as? String == "fwctl-audit/1")
            for key in ["generated_at", "review_date", "policy", "roles", "networks", "tests", "matrix", "diagram"] {
                #expect(Self.same(v1[key], v2[key]), "\(name): \(key)")
            }
            var summary = try #require(v2["summary"] as? [String: Any])
            #expect(summary.removeValue(forKey: "classes") as? Int == (v2["classes"] as? [Any])?.count)
            #expect(Self.same(v1["summary"], summary), "\(name): summary")
            let resolved = try Self.resolve(v2)
            let hosts = try #require(v1["hosts"] as? [[String: Any]])
            #expect(resolved.count == hosts.count, "\(name)")
            for (v1Host, got) in zip(hosts, resolved) {
                var want = v1Host
                if var v = want["verification"] as? [String: Any], (got["verification"] as? [String: Any])?["details"] == nil {
                    v.removeValue(forKey: "details")
                    want["verification"] = v
                }
                #expect(Self.same(want, got), "\(name): host \(want["name"] ?? "?")\n v1: \(want)\n v2: \(got)")
            }
        }
    }

    /// The pieces `write` makes, joined, are the whole value pretty-printed; alike hosts share
    /// a class (scale-up's two load balancers, its two web servers).
    @Test func streamedIsTheWholeValue() throws {
        let live = ["w2": AuditReport.Live(state: .drift, reason: "differs \"here\"", add: 1, change: 0, remove: 2)]
        let last = ["w1": AuditReport.LastApply(time: "2027-04-14T08:00:00.123Z", user: "alice", outcome: "applied",
                                                policySHA256: String(repeating: "ab", count: 32), generation: 7)]
        for (name, p) in try Self.policies {
            let export = AuditExport(fleet: p.fleet, files: p.files, now: Fixtures.now, live: live, lastApply: last)
            var pieces: [String] = []
            export.write { pieces.append($0) }
            #expect(pieces.joined() == FwctlJSON.text(AuditJSON2.value(export)), "\(name)")
            #expect(pieces.count == 2, "\(name): the fleet-level part, then the hosts (a batch: the fleet is small)")
        }
        // 1,200 hosts: several batches, joined exactly.
        var text = "network ops = 198.51.100.0/24\n"
        for r in 0..<12 {
            text += "role r\(r) {\n" + (0..<100).map { "  host h\(r)x\($0) = 10.0.\(r).\($0 + 1)\n" }.joined() + "}\n"
            text += "allow r\(r) -> r\((r + 1) % 12) : tcp/\(1000 + r)\n"
        }
        let big = try Fixtures.load(text + "allow ops -> * : tcp/22\n")
        let bigExport = AuditExport(fleet: big.fleet, files: big.files, now: Fixtures.now)
        var bigPieces: [String] = []
        bigExport.write { bigPieces.append($0) }
        #expect(bigPieces.count > 3 && bigPieces.joined() == FwctlJSON.text(AuditJSON2.value(bigExport)), "\(bigPieces.count) pieces")
        #expect(bigExport.header.classes.count == 12)

        let scaleUp = try Fixtures.bundled("scale-up.policy")
        let export = AuditExport(fleet: scaleUp.fleet, files: scaleUp.files, now: Fixtures.now)
        let classes = Dictionary(grouping: export.hostReports, by: \.classID).mapValues { $0.map(\.name) }
        #expect(classes.values.contains(["lb-01", "lb-02"]) && classes.values.contains(["web-01", "web-02"]), "\(classes)")
        #expect(export.header.classes.count < scaleUp.fleet.hosts.count)
    }

    /// Schema 2's hosts rewritten as schema 1 spells them: the class's table hash, flows and
    /// verification in each host, each peer with its hosts (the host itself left out) and
    /// their addresses (from `hosts[]`, merged into ranges as schema 1 lists them).
    static func resolve(_ doc: [String: Any]) throws -> [[String: Any]] {
        let classes = try #require(doc["classes"] as? [[String: Any]])
        let hosts = try #require(doc["hosts"] as? [[String: Any]])
        let roles = Dictionary(uniqueKeysWithValues: try #require(doc["roles"] as? [[String: Any]]).map { ($0["name"] as! String, $0["hosts"] as! [String]) })
        var addresses: [String: AddressSet] = [:]
        for h in hosts {
            let a = try #require(h["addresses"] as? [String: [String]])
            addresses[h["name"] as! String] = try Self.addressSet((a["ipv4"] ?? []) + (a["ipv6"] ?? []))
        }
        return try hosts.map { h in
            let me = h["name"] as! String
            let c = classes[h["class"] as! Int]
            var out = h
            out.removeValue(forKey: "class")
            out["ruleset_sha256"] = c["ruleset_sha256"]
            var verification = try #require(c["verification"] as? [String: Any])
            // The details' example packets are at the example host's address: compared there.
            if c["example_host"] as? String != me { verification.removeValue(forKey: "details") }
            out["verification"] = verification
            out["flows"] = try (c["flows"] as! [[String: Any]]).map { flow in
                var f = flow
                f["peers"] = try (flow["peers"] as! [[String: Any]]).map { peer in
                    let kind = peer["kind"] as! String, name = peer["name"] as! String
                    let members: [String] = switch kind {
                    case "role": roles[name] ?? []
                    case "host": [name]
                    default: []
                    }
                    let others = members.filter { $0 != me }
                    var p = peer
                    p["hosts"] = others
                    if kind == "role" || kind == "host" {
                        let set = others.reduce(into: AddressSet()) { $0.formUnion(addresses[$1] ?? AddressSet()) }
                        p["addresses"] = set.ranges(.v4).map(\.description) + set.ranges(.v6).map(\.description)
                    }
                    _ = try #require(p["addresses"] as? [String])
                    return p
                }
                return f
            }
            return out
        }
    }

    static func addressSet(_ texts: [String]) throws -> AddressSet {
        var set = AddressSet()
        for t in texts {
            if let slash = t.firstIndex(of: "/") {
                let a = try #require(IPAddress(t[..<slash])), n = try #require(Int(t[t.index(after: slash)...]))
                set.insert(try #require(AddressRange(prefix: a, length: n)))
            } else if let dash = t.firstIndex(of: "-") {
                set.insert(AddressRange(lower: try #require(IPAddress(t[..<dash])), upper: try #require(IPAddress(t[t.index(after: dash)...]))))
            } else {
                let a = try #require(IPAddress(t))
                set.insert(AddressRange(lower: a, upper: a))
            }
        }
        return set
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func same(_ a: Any?, _ b: Any?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return NSDictionary(dictionary: ["v": a]).isEqual(to: ["v": b])
    }
}
