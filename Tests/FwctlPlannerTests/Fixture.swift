import FwctlNet
import FwctlPlanner
import FwctlRuleset
import Testing
@testable import FwctlPlanner

/// A small host table shaped like the compiler's output for the scale-up policy, and the
/// helpers the tests use to edit it and to describe plans compactly.
enum Fixture {
    static let ref = TableRef(name: "fwctl")

    static func v4(_ text: String) -> SetElement { .address(AddressRange(IPAddress(text)!)) }
    static func v6(_ text: String) -> SetElement { .address(AddressRange(IPAddress(text)!)) }

    static func allow(from set: String, port: UInt16, line: Int, proto: PortProtocol = .tcp) -> Rule {
        Rule([.address(family: .v4, field: .saddr, match: .set(set)),
              .port(proto: proto, field: .dport, match: .range(PortRange(port))),
              .counter(packets: 0, bytes: 0), .verdict(.accept)],
             comment: "scale-up.policy:\(line): allow \(set) port \(port)")
    }

    static func deny(from set: String, line: Int) -> Rule {
        Rule([.address(family: .v4, field: .saddr, match: .set(set)), .counter(packets: 0, bytes: 0), .verdict(.drop)],
             comment: "scale-up.policy:\(line): deny \(set)")
    }

    static let established = Rule([.ctState([.established, .related]), .verdict(.accept)], comment: "fwctl: established")
    static let loopback = Rule([.interface(direction: .iif, name: "lo"), .verdict(.accept)], comment: "fwctl: loopback")

    /// Sets role_web_v4, role_db_v4, role_web_v6; chains input (drop), output (accept) and
    /// a regular chain `web_in` that input jumps to.
    static var base: Table {
        Table(name: "fwctl", comment: Table.ownershipComment, sets: [
            NamedSet(name: "role_web_v4", keyType: .ipv4Addr, elements: [v4("192.0.2.10"), v4("192.0.2.11")]),
            NamedSet(name: "role_db_v4", keyType: .ipv4Addr, elements: [v4("192.0.2.20")]),
            NamedSet(name: "role_web_v6", keyType: .ipv6Addr, elements: [v6("2001:db8::10")]),
        ], chains: [
            Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop), rules: [
                established, loopback,
                allow(from: "role_web_v4", port: 5432, line: 31),
                allow(from: "role_db_v4", port: 22, line: 40),
                Rule([.address(family: .v6, field: .saddr, match: .set("role_web_v6")), .verdict(.jump("web_in"))],
                     comment: "scale-up.policy:50: web v6"),
            ]),
            Chain(name: "output", hook: BaseChainHook(hook: .output, policy: .accept)),
            Chain(name: "web_in", rules: [
                Rule([.port(proto: .tcp, field: .dport, match: .range(PortRange(443))), .counter(packets: 0, bytes: 0), .verdict(.accept)],
                     comment: "scale-up.policy:51: https"),
            ]),
        ])
    }

    /// `base` with one edit applied.
    static func edited(_ edit: (inout Table) -> Void) -> Table {
        var t = base
        edit(&t)
        return t
    }

    /// Gives every rule with a counter distinct non-zero values, as traffic would.
    static func countTraffic(_ t: inout Table) {
        for c in t.chains.indices {
            for r in t.chains[c].rules.indices {
                let h = t.chains[c].rules[r].handle ?? 0
                t.chains[c].rules[r].expressions = t.chains[c].rules[r].expressions.map {
                    if case .counter = $0 { return .counter(packets: 10 * h + 1, bytes: 1000 * h + 7) }
                    return $0
                }
            }
        }
    }

    /// One line per change, naming rules by their comment and anchors by the comment of the
    /// rule they point at, so expectations do not depend on handle numbers.
    static func describe(_ plan: Plan, current: Table?) -> [String] {
        func comment(_ h: UInt64) -> String {
            current?.chains.flatMap(\.rules).first { $0.handle == h }?.comment ?? "handle \(h)"
        }
        return plan.changes.map { change in
            switch change {
            case .createTable(let r): "createTable \(r)"
            case .addSet(let s): "addSet \(s.name) \(s.elements.map(\.text).joined(separator: ","))"
            case .changeTableFlags(let f, let t): "changeTableFlags \(f)->\(t)"
            case .deleteObject(let o): "deleteObject \(o)"
            case .deleteSet(let n, let drift): "deleteSet \(n)" + (drift.isEmpty ? "" : " [\(drift.joined(separator: ","))]")
            case .addElements(let s, _, let e): "addElements \(s) \(e.map(\.text).joined(separator: ","))"
            case .removeElements(let s, _, let e): "removeElements \(s) \(e.map(\.text).joined(separator: ","))"
            case .addChain(let c): "addChain \(c.name)"
            case .changeChainPolicy(let c, let f, let t): "changeChainPolicy \(c) \(f.rawValue)->\(t.rawValue)"
            case .deleteChain(let n): "deleteChain \(n)"
            case .deleteRule(let c, _, let r): "deleteRule \(c) [\(r.comment ?? "-")]"
            case .replaceRule(let c, _, let from, let to): "replaceRule \(c) [\(from.comment ?? "-")] -> [\(to.comment ?? "-")]"
            case .addRule(let c, let r, let p, let id):
                "addRule \(c) [\(r.comment ?? "-")] #\(id) " + {
                    switch p {
                    case .top: "top"
                    case .append: "append"
                    case .afterHandle(let h): "after [\(comment(h))]"
                    case .beforeHandle(let h): "before [\(comment(h))]"
                    case .afterNew(let id): "after #\(id)"
                    }
                }()
            }
        }
    }
}

extension Fixture {
    /// Every rule the plan did not delete is still in `after` with its handle and counters;
    /// a rule replaced in place differs only by its new comment.
    static func expectKeptRules(before: Table, after: Table, plan: Plan, _ context: String = "") {
        let deleted = Set(plan.changes.compactMap { if case .deleteRule(_, let h, _) = $0 { h } else { nil } })
        let afterRules = Dictionary(uniqueKeysWithValues: after.chains.flatMap(\.rules).map { ($0.handle!, $0) })
        let replaced = Dictionary(uniqueKeysWithValues: plan.changes.compactMap { change -> (UInt64, Rule)? in
            if case .replaceRule(_, let h, _, let to) = change { (h, to) } else { nil }
        })
        for rule in before.chains.flatMap(\.rules) where !deleted.contains(rule.handle!) {
            var expected = rule
            if let to = replaced[rule.handle!] { expected.comment = to.comment }
            #expect(afterRules[rule.handle!] == expected, "\(context)rule \(rule.handle!) lost its handle or counters")
        }
    }
}
