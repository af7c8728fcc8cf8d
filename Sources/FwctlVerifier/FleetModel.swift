#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// The fleet as the verifier sees it: every host's addresses and evaluated chains, and the
/// networks outside the fleet.
///
/// Each host's input chain is evaluated with the peer in `saddr`, its output chain with the
/// peer in `daddr`: the first base filter chain of each hook in the host's ruleset. A host
/// with no ruleset, or no such chain, filters nothing in that direction (the kernel's default).
/// Chains are evaluated once, in parallel, when the model is built; hosts with equal rulesets
/// (the hosts of one role usually: their rules name role sets, not their own addresses) share
/// one evaluation, which is sound because evaluation is a function of the ruleset alone.
public struct FleetModel: Sendable {
    /// One host: addresses, ruleset, and its two evaluated chains.
    public struct Host: Sendable {
        public var name: String
        public var addresses: AddressSet
        public var ruleset: Ruleset?
        /// The evaluated input chain (peer = source address); nil when it has none.
        public let input: ChainAnalysis?
        /// The evaluated output chain (peer = destination address); nil when it has none.
        public let output: ChainAnalysis?
        /// With `forward = policy`: the forward chain as NEW connections addressed to this host
        /// see it (a published port, `Chain.forwardedToHost`; peer = source address).
        public let forwarded: ChainAnalysis?
        let inputIndex: AdmissionIndex
        let outputIndex: AdmissionIndex
        let forwardedIndex: AdmissionIndex?

        public init(name: String, addresses: AddressSet, ruleset: Ruleset?) {
            self.name = name
            self.addresses = addresses
            self.ruleset = ruleset
            input = ruleset.flatMap { Self.evaluate($0, hook: .input, peerField: .saddr) }
            output = ruleset.flatMap { Self.evaluate($0, hook: .output, peerField: .daddr) }
            forwarded = ruleset.flatMap { Self.evaluateForwarded($0, local: addresses) }
            inputIndex = input.map(AdmissionIndex.init) ?? .all
            outputIndex = output.map(AdmissionIndex.init) ?? .all
            forwardedIndex = forwarded.map(AdmissionIndex.init)
        }

        /// A host whose ruleset equals `twin`'s: its evaluated chains, shared.
        init(name: String, addresses: AddressSet, twin: Host) {
            self.name = name
            self.addresses = addresses
            ruleset = twin.ruleset
            input = twin.input
            output = twin.output
            // The forward view depends on the host's own addresses, not only on the ruleset.
            forwarded = ruleset.flatMap { Self.evaluateForwarded($0, local: addresses) }
            inputIndex = twin.inputIndex
            outputIndex = twin.outputIndex
            forwardedIndex = forwarded.map(AdmissionIndex.init)
        }

        static func evaluate(_ ruleset: Ruleset, hook: Hook, peerField: AddressField) -> ChainAnalysis? {
            // fwctl's tables are inet; chains of ip/ip6/other tables are not evaluated.
            for table in ruleset.tables where table.family == .inet {
                if let chain = table.chains.first(where: { $0.hook?.hook == hook && $0.hook?.type == .filter }) {
                    return ChainEvaluator.evaluate(chain: chain, in: table, peerField: peerField)
                }
            }
            return nil
        }

        /// The forward chain seen by connections addressed to the host, when it is the policy's
        /// (it matches `ct original ... daddr`); nil otherwise.
        static func evaluateForwarded(_ ruleset: Ruleset, local: AddressSet) -> ChainAnalysis? {
            for table in ruleset.tables where table.family == .inet {
                guard let chain = table.chains.first(where: { $0.hook?.hook == .forward && $0.hook?.type == .filter }) else { continue }
                guard chain.rules.contains(where: { $0.expressions.contains { if case .originalDestination = $0 { true } else { false } } }) else { return nil }
                return ChainEvaluator.evaluate(chain: chain.forwardedToHost(in: table, local: local), in: table, peerField: .saddr)
            }
            return nil
        }
    }

    /// Hosts in the fleet's order.
    public let hosts: [Host]
    /// Networks outside the fleet, by name.
    public let networks: [String: AddressSet]
    let hostIndex: [String: Int]
    /// Every address of every host.
    let fleetAddresses: AddressSet
    /// Per host, its ruleset's class: hosts of one class have equal rulesets, hence the same
    /// evaluated chains (later stages do per-class work once instead of per host).
    let rulesetClass: [Int]

    public init(hosts: [Host], networks: [String: AddressSet] = [:]) {
        self.init(hosts: hosts, networks: networks, classes: Self.classes(hosts.map(\.ruleset)).of)
    }

    private init(hosts: [Host], networks: [String: AddressSet], classes: [Int]) {
        self.hosts = hosts
        self.networks = networks
        rulesetClass = classes
        hostIndex = Dictionary(hosts.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        // One sort instead of thousands of inserts into a growing interval set.
        let v4 = Spans<UInt32>(unsorted: hosts.flatMap { $0.addresses.v4.intervals })
        let v6 = Spans<UInt128>(unsorted: hosts.flatMap { $0.addresses.v6.intervals })
        fleetAddresses = AddressSet(v4: v4.intervalSet, v6: v6.intervalSet)
    }

    /// Builds the model of a checked fleet and its hosts' rulesets, evaluating each distinct
    /// ruleset's chains once, on all cores.
    public init(fleet: Fleet, rulesets: [String: Ruleset]) {
        let specs = fleet.hosts
        let (classOf, firsts) = Self.classes(specs.map { rulesets[$0.name] })
        let built = UnsafeResults<Host>(count: firsts.count)
        DispatchQueue.concurrentPerform(iterations: firsts.count) { c in
            let spec = specs[firsts[c]]
            built.set(c, Host(name: spec.name, addresses: spec.addresses, ruleset: rulesets[spec.name]))
        }
        let evaluated = built.values()
        let hosts = specs.enumerated().map { i, spec in
            firsts[classOf[i]] == i ? evaluated[classOf[i]] : Host(name: spec.name, addresses: spec.addresses, twin: evaluated[classOf[i]])
        }
        self.init(hosts: hosts, networks: Dictionary(fleet.networks.map { ($0.name, $0.addresses) }, uniquingKeysWith: { a, _ in a }),
                  classes: classOf)
    }

    /// Numbers equal rulesets alike (0, 1, ... in order of first appearance): each item's class
    /// and each class's first item. Rulesets are bucketed by a cheap fingerprint and compared
    /// whole only within a bucket: hashing every set element of every host costs more than the
    /// comparisons, which stop at the first difference (or share storage and stop at once).
    static func classes(_ rulesets: [Ruleset?]) -> (of: [Int], firsts: [Int]) {
        // Fingerprints, and whether each ruleset equals the first of its fingerprint (the
        // usual case), are worked out in parallel; the rare rest is settled in order below.
        let prints = UnsafeResults<Int>(count: rulesets.count)
        DispatchQueue.concurrentPerform(iterations: rulesets.count) { i in prints.set(i, fingerprint(rulesets[i])) }
        let fingerprints = prints.values()
        var firstOf: [Int: Int] = [:]
        for (i, p) in fingerprints.enumerated() where firstOf[p] == nil { firstOf[p] = i }
        let leader = firstOf
        let same = UnsafeResults<Bool>(count: rulesets.count)
        DispatchQueue.concurrentPerform(iterations: rulesets.count) { i in
            let first = leader[fingerprints[i]]!
            same.set(i, first == i || rulesets[first] == rulesets[i])
        }
        let equalsLeader = same.values()
        var buckets: [Int: [Int]] = [:]
        var of: [Int] = [], firsts: [Int] = []
        of.reserveCapacity(rulesets.count)
        for (i, r) in rulesets.enumerated() {
            let p = fingerprints[i], first = leader[p]!
            if first != i && equalsLeader[i] { of.append(of[first]); continue }
            if first != i, let c = buckets[p]?.dropFirst().first(where: { rulesets[firsts[$0]] == r }) { of.append(c); continue }
            buckets[p, default: []].append(firsts.count)
            of.append(firsts.count)
            firsts.append(i)
        }
        return (of, firsts)
    }

    /// Shape, set names and set ends of a ruleset (cheap: no rule is looked into): equal
    /// rulesets have equal fingerprints.
    private static func fingerprint(_ ruleset: Ruleset?) -> Int {
        var h = Hasher()
        guard let ruleset else { return 0 }
        for t in ruleset.tables {
            h.combine(t.name)
            // Ends of each set too: per-host sets (own addresses) then tell hosts apart here.
            for s in t.sets { h.combine(s.name); h.combine(s.elements.count); h.combine(s.elements.first); h.combine(s.elements.last) }
            for c in t.chains { h.combine(c.name); h.combine(c.rules.count) }
        }
        return h.finalize()
    }

    public func host(named name: String) -> Host? { hostIndex[name].map { hosts[$0] } }
}

/// Slots that parallel workers fill, each index exactly once, read after all are done.
final class UnsafeResults<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = Lock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: T) {
        lock.withLock { slots[i] = value }
    }

    func values() -> [T] { slots.map { $0! } }
}

/// A mutex without Foundation (pthread), for `UnsafeResults`.
final class Lock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
