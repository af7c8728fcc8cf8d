extension Fleet {
    /// The host a command works on: `name`, or this machine (`hostname`, its short hostname)
    /// when no name is given. Throws `UnknownHost` when the policy has no such host.
    public func chosenHost(_ name: String?, hostname: String) throws(UnknownHost) -> String {
        let chosen = name ?? hostname
        guard host(named: chosen) != nil else {
            throw UnknownHost(name: chosen, isHostname: name == nil, known: hosts.map(\.name))
        }
        return chosen
    }
}

/// A host name the policy does not define: said with the closest known name and the list.
public struct UnknownHost: Error, Equatable, CustomStringConvertible {
    public let name: String
    /// The name is this machine's hostname (no host was named on the command line).
    public let isHostname: Bool
    public let known: [String]

    public init(name: String, isHostname: Bool, known: [String]) {
        (self.name, self.isHostname, self.known) = (name, isHostname, known)
    }

    public var description: String {
        let suggestion = DidYouMean.suggestion(for: name, among: known, ignoringCase: true).map { " Did you mean '\($0)'?" } ?? ""
        let list = known.isEmpty ? "The policy defines no hosts." : "Known hosts: \(known.joined(separator: ", "))."
        let origin = isHostname ? " (this machine's hostname; pass --host NAME or --all)" : ""
        return "unknown host '\(name)'\(origin).\(suggestion) \(list)"
    }
}
