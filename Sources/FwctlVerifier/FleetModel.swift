#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// The fleet as the verifier sees it: every host's addresses and evaluated chains, and the
/// networks outside the fleet.
///
/// Each host's input chain is evaluated with the peer in `saddr`, its output chain with the
/// peer in `daddr`: the first base filter chain of each hook in the host's ruleset. A host
/// with no ruleset, or no such chain, filters nothing in that direction (the kernel's default).
/// Chains are evaluated once, in parallel, when the model is built.
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
        let inputIndex: AdmissionIndex
        let outputIndex: AdmissionIndex

        public init(name: String, addresses: AddressSet, ruleset: Ruleset?) {
            self.name = name
            self.addresses = addresses
            self.ruleset = ruleset
            input = ruleset.flatMap { Self.evaluate($0, hook: .input, peerField: .saddr) }
            output = ruleset.flatMap { Self.evaluate($0, hook: .output, peerField: .daddr) }
            inputIndex = input.map(AdmissionIndex.init) ?? .all
            outputIndex = output.map(AdmissionIndex.init) ?? .all
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
    }

    /// Hosts in the fleet's order.
    public let hosts: [Host]
    /// Networks outside the fleet, by name.
    public let networks: [String: AddressSet]
    let hostIndex: [String: Int]
    /// Every address of every host.
    let fleetAddresses: AddressSet

    public init(hosts: [Host], networks: [String: AddressSet] = [:]) {
        self.hosts = hosts
        self.networks = networks
        hostIndex = Dictionary(hosts.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        // One sort instead of thousands of inserts into a growing interval set.
        let v4 = Spans<UInt32>(unsorted: hosts.flatMap { $0.addresses.v4.intervals })
        let v6 = Spans<UInt128>(unsorted: hosts.flatMap { $0.addresses.v6.intervals })
        fleetAddresses = AddressSet(v4: v4.intervalSet, v6: v6.intervalSet)
    }

    /// Builds the model of a checked fleet and its hosts' rulesets, evaluating chains on all cores.
    public init(fleet: Fleet, rulesets: [String: Ruleset]) {
        let specs = fleet.hosts
        let built = UnsafeResults<Host>(count: specs.count)
        DispatchQueue.concurrentPerform(iterations: specs.count) { i in
            built.set(i, Host(name: specs[i].name, addresses: specs[i].addresses, ruleset: rulesets[specs[i].name]))
        }
        self.init(hosts: built.values(),
                  networks: Dictionary(fleet.networks.map { ($0.name, $0.addresses) }, uniquingKeysWith: { a, _ in a }))
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
