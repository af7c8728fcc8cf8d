import FwctlNet
import FwctlRuleset

/// The flows one compiled policy admits that another does not, both ways: for code review of a
/// policy change. Rows are role/network × role/network × service, each with the policy lines
/// responsible (from the policy that admits it: the new one for added rows, the old for removed).
public struct PolicyDiff: Sendable {
    /// One added (`+`) or removed (`-`) flow.
    public struct Row: Hashable, Sendable {
        public var added: Bool
        public var source: String
        public var destination: String
        /// `tcp/5432`, `udp/30000-30100`, `icmp type 8`, `proto gre`, `any`.
        public var service: String
        /// Rule comments: `new.policy:12: allow web -> db : postgres`.
        public var lines: [String]

        /// `+ web -> db : tcp/5432   (new.policy:12: allow web -> db : postgres)`.
        public var text: String {
            let head = "\(added ? "+" : "-") \(source) -> \(destination) : \(service)"
            return lines.isEmpty ? head : head + "   (" + lines.joined(separator: "; ") + ")"
        }
    }

    public var rows: [Row]
    public var isEmpty: Bool { rows.isEmpty }

    /// Two equal versions: they admit the same, so there is nothing to compute.
    public static let none = PolicyDiff(rows: [])

    private init(rows: [Row]) { self.rows = rows }

    public init(old: PolicyFlows, new: PolicyFlows) {
        rows = Self.rows(added: true, in: new, notIn: old) + Self.rows(added: false, in: old, notIn: new)
        rows.sort { ($0.source, $0.destination, $0.added ? 1 : 0) < ($1.source, $1.destination, $1.added ? 1 : 0) }
    }

    /// One `+`/`-` row a line; `no differences` when both admit the same, so an empty
    /// answer is never mistaken for a failure to compare.
    public func text() -> String { rows.isEmpty ? "no differences\n" : rows.map { $0.text + "\n" }.joined() }

    /// `{"added":N,"removed":N,"rows":[{"change":"+","destination":..,"lines":[..],"service":..,"source":..}]}`
    /// in fwctl's JSON convention.
    public func json() -> String {
        let list: [JSONValue] = rows.map {
            .object([("change", .string($0.added ? "+" : "-")), ("source", .string($0.source)), ("destination", .string($0.destination)),
                     ("service", .string($0.service)), ("lines", .array($0.lines.map { .string($0) }))])
        }
        return FwctlJSON.text(.object([("added", .int(Int64(rows.filter(\.added).count))),
                                       ("removed", .int(Int64(rows.filter { !$0.added }.count))), ("rows", .array(list))]))
    }

    /// What `a` admits beyond `b`; where `a` admits every protocol whole between two ends, one `any` row.
    /// Rows are cut where the responsible lines change, so each row names its own lines.
    static func rows(added: Bool, in a: PolicyFlows, notIn b: PolicyFlows) -> [Row] {
        var byPair: [[String]: [(UInt8, IntervalSet<UInt16>)]] = [:]
        for (key, values) in a.admitted {
            let extra = values.subtracting(b.admitted[key] ?? IntervalSet())
            if !extra.isEmpty { byPair[[key.source, key.destination], default: []].append((key.proto, extra)) }
        }
        var out: [Row] = []
        for (pair, protos) in byPair {
            let key = { (p: UInt8) in PolicyFlows.Key(source: pair[0], destination: pair[1], proto: p) }
            // Everything passes now where it did not before: one `any` row, not 256 protocol rows.
            let families = a.families(source: pair[0], destination: pair[1])
            let whole = (0...255).allSatisfy { a.admitted[key(UInt8($0))] == a.domain(key(UInt8($0)), families: families) }
            if whole {
                out.append(Row(added: added, source: pair[0], destination: pair[1], service: "any", lines: a.responsible(key(6), value: 0) ?? []))
                continue
            }
            for (proto, values) in protos.sorted(by: { $0.0 < $1.0 }) {
                let cuts = a.cuts(key(proto))
                for r in values.intervals {
                    // Base rules' traffic (every host's essential ICMP, ping) comes and goes with hosts: not a flow.
                    for run in a.responsibleRuns(key(proto), values: r, cuts: cuts) {
                        guard let lines = run.lines else { continue }
                        out.append(Row(added: added, source: pair[0], destination: pair[1], service: Self.describe(proto, run.values), lines: lines))
                    }
                }
            }
        }
        return out
    }

    static func describe(_ proto: UInt8, _ r: ClosedRange<UInt16>) -> String {
        let span = r.lowerBound == r.upperBound ? "\(r.lowerBound)" : "\(r.lowerBound)-\(r.upperBound)"
        switch proto {
        case 6, 17, 132: return "\(IPProtocolNames.names[proto] ?? "\(proto)")/\(r == 0...65535 ? "*" : span)"
        case 1, 58:
            let name = proto == 1 ? "icmp" : "icmpv6"
            return r == 0...255 ? name : "\(name) type\(r.lowerBound == r.upperBound ? "" : "s") \(span)"
        default: return "proto " + (IPProtocolNames.names[proto] ?? "\(proto)")
        }
    }
}
