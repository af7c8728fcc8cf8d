/// A name defined in two files of one policy directory. Names are global to a policy, so two
/// files that both define `role web` are most often two separate fleets put in one directory
/// (`--policy policies`); reporting each clash, and then every flow whose role lost its hosts
/// as an unknown name, would bury that in a cascade of errors. Such clashes are gathered per
/// pair of files and reported once per pair, and the policy is checked no further. Only a
/// clash of roles, networks or hosts (the fleet itself) means that; services defined in two
/// files of one fleet are reported as the duplicates they are.
extension Sema {
    struct CrossFileClash {
        /// `role 'web'`, `host 's1'`.
        var what: String
        var range: SourceRange
        var first: SourceRange
    }

    /// Records a definition of `what` at `range` that clashes with one at `first` when the two
    /// are in different files; false (nothing recorded) when they are in the same file.
    mutating func crossFileClash(_ what: String, at range: SourceRange, first: SourceRange) -> Bool {
        guard range.file != first.file else { return false }
        crossFileClashes.append(CrossFileClash(what: what, range: range, first: first))
        return true
    }

    /// One error per pair of files whose definitions clash; true when there was any.
    mutating func reportSeparateFleets() -> Bool {
        guard crossFileClashes.contains(where: { !$0.what.hasPrefix("service ") }) else {
            for c in crossFileClashes {
                sink.error("E-duplicate", "\(c.what) is defined twice", at: c.range, notes: [.init(message: "first defined here", range: c.first)])
            }
            return false
        }
        var pairs: [[String]: [CrossFileClash]] = [:], order: [[String]] = []
        for c in crossFileClashes {
            let key = [c.first.file, c.range.file]
            if pairs[key] == nil { order.append(key) }
            pairs[key, default: []].append(c)
        }
        for key in order {
            // Roles, networks and hosts first: they are what makes two fleets.
            let clashes = pairs[key]!.filter { !$0.what.hasPrefix("service ") } + pairs[key]!.filter { $0.what.hasPrefix("service ") }
            let shown = clashes.prefix(3).map(\.what).joined(separator: ", ")
            let more = clashes.count > 3 ? " and \(clashes.count - 3) more" : ""
            let other = key[0].split(separator: "/").last.map(String.init) ?? key[0]
            sink.error("E-separate-fleets", "this file and \(other.clipped) define the same names (\(shown)\(more)): they look like separate fleets", at: clashes[0].range,
                       help: "the *.policy files of a directory form one policy, where a name means one thing: check each fleet on its own (--policy FILE), or rename; nothing else was checked",
                       notes: [.init(message: "\(clashes[0].what) is first defined here", range: clashes[0].first)])
        }
        return true
    }
}
