#if canImport(Glibc)
import Glibc
#endif
import FwctlCompiler
import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlVerifier

/// Sizes from the performance targets; run on demand (release build):
/// `FWCTL_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter VerifierBenchmarks`.
/// Timings are printed, never asserted; the results are checked against the naive interpreter.
/// Serialized: run side by side the benchmarks would time each other.
@Suite(.serialized, .enabled(if: getenv("FWCTL_BENCH") != nil, "benchmark: set FWCTL_BENCH=1 (release build)"))
struct VerifierBenchmarks {
    static func seconds(_ body: () -> Void) -> Double {
        var a = timespec(), b = timespec()
        clock_gettime(CLOCK_MONOTONIC, &a)
        body()
        clock_gettime(CLOCK_MONOTONIC, &b)
        return Double(b.tv_sec - a.tv_sec) + Double(b.tv_nsec - a.tv_nsec) / 1e9
    }

    static func ms(_ t: Double) -> String { "\(Int((t * 1000).rounded())) ms" }

    /// Peak resident memory of the test process so far (getrusage: kilobytes on Linux).
    static func peakMB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss / 1024
    }

    /// 2,000 hosts in 100 role sets, 10,000 rules mixing set lookups, single addresses, ports.
    @Test func chainOf10000RulesOver2000Addresses() {
        var rng = SeededGenerator(seed: 42)
        func host(_ i: Int) -> AddressRange { AddressRange(.v4(0x0A00_0000 + UInt32(i))) }
        let sets = (0..<100).map { r in
            NamedSet(name: "role_r\(r)_v4", keyType: .ipv4Addr, elements: (0..<20).map { .address(host(r * 20 + $0)) })
        }
        var rules = BaseRulesLike.head
        for _ in 0..<10_000 {
            let peer: Expression = rng.next() % 4 == 0
                ? .address(family: .v4, field: .saddr, match: .range(host(Int(rng.next() % 2000))))
                : .address(family: .v4, field: .saddr, match: .set("role_r\(rng.next() % 100)_v4"))
            let port = UInt16(10_000 + rng.next() % 2_000)
            let verdict: Verdict = rng.next() % 10 == 0 ? .drop : .accept
            rules.append(Rule([peer, .port(proto: .tcp, field: .dport, match: .range(PortRange(port))), .counter(packets: 0, bytes: 0), .verdict(verdict)]))
        }
        let chain = Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop), rules: rules)
        let table = Table(name: "fwctl", sets: sets, chains: [chain])
        var analysis: ChainAnalysis!
        let t = Self.seconds { analysis = ChainEvaluator.evaluate(chain: chain, in: table, peerField: .saddr) }
        print("chain: 10,000 rules, 2,000 addresses: \(Self.ms(t)), \(analysis.unreachable.count) unreachable")
        for _ in 0..<2_000 {
            let p = Packet(family: .v4, source: .v4(0x0A00_0000 + UInt32(rng.next() % 2100)), destination: .v4(1),
                           proto: 6, port: UInt16(9_990 + rng.next() % 2_020))
            #expect(analysis.verdict(for: p) == NaiveEvaluator.verdict(for: p, chain: chain, in: table, peerField: .saddr))
        }
    }

    /// The fleet of scripts/gen-fleet.sh at 2,000 hosts, 100 roles, 1,000 flows.
    @Test func fleetMatrixOf100RolesAnd2000Hosts() {
        let fleet = GeneratedFleet.make(hosts: 2000, roles: 100, flows: 1000)
        var rulesets: [String: Ruleset] = [:]
        let tc = Self.seconds { rulesets = Dictionary(uniqueKeysWithValues: Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) }) }
        var model: FleetModel!
        let tm = Self.seconds { model = FleetModel(fleet: fleet, rulesets: rulesets) }
        var matrix: ReachabilityMatrix!
        let tx = Self.seconds { matrix = Reachability.matrix(model, fleet: fleet) }
        print("fleet: compile \(Self.ms(tc));  evaluate 4,000 chains \(Self.ms(tm));  matrix \(Self.ms(tx));  \(matrix.entries.count) entries;  peak \(Self.peakMB()) MB")
        // Flow i goes from r(i % 100) to r((i % 100 + d) % 100) on svc and tcp/30000+i: spot-check some.
        let entry = matrix.entries.first { $0.source == "r0" && $0.destination == "r1" && $0.service == "tcp/30002" }
        #expect(entry?.coverage == .all)
        #expect(matrix.entries.contains { $0.source == "ops" && $0.service == "tcp/22" && $0.coverage == .all })
    }
}

extension VerifierBenchmarks {
    /// Two versions of that fleet, the new one adding r77 as a destination of every flow of r5
    /// (the lead's `sed 's/^allow r5 -> /allow r5 -> r77, /'`): flows of both, then the diff.
    @Test func diffOfTwo2000HostVersions() {
        let old = GeneratedFleet.make(hosts: 2000, roles: 100, flows: 1000)
        var new = old
        for i in new.flows.indices where new.flows[i].sources == [.role("r5")] {
            new.flows[i].destinations.insert(.role("r77"), at: 0)
            new.flows[i].text = new.flows[i].text.replacingOccurrences(of: "allow r5 -> ", with: "allow r5 -> r77, ")
        }
        var rulesets: [[String: Ruleset]] = []
        let tc = Self.seconds {
            rulesets = [old, new].map { Dictionary(uniqueKeysWithValues: Compiler(fleet: $0).compileAll().map { ($0.host, $0.ruleset) }) }
        }
        var a: PolicyFlows!, b: PolicyFlows!, diff: PolicyDiff!
        let tf = Self.seconds {
            a = PolicyFlows(fleet: old, model: FleetModel(fleet: old, rulesets: rulesets[0]))
            b = PolicyFlows(fleet: new, model: FleetModel(fleet: new, rulesets: rulesets[1]))
        }
        let td = Self.seconds { diff = PolicyDiff(old: a, new: b) }
        print("diff: compile both \(Self.ms(tc)) (one thread here; fwctl diff compiles hosts in parallel);  models + flows of both \(Self.ms(tf));  diff \(Self.ms(td));  \(diff.rows.count) rows;  peak \(Self.peakMB()) MB")
        // r5's ten flows each add svcN (tcp and udp) and one inline tcp port toward r77.
        #expect(diff.rows.count == 30)
        #expect(diff.rows.allSatisfy { $0.added && $0.source == "r5" && $0.destination == "r77" && $0.lines.count == 1 })
    }
}

enum BaseRulesLike {
    static let head = [
        Rule([.ctState([.established, .related]), .verdict(.accept)]),
        Rule([.ctState(.invalid), .verdict(.drop)]),
        Rule([.interface(direction: .iif, name: "lo"), .verdict(.accept)]),
        Rule([.icmpType(family: .v4, types: [3, 11, 12]), .verdict(.accept)]),
        Rule([.icmpType(family: .v4, types: [8]), .limit(rate: 5, per: .second, burst: 5), .verdict(.accept)]),
    ]
}
