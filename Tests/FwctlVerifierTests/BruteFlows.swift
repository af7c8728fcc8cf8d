import FwctlEvaluator
import FwctlNet
import FwctlPolicy
@testable import FwctlVerifier

/// The pair-by-pair computation `PolicyFlows` once did (every host pair × family × protocol
/// through `PolicyTestRunner.admitted`), kept as the oracle for its grouped computation, and
/// the diff rows it implies with the responsible lines asked value by value.
enum BruteFlows {
    static func flows(fleet: Fleet, model: FleetModel) -> (admitted: [PolicyFlows.Key: IntervalSet<UInt16>], domains: [PolicyFlows.Key: IntervalSet<UInt16>]) {
        let runner = PolicyTestRunner(fleet: fleet, model: model)
        var ends: [String: [Reachability.End]] = [:]
        for role in fleet.roles { ends[role.name] = role.hosts.map { .host($0) } }
        for network in fleet.networks where ends[network.name] == nil { ends[network.name] = runner.ends(.network(network.name)) }
        var admitted: [PolicyFlows.Key: IntervalSet<UInt16>] = [:], domains = admitted
        let distinct = Set(runner.sameAs)
        for (source, sourceEnds) in ends {
            for (destination, destinationEnds) in ends {
                if fleet.role(named: source) == nil && fleet.role(named: destination) == nil { continue }
                var values = [Spans<UInt16>](repeating: Spans(), count: 256), domain = values
                for s in sourceEnds {
                    for d in destinationEnds where !PolicyFlows.sameHost(s, d) {
                        for f in IPFamily.allCases {
                            let src = f.wide(Reachability.addresses(model, s)), dst = f.wide(Reachability.addresses(model, d))
                            guard !src.isEmpty, !dst.isEmpty else { continue }
                            for proto in distinct {
                                values[Int(proto)].formUnion(runner.admitted(s, d, f, proto, src, dst))
                                domain[Int(proto)].formUnion(Spans(ServiceProbe.domain(proto, f)))
                            }
                        }
                    }
                }
                for proto in 0...255 {
                    let key = PolicyFlows.Key(source: source, destination: destination, proto: UInt8(proto)), rep = Int(runner.sameAs[proto])
                    if !values[rep].isEmpty { admitted[key] = values[rep].intervalSet }
                    if !domain[rep].isEmpty { domains[key] = domain[rep].intervalSet }
                }
            }
        }
        return (admitted, domains)
    }

    /// The rows `PolicyDiff` must give (any order): extra values from the brute-force sets,
    /// the responsible lines asked of every single value, equal neighbours merged.
    static func rows(added: Bool, in a: PolicyFlows, _ aSets: [PolicyFlows.Key: IntervalSet<UInt16>],
                     notIn bSets: [PolicyFlows.Key: IntervalSet<UInt16>]) -> [PolicyDiff.Row] {
        var out: [PolicyDiff.Row] = []
        for (key, values) in aSets.sorted(by: { $0.key < $1.key }) {
            let extra = values.subtracting(bSets[key] ?? IntervalSet())
            for r in extra.intervals {
                var run: (ClosedRange<UInt16>, [String]?)? = nil
                func flush() {
                    if let (range, lines) = run, let lines {
                        out.append(PolicyDiff.Row(added: added, source: key.source, destination: key.destination,
                                                  service: PolicyDiff.describe(key.proto, range), lines: lines))
                    }
                }
                for v in r {
                    let lines = a.responsible(key, value: v)
                    if let (range, current) = run, current == lines { run = (range.lowerBound...v, current); continue }
                    flush()
                    run = (v...v, lines)
                }
                flush()
            }
        }
        return out
    }
}
