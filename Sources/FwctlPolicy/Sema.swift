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

    struct EndSymbol {
        var kind: EndKind
        var range: SourceRange
    }

    struct HostInfo {
        var addresses: AddressSet
        var roles: [String]
        var range: SourceRange
        var nameRange: SourceRange
    }

    let files: [FileSyntax]
    let today: CalendarDate
    var sink: DiagnosticSink

    var ends: [String: EndSymbol] = [:]
    var services: [String: ServiceSyntax] = [:]
    var networks: [NetworkSyntax] = []
    var networkSets: [String: AddressSet] = [:]
    var serviceOrder: [ServiceSyntax] = []
    var roles: [RoleSyntax] = []
    /// Each role's distinct host names, in order.
    var roleHosts: [String: [String]] = [:]
    var hosts: [String: HostInfo] = [:]
    var hostOrder: [String] = []
    var usedNames: Set<String> = []
    var usedServices: Set<String> = []

    init(files: [FileSyntax], today: CalendarDate, sink: DiagnosticSink) {
        self.files = files
        self.today = today
        self.sink = sink
    }

    /// Runs every check; the fleet is nil when there is any error (in parsing too).
    mutating func run() -> Fleet? {
        collectDefinitions()
        let flows = resolveFlows()
        let tests = resolveTests()
        let defaults = checkDefaults()
        warn(flows: flows)
        guard !sink.hasErrors else { return nil }
        return Fleet(
            networks: networks.map { Network(name: $0.name.text, addresses: networkSets[$0.name.text]!, range: $0.range) },
            services: serviceOrder.map { Service(name: $0.name.text, atoms: $0.atoms, range: $0.range) },
            roles: roles.map { Role(name: $0.name.text, hosts: roleHosts[$0.name.text] ?? [], range: $0.range) },
            hosts: hostOrder.map { n in let h = hosts[n]!; return Host(name: n, addresses: h.addresses, roles: h.roles, range: h.range) },
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
        for f in files {
            for s in f.services {
                if let first = services[s.name.text] {
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
        if let existing = ends[name.text] {
            if existing.kind == kind {
                sink.error("E-duplicate", "\(kind) '\(name.text.clipped)' is defined twice", at: name.range, notes: [.init(message: "first defined here", range: existing.range)])
            } else {
                sink.error("E-kind-clash", "'\(name.text.clipped)' is already a \(existing.kind); it cannot also be a \(kind)", at: name.range,
                           help: "roles, networks and hosts share one namespace (each can be a flow end): rename one",
                           notes: [.init(message: "the \(existing.kind) is defined here", range: existing.range)])
            }
            return false
        }
        ends[name.text] = EndSymbol(kind: kind, range: name.range)
        return true
    }

    private mutating func collectRole(_ r: RoleSyntax) {
        roles.append(r)
        var members: [String] = []
        var seen: [String: SourceRange] = [:]
        for h in r.hosts {
            let addresses = Self.set(h.addresses)
            if let first = seen[h.name.text] {
                sink.error("E-duplicate-host", "host '\(h.name.text.clipped)' is listed twice in role '\(r.name.text.clipped)'", at: h.name.range, notes: [.init(message: "first listed here", range: first)])
                continue
            }
            seen[h.name.text] = h.name.range
            if var existing = hosts[h.name.text] {
                guard existing.addresses == addresses else {
                    sink.error("E-host-conflict", "host '\(h.name.text.clipped)' has different addresses in role '\(r.name.text.clipped)' than in role '\(existing.roles.first ?? "")'", at: h.range,
                               help: "a host in several roles must list the same addresses in each",
                               notes: [.init(message: "defined here with other addresses", range: existing.range)])
                    continue
                }
                existing.roles.append(r.name.text)
                hosts[h.name.text] = existing
            } else {
                guard define(h.name, as: .host) else { continue }
                hosts[h.name.text] = HostInfo(addresses: addresses, roles: [r.name.text], range: h.range, nameRange: h.name.range)
                hostOrder.append(h.name.text)
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
