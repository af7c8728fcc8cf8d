import FwctlNet

/// Checks a whole policy (every file's syntax together) and builds its `Fleet`.
///
/// Names are global to the policy and may be used before they are defined, so definitions
/// are collected first (in file and source order, which decides what "first defined here"
/// means), then flows and tests are resolved, then the warnings are computed.
struct Sema {
    /// Roles, networks and hosts share one namespace (they are all flow ends); services have
    /// their own, so `role dns` and `service dns` may coexist.
    enum EndKind: String { case role, network, host }

    /// A defined name: small and free of references, as a 100,000-host policy stores one
    /// per host (its range lives in `hostInfos` or `definedRanges`; see `range(of:)`).
    struct EndSymbol {
        var kind: EndKind
        /// For a host, its position in `hostInfos`; for a role or network, in `definedRanges`.
        var index: Int
    }

    struct HostInfo {
        var name: String
        var addresses: AddressSet
        var roles: [String]
        var range: SourceRange
        var nameRange: SourceRange
    }

    let files: [FileSyntax]
    let today: CalendarDate
    /// False when the caller shows no warnings: the whole-fleet ones are then not computed.
    let warnings: Bool
    var sink: DiagnosticSink

    var ends: [String: EndSymbol] = [:]
    /// Where each role and network name is defined, indexed by `EndSymbol.index`.
    var definedRanges: [SourceRange] = []
    var services: [String: ServiceSyntax] = [:]
    var networks: [NetworkSyntax] = []
    var networkSets: [String: AddressSet] = [:]
    var serviceOrder: [ServiceSyntax] = []
    var roles: [RoleSyntax] = []
    /// Each role's distinct host names, in order.
    var roleHosts: [String: [String]] = [:]
    /// Hosts in order of first definition; `ends` maps their names here, so a host costs one
    /// name lookup rather than one per table (100,000-host roles are hashing-bound).
    var hostInfos: [HostInfo] = []
    var usedNames: Set<String> = []
    var usedServices: Set<String> = []
    /// Definitions that clash with one in another file (see `reportSeparateFleets`).
    var crossFileClashes: [CrossFileClash] = []

    init(files: [FileSyntax], today: CalendarDate, warnings: Bool = true, sink: DiagnosticSink) {
        self.files = files
        self.today = today
        self.warnings = warnings
        self.sink = sink
    }

    /// Runs every check; the fleet is nil when there is any error (in parsing too).
    mutating func run() -> Fleet? {
        collectDefinitions()
        if reportSeparateFleets() { return nil }
        checkSharedAddresses()
        checkUnicastHosts()
        let flows = resolveFlows()
        let tests = resolveTests()
        let defaults = checkDefaults()
        if warnings { warn(flows: flows) }
        guard !sink.hasErrors else { return nil }
        return Fleet(
            networks: networks.map { Network(name: $0.name.text, addresses: networkSets[$0.name.text]!, range: $0.range) },
            services: serviceOrder.map { Service(name: $0.name.text, atoms: $0.atoms, range: $0.range) },
            roles: roles.map { Role(name: $0.name.text, hosts: roleHosts[$0.name.text] ?? [], range: $0.range) },
            hosts: hostInfos.map { Host(name: $0.name, addresses: $0.addresses, roles: $0.roles, range: $0.range) },
            flows: flows.map(\.flow),
            tests: tests,
            defaults: defaults)
    }

    static func set(_ addresses: [AddressSyntax]) -> AddressSet {
        var s = AddressSet()
        for a in addresses { s.insert(a.value) }
        return s
    }

    private mutating func collectDefinitions() {
        // Sized up front: growing tables of 100,000 names rehashes every name several times.
        var names = 0
        for f in files {
            names += f.networks.count + f.roles.count
            for r in f.roles { names += r.hosts.count }
        }
        ends.reserveCapacity(names)
        hostInfos.reserveCapacity(names)
        for f in files {
            for s in f.services {
                checkLength(s.name, "service")
                if let first = services[s.name.text] {
                    if crossFileClash("service '\(s.name.text.clipped)'", at: s.name.range, first: first.name.range) { continue }
                    sink.error("E-duplicate", "service '\(s.name.text.clipped)' is defined twice", at: s.name.range, notes: [.init(message: "first defined here", range: first.name.range)])
                } else {
                    services[s.name.text] = s
                    serviceOrder.append(s)
                }
            }
            // Networks and roles interleaved in source order, so notes point at the earlier one.
            var statements: [(offset: Int, network: NetworkSyntax?, role: RoleSyntax?)] = f.networks.map { ($0.range.start.offset, $0, nil) }
            statements += f.roles.map { ($0.range.start.offset, nil, $0) }
            statements.sort { $0.offset < $1.offset }
            for s in statements {
                if let n = s.network, define(n.name, as: .network) {
                    networks.append(n)
                    networkSets[n.name.text] = Self.set(n.addresses)
                }
                if let r = s.role, define(r.name, as: .role) { collectRole(r) }
            }
        }
    }

    /// Records a role, network or host name; reports a duplicate or a clash of kinds.
    private mutating func define(_ name: NameSyntax, as kind: EndKind) -> Bool {
        checkLength(name, kind.rawValue)
        let (existing, isNew) = Self.lookUpOrInsert(&ends, name.text, EndSymbol(kind: kind, index: definedRanges.count))
        if isNew { definedRanges.append(name.range) } else { report(name, as: kind, existing: existing) }
        return isNew
    }

    /// Where the symbol's name is defined.
    func range(of symbol: EndSymbol) -> SourceRange {
        symbol.kind == .host ? hostInfos[symbol.index].nameRange : definedRanges[symbol.index]
    }

    private mutating func report(_ name: NameSyntax, as kind: EndKind, existing: EndSymbol) {
        if crossFileClash("\(kind) '\(name.text.clipped)'", at: name.range, first: range(of: existing)) { return }
        if existing.kind == kind {
            sink.error("E-duplicate", "\(kind) '\(name.text.clipped)' is defined twice", at: name.range, notes: [.init(message: "first defined here", range: range(of: existing))])
        } else {
            sink.error("E-kind-clash", "'\(name.text.clipped)' is already a \(existing.kind); it cannot also be a \(kind)", at: name.range,
                       help: "roles, networks and hosts share one namespace (each can be a flow end): rename one",
                       notes: [.init(message: "the \(existing.kind) is defined here", range: range(of: existing))])
        }
    }

    /// The value for `key`, inserting `value` when there is none, in one hash of the key.
    static func lookUpOrInsert<V>(_ table: inout [String: V], _ key: String, _ value: V) -> (value: V, inserted: Bool) {
        let before = table.count
        func read(_ v: inout V) -> V { v }
        let found = read(&table[key, default: value])
        return (found, table.count != before)
    }

    private mutating func collectRole(_ r: RoleSyntax) {
        roles.append(r)
        var members: [String] = []
        members.reserveCapacity(r.hosts.count)
        // Names listed earlier in this role that were already defined before it; a host this
        // role defines is recognised by its position, so most names are hashed only once.
        var seen: [String: SourceRange] = [:]
        let firstNewHost = hostInfos.count
        for h in r.hosts {
            let addresses = Self.set(h.addresses)
            let symbol = EndSymbol(kind: .host, index: hostInfos.count)
            let (existing, isNew) = Self.lookUpOrInsert(&ends, h.name.text, symbol)
            if !isNew {
                var first: SourceRange? = nil
                if existing.kind == .host && existing.index >= firstNewHost {
                    first = hostInfos[existing.index].nameRange
                } else {
                    let (range, isFirst) = Self.lookUpOrInsert(&seen, h.name.text, h.name.range)
                    if !isFirst { first = range }
                }
                if let first {
                    sink.error("E-duplicate-host", "host '\(h.name.text.clipped)' is listed twice in role '\(r.name.text.clipped)'", at: h.name.range, notes: [.init(message: "first listed here", range: first)])
                    continue
                }
            }
            if isNew {
                checkLength(h.name, "host")
                hostInfos.append(HostInfo(name: h.name.text, addresses: addresses, roles: [r.name.text], range: h.range, nameRange: h.name.range))
            } else if existing.kind == .host {
                let info = hostInfos[existing.index]
                guard info.addresses == addresses else {
                    // In another file: most often another fleet's host of the same name.
                    if crossFileClash("host '\(h.name.text.clipped)'", at: h.name.range, first: info.nameRange) { continue }
                    sink.error("E-host-conflict", "host '\(h.name.text.clipped)' has different addresses in role '\(r.name.text.clipped)' than in role '\(info.roles.first ?? "")'", at: h.range,
                               help: "a host in several roles must list the same addresses in each",
                               notes: [.init(message: "defined here with other addresses", range: info.range)])
                    continue
                }
                hostInfos[existing.index].roles.append(r.name.text)
            } else {
                report(h.name, as: .host, existing: existing)
                continue
            }
            members.append(h.name.text)
        }
        roleHosts[r.name.text] = members
    }

    private mutating func checkDefaults() -> Defaults {
        let all = files.flatMap(\.defaults)
        for extra in all.dropFirst() {
            sink.error("E-duplicate-defaults", "a policy has at most one defaults block", at: extra.keywordRange,
                       notes: [.init(message: "the first defaults block", range: all[0].keywordRange)])
        }
        return all.first?.values ?? Defaults()
    }
}
