extension Table {
    /// The table with its sets and chains in the order `fwctl compile` prints them: sets by
    /// name; the base chains input, output, forward; then the chains their dispatch maps jump
    /// to, map by map in rule order, each map's chains by key (protocol number, then port);
    /// then any other chain, in listing order. The kernel lists objects in creation order,
    /// which after an incremental apply puts new chains after the kept ones: a table read
    /// back, put in this order, prints (and hashes) as the compiled one.
    public var inCompilerOrder: Table {
        var t = self
        t.sets.sort { $0.name < $1.name }
        let rank = ["input": 0, "output": 1, "forward": 2]
        let base = chains.indices.filter { rank[chains[$0].name] != nil }.sorted { rank[chains[$0].name]! < rank[chains[$1].name]! }
        var order = base
        var placed = Set(base)
        for i in base {
            for rule in chains[i].rules {
                for case .dispatch(let name) in rule.expressions {
                    guard let map = t.set(named: name) else { continue }
                    let keyed = map.elements.compactMap { e -> (UInt8, UInt16, String)? in
                        guard case .dispatch(let p, let port, let v) = e else { return nil }
                        switch v {
                        case .jump(let c), .goto(let c): return (p, port, c)
                        default: return nil
                        }
                    }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
                    for (_, _, target) in keyed {
                        guard let j = chains.firstIndex(where: { $0.name == target }), !placed.contains(j) else { continue }
                        order.append(j)
                        placed.insert(j)
                    }
                }
            }
        }
        order += chains.indices.filter { !placed.contains($0) }
        t.chains = order.map { chains[$0] }
        return t
    }
}
