import FwctlNet

/// Flows that do less than they say: ones no packet can ever match, and denies that cannot
/// stop a host reaching itself.
extension Sema {
    /// The address families of ends, remembered per role (a role's are its hosts') and for
    /// `*`, each worked out in one pass over the hosts when first asked.
    struct EndFamilies {
        var roles: [String: FamilyBits]?
        var fleet: FamilyBits?
    }

    /// Which address families an end has addresses of.
    struct FamilyBits: OptionSet {
        let rawValue: UInt8
        static let v4 = FamilyBits(rawValue: 1)
        static let v6 = FamilyBits(rawValue: 2)

        init(rawValue: UInt8) { self.rawValue = rawValue }
        init(_ set: AddressSet) {
            self = []
            if !set.v4.isEmpty { insert(.v4) }
            if !set.v6.isEmpty { insert(.v6) }
        }

        var text: String {
            switch self {
            case .v4: "only IPv4 addresses"
            case .v6: "only IPv6 addresses"
            case []: "no addresses"
            default: "IPv4 and IPv6 addresses"
            }
        }
    }

    func families(_ e: Endpoint, _ memo: inout EndFamilies) -> FamilyBits {
        switch e {
        case .role(let r):
            if memo.roles == nil {
                var roles: [String: FamilyBits] = [:]
                for h in hostInfos {
                    let bits = FamilyBits(h.addresses)
                    for r in h.roles { roles[r, default: []].formUnion(bits) }
                }
                memo.roles = roles
            }
            return memo.roles![r] ?? []
        case .host(let h): return ends[h].map { FamilyBits(hostInfos[$0.index].addresses) } ?? []
        case .network(let n): return FamilyBits(networkSets[n] ?? AddressSet())
        case .addresses(let set, _): return FamilyBits(set)
        case .fleet:
            if memo.fleet == nil { memo.fleet = hostInfos.reduce(into: FamilyBits()) { $0.formUnion(FamilyBits($1.addresses)) } }
            return memo.fleet!
        }
    }

    /// A flow no packet can match: one side has no address at all (empty roles), or the two
    /// sides share no address family. It compiles to no rule, and a test over it would
    /// prove nothing.
    mutating func warnVacuous(_ f: ResolvedFlow, _ memo: inout EndFamilies) {
        let src = f.flow.sources.map { families($0, &memo) }, dst = f.flow.destinations.map { families($0, &memo) }
        let srcAll = src.reduce(FamilyBits()) { $0.union($1) }, dstAll = dst.reduce(FamilyBits()) { $0.union($1) }
        guard srcAll.intersection(dstAll).isEmpty else { return }
        let why: String
        if srcAll.isEmpty || dstAll.isEmpty {
            let side = srcAll.isEmpty ? f.flow.sources : f.flow.destinations
            why = "\(Self.list(side)) \(side.count == 1 ? "has" : "have") no addresses (an empty role)"
        } else {
            why = "no common address family: \(Self.list(f.flow.sources)) \(f.flow.sources.count == 1 ? "has" : "have") \(srcAll.text), \(Self.list(f.flow.destinations)) \(dstAll.text)"
        }
        sink.warning("W-flow-vacuous", "this flow can never carry a packet: \(why)", at: f.flow.range,
                     help: "it compiles to no rule: give the ends addresses of a common family, or remove it")
    }

    /// `'a'`, `'a', 'b'`.
    static func list(_ ends: [Endpoint]) -> String {
        ends.map { "'\($0.description.clipped)'" }.joined(separator: ", ")
    }

    /// A deny naming one host at both ends: that host's packets to its own addresses go over
    /// the loopback interface, which every fwctl table admits first, so the deny cannot stop them.
    mutating func warnSelfDeny(_ f: ResolvedFlow) {
        guard let host = sharedHost(f.flow.sources, f.flow.destinations) else { return }
        sink.warning("W-deny-self", "this deny cannot stop '\(host.clipped)' reaching itself: a host's traffic to its own addresses arrives on the loopback interface, which fwctl always admits", at: f.flow.range,
                     help: "fwctl never filters loopback; the deny still applies between different hosts")
    }

    /// A host named by both end lists, if any.
    private func sharedHost(_ a: [Endpoint], _ b: [Endpoint]) -> String? {
        func names(_ ends: [Endpoint]) -> [String]? {
            if ends.contains(where: { if case .fleet = $0 { true } else { false } }) { return nil }
            var out: [String] = []
            for e in ends {
                switch e {
                case .role(let r): out += roleHosts[r] ?? []
                case .host(let h): out.append(h)
                default: break
                }
            }
            return out
        }
        let left = names(a), right = names(b)
        switch (left, right) {
        case (nil, nil): return hostInfos.first?.name
        case (nil, let some?), (let some?, nil): return some.first
        case (let l?, let r?):
            let set = Set(l)
            return r.first { set.contains($0) }
        }
    }
}
