import FwctlEvaluator
import FwctlNet
import FwctlVerifier

extension LabPlan {
    /// Every ordered pair of ends, every family both have, every port. A host to itself is
    /// probed too: that traffic goes over loopback, which is where a policy's `deny` of a
    /// host to itself and the kernel could part ways.
    public var probes: [LabProbe] {
        var probes: [LabProbe] = []
        for source in ends {
            for destination in ends where destination.name != source.name || source.kind == .host {
                for (from, to) in [(source.v4, destination.v4), (source.v6, destination.v6)] {
                    guard let from, let to else { continue }
                    for port in ports {
                        let published = destination.name != source.name && isPublished(port, on: destination.name)
                        probes.append(LabProbe(source: source.name, destination: destination.name, from: from, to: to, port: port, published: published))
                    }
                }
            }
        }
        return probes
    }

    /// The verifier's verdict for the probe's NEW packet: the source host's output chain and
    /// the destination host's input chain must both admit it (a network end has no chain);
    /// for a port the destination publishes for its container, its forward chain as such
    /// connections see it instead of its input chain. A host's packet to itself is loopback,
    /// admitted whatever the chains say (see `Reachability.admits`).
    public static func predict(_ probe: LabProbe, _ model: FleetModel) -> Bool {
        if probe.isLoopback { return true }
        let packet = Packet(family: probe.to.family, source: probe.from, destination: probe.to,
                            proto: probe.port.proto.number, port: probe.port.port)
        let source = model.hosts.first { $0.name == probe.source }
        let destination = model.hosts.first { $0.name == probe.destination }
        let out = source?.output?.verdict(for: packet).verdict.admits ?? true
        let chain = probe.published ? destination?.forwarded : destination?.input
        let into = chain?.verdict(for: packet).verdict.admits ?? true
        return out && into
    }
}

extension LabProbe {
    /// From a host to itself.
    public var isLoopback: Bool { source == destination }
}
