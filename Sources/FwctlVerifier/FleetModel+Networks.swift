import FwctlNet

extension FleetModel {
    /// What a named network stands for as an end, in every view that names ends (`fwctl test`,
    /// `fwctl diff`, the matrix of `verify --matrix` and of the audit report): the addresses
    /// only it describes, not the fleet's hosts' and not those of a smaller named network
    /// inside it (`internet` is not `ops-vpn`, which a policy usually treats apart). When
    /// nothing is left, the whole network outside the fleet.
    public func endAddresses(ofNetwork name: String) -> AddressSet {
        ownAddresses(ofNetwork: name) ?? (networks[name] ?? AddressSet()).subtracting(fleetAddresses)
    }

    /// The addresses only the network `name` describes (see `endAddresses`); nil when none is left.
    func ownAddresses(ofNetwork name: String) -> AddressSet? {
        guard let all = networks[name] else { return nil }
        var own = all.subtracting(fleetAddresses)
        for (other, addresses) in networks where other != name && !addresses.isEmpty {
            if all.isSuperset(of: addresses) && !addresses.isSuperset(of: all) { own = own.subtracting(addresses) }
        }
        return own.isEmpty ? nil : own
    }
}
