import FwctlNet

/// Resolving the names of flows and expectations.
extension Sema {
    /// A flow that resolved, with its syntax kept for the warnings' positions.
    struct ResolvedFlow {
        var flow: Flow
        var syntax: FlowSyntax
    }

    mutating func resolveFlows() -> [ResolvedFlow] {
        var out: [ResolvedFlow] = []
        for f in files {
            for s in f.flows {
                guard let shape = resolve(s.shape) else { continue }
                let flow = Flow(action: s.action, sources: shape.sources, destinations: shape.destinations, services: shape.services,
                                metadata: s.metadata, range: s.range, text: s.shape.text)
                out.append(ResolvedFlow(flow: flow, syntax: s))
            }
        }
        return out
    }

    mutating func resolveTests() -> [PolicyTest] {
        var out: [PolicyTest] = []
        for f in files {
            for t in f.tests {
                var expectations: [Expectation] = []
                for e in t.expectations {
                    guard let shape = resolve(e.shape) else { continue }
                    expectations.append(Expectation(kind: e.kind, sources: shape.sources, destinations: shape.destinations,
                                                    services: shape.services, range: e.range, text: e.shape.text))
                }
                out.append(PolicyTest(name: t.name, expectations: expectations, range: t.range))
            }
        }
        return out
    }

    /// Resolves every name of a flow shape (reporting each unknown one); nil when any failed.
    private mutating func resolve(_ shape: FlowShape) -> (sources: [Endpoint], destinations: [Endpoint], services: [ServiceRef])? {
        var ok = shape.complete
        var sources: [Endpoint] = [], destinations: [Endpoint] = [], refs: [ServiceRef] = []
        for e in shape.sources { if let r = resolve(e) { sources.append(r) } else { ok = false } }
        for e in shape.destinations { if let r = resolve(e) { destinations.append(r) } else { ok = false } }
        for s in shape.services { if let r = resolve(s) { refs.append(r) } else { ok = false } }
        return ok ? (sources, destinations, refs) : nil
    }

    private mutating func resolve(_ end: EndSyntax) -> Endpoint? {
        switch end {
        case .star:
            return .fleet
        case .address(let a):
            var set = AddressSet()
            set.insert(a.value)
            return .addresses(set, text: a.text)
        case .name(let n):
            if let symbol = ends[n.text] {
                usedNames.insert(n.text)
                switch symbol.kind {
                case .role: return .role(n.text)
                case .network: return .network(n.text)
                case .host: return .host(n.text)
                }
            }
            guard !sink.isFull(n.range.file) else { return nil }
            let help: String?
            if services[n.text] != nil {
                help = "'\(n.text.clipped)' is a service, not a role, network or host; services follow the ':'"
            } else {
                help = DidYouMean.suggestion(for: n.text, among: endCandidates()).map { "did you mean '\($0)'?" }
            }
            sink.error("E-unknown-name", "unknown role, network or host '\(n.text.clipped)'", at: n.range, help: help)
            return nil
        }
    }

    /// Flow ends by likelihood: roles, then networks, then hosts, each sorted.
    private func endCandidates() -> [String] {
        let byKind = Dictionary(grouping: ends.keys) { ends[$0]!.kind }
        return [EndKind.role, .network, .host].flatMap { (byKind[$0] ?? []).sorted() }
    }

    private mutating func resolve(_ item: ServiceItemSyntax) -> ServiceRef? {
        switch item {
        case .inline(let atom, let text, _):
            return ServiceRef(name: text, isInline: true, atoms: [atom])
        case .name(let n):
            if let s = services[n.text] {
                usedServices.insert(n.text)
                return ServiceRef(name: n.text, isInline: false, atoms: s.atoms)
            }
            guard !sink.isFull(n.range.file) else { return nil }
            let help: String?
            if let symbol = ends[n.text] {
                help = "'\(n.text.clipped)' is a \(symbol.kind), not a service"
            } else {
                help = DidYouMean.suggestion(for: n.text, among: services.keys.sorted()).map { "did you mean '\($0)'?" }
                    ?? "define it (service \(n.text.clipped) = tcp/PORT) or write it inline (tcp/PORT)"
            }
            sink.error("E-unknown-name", "unknown service '\(n.text.clipped)'", at: n.range, help: help)
            return nil
        }
    }
}
