import FwctlNet

/// Legal but suspicious: the warnings. Each is computed in one pass (dictionaries, no
/// pairwise comparison of all flows) so a large policy checks in linear time.
extension Sema {
    /// Name parts that mark a data tier (`db`, `db-primary`, `orders_mysql`).
    static let databaseWords: Set<String> = [
        "db", "dbs", "database", "databases", "mysql", "mariadb", "postgres", "postgresql", "pg", "pgsql",
        "mongo", "mongodb", "redis", "sql", "mssql", "oracle", "cassandra", "couchdb", "elasticsearch",
    ]
    /// Earlier allows with the same ends kept for the shadow check (bounds its cost).
    static let shadowCandidates = 16

    /// Whole-policy warnings are computed only for a policy without errors: with a flow
    /// missing (it did not resolve) they would be guesses, such as an "unused" service that
    /// the broken flow uses. Review dates are local and always checked.
    mutating func warn(flows: [ResolvedFlow]) {
        for f in files.lazy.flatMap(\.flows) {
            if let date = f.metadata.reviewBy, date < today, let r = f.reviewRange {
                sink.warning("W-review-passed", "review date passed: \(date) is before today (\(today))", at: r, help: "review this flow and set the next review date")
            }
        }
        guard !sink.hasErrors else { return }
        for r in roles where r.hosts.isEmpty {
            sink.warning("W-empty-role", "role '\(r.name.text.clipped)' has no hosts", at: r.name.range, help: "add 'host NAME = ADDR' lines, or remove the role")
        }
        for s in serviceOrder where !usedServices.contains(s.name.text) {
            sink.warning("W-unused-service", "service '\(s.name.text.clipped)' is never used", at: s.name.range)
        }
        for n in networks where !usedNames.contains(n.name.text) {
            sink.warning("W-unused-network", "network '\(n.name.text.clipped)' is never used", at: n.name.range)
        }
        warnWideHosts()
        let internet = internetEnds()
        var families = EndFamilies()
        for f in flows {
            if !(f.flow.sources + f.flow.destinations).contains(where: namesHosts) {
                sink.warning("W-flow-no-host", "neither end of this flow names a fleet host: it compiles to nothing", at: f.flow.range,
                             help: "flows are enforced on the hosts at their ends: name a role, a host or '*'")
            } else {
                warnVacuous(f, &families)
            }
            if f.flow.action == .allow { warnDatabaseExposed(f, internet: internet) }
            if f.flow.action == .deny { warnSelfDeny(f) }
        }
        warnNoInbound(flows)
        warnShadowed(flows)
    }

    private func namesHosts(_ e: Endpoint) -> Bool {
        switch e {
        case .role, .host, .fleet: true
        case .network, .addresses: false
        }
    }

    /// The whole-family prefix an end contains, if any: a network or literal, or a host
    /// entry (and its roles) written as one (`host everyone = 0.0.0.0/0`).
    private func isInternet(_ e: Endpoint, _ internet: [String: String]) -> String? {
        let set: AddressSet
        switch e {
        case .network(let n): set = networkSets[n] ?? AddressSet()
        case .addresses(let s, _): set = s
        case .role(let n), .host(let n): return internet[n]
        case .fleet: return nil
        }
        if set.v4.isFull { return "0.0.0.0/0" }
        if set.v6.isFull { return "::/0" }
        return nil
    }

    private mutating func warnDatabaseExposed(_ f: ResolvedFlow, internet: [String: String]) {
        guard let source = f.flow.sources.first(where: { isInternet($0, internet) != nil }), let prefix = isInternet(source, internet) else { return }
        // Without errors every end resolved, so resolved and written ends pair up.
        for (e, syntax) in zip(f.flow.destinations, f.syntax.shape.destinations) {
            guard case .role(let name) = e else { continue }
            let words = name.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." })
            guard words.contains(where: { Self.databaseWords.contains(String($0)) }) else { continue }
            sink.warning("W-db-exposed", "database tier '\(name.clipped)' exposed to the internet ('\(source.description.clipped)' contains \(prefix))", at: syntax.range,
                         help: "admit only the tiers that need the database (app -> \(name.clipped))")
        }
    }

    private mutating func warnNoInbound(_ flows: [ResolvedFlow]) {
        var reachedRoles: Set<String> = [], reachedHosts: Set<String> = []
        for f in flows where f.flow.action == .allow {
            for e in f.flow.destinations {
                switch e {
                case .fleet: return
                case .role(let r): reachedRoles.insert(r)
                case .host(let h): reachedHosts.insert(h)
                default: break
                }
            }
        }
        // Hosts come role by role, so the last answer for a list of roles is usually the next one.
        var lastRoles: [String] = [], lastReached = false
        for h in hostInfos {
            // Past the cap a warning is only counted: skip making its message.
            guard !sink.warningsFull(h.nameRange.file) else { continue }
            guard reachedHosts.isEmpty || !reachedHosts.contains(h.name) else { continue }
            if h.roles != lastRoles {
                lastRoles = h.roles
                lastReached = h.roles.contains(where: reachedRoles.contains)
            }
            guard !lastReached else { continue }
            sink.warning("W-host-no-inbound", "host '\(h.name.clipped)' admits no inbound flow: no allow reaches it or its roles (\(h.roles.joined(separator: ", ")))", at: h.nameRange,
                         help: "legal for an outbound-only host, but even administration (ssh) needs an allow")
        }
    }

    /// The ends of a flow as written, order and repetition ignored: the shadow check's key.
    /// (Strings hash far faster than endpoints holding address sets.)
    private static func endsKey(_ shape: FlowShape) -> [String] {
        func key(_ e: EndSyntax) -> String {
            switch e {
            case .name(let n): n.text
            case .star: "*"
            case .address(let a): a.value.description
            }
        }
        return [Set(shape.sources.map(key)).sorted().joined(separator: ","), Set(shape.destinations.map(key)).sorted().joined(separator: ",")]
    }

    /// An allow whose ends equal an earlier allow's and whose services that allow already
    /// admits adds nothing. Only a few earlier allows per pair of ends are kept, and their
    /// coverage is computed only once a second allow with the same ends appears.
    private mutating func warnShadowed(_ flows: [ResolvedFlow]) {
        var earlier: [[String]: [Int]] = [:]
        var coverage: [Int: ServiceCoverage] = [:]
        for (i, f) in flows.enumerated() where f.flow.action == .allow {
            let key = Self.endsKey(f.syntax.shape)
            guard let candidates = earlier[key] else {
                earlier[key] = [i]
                continue
            }
            // A repeated statement is the common case: same services, no coverage needed.
            var shadowedBy = candidates.first { flows[$0].flow.services == f.flow.services }
            let mine = shadowedBy == nil ? ServiceCoverage(f.flow.services) : ServiceCoverage([])
            for c in candidates where shadowedBy == nil {
                if coverage[c] == nil { coverage[c] = ServiceCoverage(flows[c].flow.services) }
                if coverage[c]!.covers(mine) { shadowedBy = c; break }
            }
            if let c = shadowedBy {
                sink.warning("W-shadowed", "this allow adds nothing: an earlier allow with the same ends already admits its services", at: f.flow.range,
                             help: "remove it, or merge the two", notes: [.init(message: "already admitted here", range: flows[c].flow.range)])
            } else if candidates.count < Self.shadowCandidates {
                earlier[key]!.append(i)
                coverage[i] = mine
            }
        }
    }
}
