import Testing
import FwctlNet
import FwctlRuleset
@testable import FwctlPlanner

@Suite struct PlanRendererTests {
    /// Rules and elements as nft prints them (NftText).
    static let renderer = PlanRenderer()

    static func rendered(_ desired: Table, drift: ((inout Table) -> Void)? = nil, renderer: PlanRenderer = renderer) throws -> String {
        let backend = InMemoryBackend(generation: 41)
        backend.load(Fixture.base)
        if let drift { backend.modify(Fixture.ref, drift) }
        let (current, generation) = try backend.read(table: Fixture.ref)
        return renderer.render(Planner.plan(current: current, desired: desired, generation: generation))
    }

    @Test(arguments: [
        ("identical", Fixture.base, """
        No changes. The kernel's table matches the policy.

        """),
        ("host added and one renumbered", Fixture.edited {
            $0.sets[0].elements.append(Fixture.v4("192.0.2.23"))
            $0.sets[1].elements = [Fixture.v4("192.0.2.21")]
        }, """
        Plan for table inet fwctl (kernel generation 42).
        Changes are shown with these symbols:
          + add
          ~ change in place
          - remove

          ~ set role_web_v4
              + element 192.0.2.23
          ~ set role_db_v4
              - element 192.0.2.20
              + element 192.0.2.21

        Plan: 0 to add, 2 to change, 0 to remove.

        """),
        ("port changed and policy", Fixture.edited {
            $0.chains[0].rules[2] = Fixture.allow(from: "role_web_v4", port: 5433, line: 31)
            $0.chains[0].hook?.policy = .accept
        }, """
        Plan for table inet fwctl (kernel generation 42).
        Changes are shown with these symbols:
          + add
          ~ change in place
          - remove

          - rule input handle 7: ip saddr @role_web_v4 tcp dport 5432 counter packets 0 bytes 0 accept  # scale-up.policy:31: allow role_web_v4 port 5432
          ~ chain input: policy drop -> accept
          + rule input after handle 6: ip saddr @role_web_v4 tcp dport 5433 counter packets 0 bytes 0 accept  # scale-up.policy:31: allow role_web_v4 port 5433

        Plan: 1 to add, 1 to change, 1 to remove.

        """),
        ("set and chain re-created, rules at the top", Fixture.edited {
            $0.sets[1].isInterval = false
            $0.chains[1].hook?.priority = 10
            $0.chains[0].rules.insert(Fixture.deny(from: "role_web_v4", line: 3), at: 0)
        }, """
        Plan for table inet fwctl (kernel generation 42).
        Changes are shown with these symbols:
          + add
          - remove
          -/+ remove and re-create (the kernel cannot change it in place)

          -/+ set role_db_v4 (type ipv4_addr, 1 element)
              + element 192.0.2.20
          - rule input handle 8: ip saddr @role_db_v4 tcp dport 22 counter packets 0 bytes 0 accept  # scale-up.policy:40: allow role_db_v4 port 22
          + rule input at the top: ip saddr @role_web_v4 counter packets 0 bytes 0 drop  # scale-up.policy:3: deny role_web_v4
          + rule input after handle 7: ip saddr @role_db_v4 tcp dport 22 counter packets 0 bytes 0 accept  # scale-up.policy:40: allow role_db_v4 port 22
          -/+ chain output (type filter hook output priority filter + 10; policy accept;)

        Plan: 4 to add, 0 to change, 3 to remove.

        """),
    ] as [(String, Table, String)])
    func rendersLikeTerraform(name: String, desired: Table, expected: String) throws {
        #expect(try Self.rendered(desired) == expected, "\(name)")
    }

    @Test func driftAndNewTableAreShown() throws {
        let drift = try Self.rendered(Fixture.base, drift: { $0.chains[0].rules.append(Rule([.unknown("meta mark 0x1"), .verdict(.accept)])) })
        #expect(drift.contains("  - rule input handle 13: meta mark 0x1 accept\n"))

        let full = Self.renderer.render(Planner.plan(current: nil, desired: Fixture.edited {
            $0.sets[0].elements = (1...25).map { Fixture.v4("198.51.100.\($0)") }
        }, generation: nil))
        #expect(full.hasPrefix("Plan for table inet fwctl.\nChanges are shown with these symbols:\n  + add\n\n  + table inet fwctl\n"))
        #expect(full.contains("  + set role_web_v4 (type ipv4_addr, flags interval, 25 elements)\n"))
        #expect(full.contains("      + element 198.51.100.20\n      + ... and 5 more elements\n"))
        #expect(!full.contains("198.51.100.21"))
        #expect(full.contains("  + chain input (type filter hook input priority filter; policy drop;)\n  + rule input: ct state established,related accept  # fwctl: established\n"))
        #expect(full.hasSuffix("\n  + rule web_in: tcp dport 443 counter packets 0 bytes 0 accept  # scale-up.policy:51: https\n\nPlan: 13 to add, 0 to change, 0 to remove.\n"))
    }

    @Test func colourOnlyWhenAsked() throws {
        var coloured = Self.renderer
        coloured.colour = true
        let desired = Fixture.edited { $0.sets[0].elements.removeFirst() }
        #expect(try Self.rendered(desired, renderer: coloured).contains("  \u{1B}[31m-\u{1B}[0m element 192.0.2.10\n"))
        #expect(!(try Self.rendered(desired)).contains("\u{1B}["))
    }

    @Test func jsonIsStable() throws {
        let plan = Plan(table: Fixture.ref, generation: 3, changes: [.changeChainPolicy(chain: "input", from: .drop, to: .accept)])
        #expect(try PlanRenderer.json(plan) == """
        {
          "changes": [
            {
              "chain": "input",
              "from": "drop",
              "op": "changeChainPolicy",
              "to": "accept"
            }
          ],
          "generation": 3,
          "summary": {
            "add": 0,
            "change": 1,
            "remove": 0
          },
          "table": {
            "family": "inet",
            "name": "fwctl"
          }
        }

        """)
    }
}

@Suite struct PlanRendererCounterTests {
    /// A moved policy line shows the rule once, with its old and new line.
    @Test func replacedRuleShowsTheCommentChange() throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        backend.modify(Fixture.ref, commit: false, Fixture.countTraffic)
        let plan = try backend.plan(toward: Fixture.edited { $0.chains[0].rules[3].comment = "scale-up.policy:44: allow role_db_v4 port 22" })
        #expect(PlanRenderer().render(plan) == """
        Plan for table inet fwctl (kernel generation 2).
        Changes are shown with these symbols:
          ~ change in place

          ~ rule input handle 8: ip saddr @role_db_v4 tcp dport 22 counter packets 81 bytes 8007 accept  # scale-up.policy:40: allow role_db_v4 port 22 -> scale-up.policy:44: allow role_db_v4 port 22

        Plan: 0 to add, 1 to change, 0 to remove.

        """)
    }

    /// A rule about to be removed shows what it counted, so the reviewer sees whether it was in use.
    @Test func removedRuleShowsItsCounters() throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        backend.modify(Fixture.ref, commit: false, Fixture.countTraffic)
        let plan = try backend.plan(toward: Fixture.edited { $0.chains[0].rules.remove(at: 3) })
        #expect(PlanRenderer().render(plan).contains(
            "  - rule input handle 8: ip saddr @role_db_v4 tcp dport 22 counter packets 81 bytes 8007 accept  # scale-up.policy:40: allow role_db_v4 port 22\n"))
    }
}
