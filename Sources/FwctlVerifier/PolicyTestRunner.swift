import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// Runs a policy's `test` blocks against the compiled rulesets (no kernel, no root).
///
/// `allow`: every value of every service atom gets through between every source and every
/// destination end, in each family both ends have addresses of. `deny`: no value of them does.
/// `only`: the `allow` holds and no other protocol, port or ICMP type gets through between those
/// ends, except what the base rules (`fwctl: ...` comments: essential ICMP, rate-limited ping)
/// admit on every host. Admitted values come from each chain's admission index, so the
/// answers are exact, not sampled: a value passes between two ends when the source's output
/// chain admits it for some destination address and the destination's input chain for some
/// source address (each chain looks at one address only). A network end means its own
/// addresses (see `FleetModel.endAddresses`); other ends are taken host by host. A host's traffic to
/// itself is loopback, which every table admits before any policy rule: `deny` fails on it.
/// Ends that can never exchange a packet (see `vacuity`) fail `allow` and `only`, and pass
/// `deny` marked vacuous. With `forward = policy` a destination host is judged twice: by its
/// input chain, and by its forward chain as a port it publishes for a container sees it.
public struct PolicyTestRunner: Sendable {
    public let fleet: Fleet
    public let model: FleetModel

    /// For each protocol, the one it is admitted exactly like: itself when some chain names it
    /// or it carries ports or ICMP types, else the lowest protocol no chain names (a chain's
    /// admission index shares one entry list among the protocols its rules do not name).
    let sameAs: [UInt8]
    /// Judge the destination by its forward chain as a published port sees it (`forward =
    /// policy`) instead of its input chain: port protocols only, as DNAT publishes ports.
    private var viaForward = false
    /// Hosts any check treats alike (nil: every pair of hosts is checked on its own, the
    /// oracle `SharedTestRunTests` holds the grouped search to).
    let groups: TestHostGroups?

    public init(fleet: Fleet, model: FleetModel, groupAlike: Bool = true) {
        self.fleet = fleet
        self.model = model
        groups = groupAlike ? TestHostGroups(model: model) : nil
        var named = [Bool](repeating: false, count: 256)
        for p in [1, 6, 17, 58, 132] { named[p] = true }
        // Hosts of one ruleset class share their indexes: each class looked at once.
        var seen = Set<Int>()
        for (h, c) in zip(model.hosts, model.rulesetClass) where seen.insert(c).inserted {
            for index in [h.inputIndex, h.outputIndex] {
                for family in index.families { for p in 0..<256 where family.isNamed[p] { named[p] = true } }
            }
        }
        let first = (0..<256).first { !named[$0] }
        sameAs = (0..<256).map { UInt8(named[$0] ? $0 : first!) }
    }

    /// Evaluates every expectation of every test, in source order.
    public func run() -> PolicyTestReport {
        PolicyTestReport(tests: fleet.tests.map { test in
            PolicyTestReport.TestResult(name: test.name, line: test.range.start.line,
                                        expectations: test.expectations.map(evaluate))
        })
    }

    /// One expectation: passed, or the first packet (in the order of the ends) that shows it
    /// does not hold.
    public func evaluate(_ e: Expectation) -> ExpectationResult {
        let sources = e.sources.flatMap(ends), destinations = e.destinations.flatMap(ends)
        if let why = vacuity(e, sources, destinations) {
            return ExpectationResult(expectation: e, failure: nil, vacuous: why)
        }
        let probes = e.services.flatMap(\.atoms).map(ServiceProbe.init)
        if let groups {
            return ExpectationResult(expectation: e, failure: firstFailure(e.kind, sources, destinations, probes, groups))
        }
        return ExpectationResult(expectation: e, failure: firstFailure(e.kind, sources, destinations, probes))
    }

    /// Every pair of ends in order, each checked on its own.
    func firstFailure(_ kind: Expectation.Kind, _ sources: [Reachability.End], _ destinations: [Reachability.End], _ probes: [ServiceProbe]) -> ExpectationFailure? {
        for s in sources {
            for d in destinations {
                if sameHost(s, d) {
                    // Loopback: admitted whatever the chains say, which only a deny contradicts.
                    guard kind == .deny, let failure = loopbackFailure(s, probes) else { continue }
                    return failure
                }
                if let failure = check(kind, s, d, probes) { return failure }
            }
        }
        return nil
    }

    /// One pair of ends, judged by the destination's input chain and, where the destination
    /// publishes ports for containers (`forward = policy`), by its forward chain as well.
    func check(_ kind: Expectation.Kind, _ s: Reachability.End, _ d: Reachability.End, _ probes: [ServiceProbe]) -> ExpectationFailure? {
        if let failure = checkChain(kind, s, d, probes) { return failure }
        guard Reachability.host(model, d)?.forwardedIndex != nil else { return nil }
        var published = self
        published.viaForward = true
        return published.checkChain(kind, s, d, probes)
    }

    private func checkChain(_ kind: Expectation.Kind, _ s: Reachability.End, _ d: Reachability.End, _ probes: [ServiceProbe]) -> ExpectationFailure? {
        for f in IPFamily.allCases {
            let src = f.wide(Reachability.addresses(model, s)), dst = f.wide(Reachability.addresses(model, d))
            guard !src.isEmpty, !dst.isEmpty else { continue }
            var wanted: [UInt8: Spans<UInt16>] = [:]
            for p in probes where p.families.contains(f) {
                for proto in p.protocols { wanted[proto, default: Spans()].formUnion(p.spans(proto, f)) }
            }
            // What only `any` names: for deny, checked below without the base rules.
            var anyWanted: [UInt8: Spans<UInt16>] = [:]
            if kind == .deny && probes.contains(where: { $0.description == "any" }) {
                for proto in 0...255 { anyWanted[UInt8(proto)] = ServiceProbe(.any).spans(UInt8(proto), f) }
                for p in probes where p.families.contains(f) && p.description != "any" {
                    for proto in p.protocols { anyWanted[proto] = Self.minus(anyWanted[proto] ?? Spans(), p.spans(proto, f)) }
                }
            }
            for proto in wanted.keys.sorted() where !viaForward || hasPorts(proto) {
                let want = wanted[proto]!, got = admitted(s, d, f, proto, src, dst)
                if kind == .deny {
                    let explicit = Self.minus(want, anyWanted[proto] ?? Spans())
                    if let v = got.intersection(explicit).lowest { return failure("admitted", s, d, f, proto, v, src, dst) }
                } else if let v = Self.minus(want, got).lowest {
                    return failure("not admitted", s, d, f, proto, v, src, dst)
                }
            }
            // `deny ... : any` and `only` look at every protocol; base-rule admissions do not count.
            let everything = kind == .deny && probes.contains { $0.description == "any" }
            guard kind == .only || everything else { continue }
            var shared: [UInt8: Spans<UInt16>] = [:]
            for p in 0...255 where !viaForward || hasPorts(UInt8(p)) {
                let proto = UInt8(p), rep = sameAs[p]
                let got = shared[rep] ?? admitted(s, d, f, rep, src, dst)
                if rep != proto { shared[rep] = got }
                let extra = everything ? got : Self.minus(got, wanted[proto] ?? Spans())
                if let result = firstPolicyAdmitted(everything ? "admitted" : "also admitted", extra, s, d, f, proto, src, dst) { return result }
            }
        }
        return nil
    }

    /// The first of `extra`'s values admitted by a flow of the policy rather than the base rules.
    private func firstPolicyAdmitted(_ reason: String, _ extra: Spans<UInt16>, _ s: Reachability.End, _ d: Reachability.End, _ f: IPFamily, _ proto: UInt8, _ src: Spans<UInt128>, _ dst: Spans<UInt128>) -> ExpectationFailure? {
        for r in extra.ranges {
            // ICMP types are few: look at each; a port range is decided by its first port's rules.
            let values: [UInt16] = proto == f.icmpProtocol ? Array(r) : [r.lowerBound]
            for v in values {
                let result = failure(reason, s, d, f, proto, v, src, dst)
                if !result.ends.contains(where: { $0.isBaseRule }) { return result }
            }
        }
        return nil
    }

    /// Values of `proto` admitted from some address of `s` to some address of `d`.
    func admitted(_ s: Reachability.End, _ d: Reachability.End, _ f: IPFamily, _ proto: UInt8, _ src: Spans<UInt128>, _ dst: Spans<UInt128>) -> Spans<UInt16> {
        let full = Spans(ServiceProbe.domain(proto, f))
        let out = Reachability.host(model, s).map { $0.outputIndex.values(f, proto: proto, peers: dst) } ?? full
        let inp = Reachability.host(model, d).map { inbound($0).values(f, proto: proto, peers: src) } ?? full
        return out.intersection(inp).intersection(full)
    }

    /// A packet of value `v` and what each end's chain does with it. Addresses are ones the
    /// other side admits when there are any, so the failing side is the one that shows.
    func failure(_ what: String, _ s: Reachability.End, _ d: Reachability.End, _ f: IPFamily, _ proto: UInt8, _ v: UInt16, _ src: Spans<UInt128>, _ dst: Spans<UInt128>) -> ExpectationFailure {
        let one = Spans(v...v)
        let source = Reachability.host(model, s), destination = Reachability.host(model, d)
        let sAddr = destination.map { inbound($0).peers(f, proto: proto, values: one, all: false).intersection(src) }?.lowest ?? src.lowest!
        let dAddr = source.map { $0.outputIndex.peers(f, proto: proto, values: one, all: false).intersection(dst) }?.lowest ?? dst.lowest!
        let packet = Packet(family: f, source: f.address(sAddr), destination: f.address(dAddr), proto: proto,
                            port: hasPorts(proto) ? v : nil, icmpType: proto == f.icmpProtocol ? UInt8(truncatingIfNeeded: v) : nil)
        var ends: [ExpectationFailure.Decision] = []
        if let h = source, let chain = h.output {
            ends.append(.init(host: h.name, chain: chain.chain.name, verdict: chain.verdict(for: packet), rules: chain.chain.rules))
        }
        if let h = destination, let chain = viaForward ? h.forwarded : h.input {
            ends.append(.init(host: h.name, chain: chain.chain.name, verdict: chain.verdict(for: packet), rules: chain.chain.rules))
        }
        return ExpectationFailure(reason: what, packet: packet, ends: ends)
    }

    private func inbound(_ host: FleetModel.Host) -> AdmissionIndex {
        viaForward ? host.forwardedIndex ?? .all : host.inputIndex
    }

    /// Hosts of an endpoint one by one; networks and literal addresses as one end each.
    func ends(_ e: Endpoint) -> [Reachability.End] {
        switch e {
        case .network(let n): [model.ownAddresses(ofNetwork: n).map { .addresses($0) } ?? .network(n)]
        case .addresses(let set, _): [.addresses(set)]
        default: fleet.hostNames(in: e).map { .host($0) }
        }
    }

    static func minus(_ a: Spans<UInt16>, _ b: Spans<UInt16>) -> Spans<UInt16> {
        Spans(a.intervalSet.subtracting(b.intervalSet))
    }

    func sameHost(_ a: Reachability.End, _ b: Reachability.End) -> Bool {
        if case .host(let x) = a, case .host(let y) = b { return x == y }
        return false
    }
}
