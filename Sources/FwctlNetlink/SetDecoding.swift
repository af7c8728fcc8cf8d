import FwctlRuleset

/// A dumped set, once its elements are known: a named set of the model, or an anonymous
/// set kept aside for the rules that look it up.
enum DecodedSet {
    case named(NamedSet)
    case anonymous(SetKeyFormat, interval: Bool)

    /// nil for sets fwctl's model cannot hold (maps, objects, other key types). The set's
    /// extras are the header's and those of its elements, each named once.
    init?(_ h: TableDecoder.SetHeader, elements: [KernelSetElement]) {
        let interval = h.isInterval
        if h.flags & NFT.setAnonymous != 0 {
            self = .anonymous(h.key, interval: interval)
            return
        }
        if h.isDispatchMap {
            var out: [SetElement] = []
            for e in elements {
                guard let (proto, port) = DispatchKey.decode(e.key), let v = e.verdict?.verdict else { return nil }
                out.append(.dispatch(proto: proto, port: port, verdict: v))
            }
            out.sort { SetElement.dispatchOrder($0, $1) }
            // Element data is what a map's elements are; anything more is an extra.
            // nft writes a data byte order, a key typeof and a data-interval flag for such a map.
            let expected: Set<String> = ["flags map", "userdata type 1", "typeof", "userdata type 6", "element data"]
            let extras = Set((h.extras + elements.flatMap(\.extras)).filter { !expected.contains($0) }).sorted()
            self = .named(NamedSet(name: h.name, keyType: .protoService, isInterval: false, comment: h.comment, elements: out,
                                   extras: extras, handle: h.handle))
            return
        }
        guard h.isNamedModelSet, let type = h.key.keyType else { return nil }
        let ranges = SetElementCodec.ranges(elements, interval: interval)
        let extras = Set(h.extras + elements.flatMap(\.extras)).sorted()
        self = .named(NamedSet(name: h.name, keyType: type, isInterval: interval, comment: h.comment,
                               elements: ranges.compactMap { SetElement($0, type: type) }, extras: extras, handle: h.handle))
    }
}

extension SetElement {
    /// Dispatch elements by protocol number, then port (the compiler's order).
    static func dispatchOrder(_ a: SetElement, _ b: SetElement) -> Bool {
        guard case .dispatch(let p, let x, _) = a, case .dispatch(let q, let y, _) = b else { return false }
        return (p, x) < (q, y)
    }
}

extension TableDecoder.SetHeader {
    /// fwctl's dispatch map: `type inet_proto . inet_service : verdict`, nothing else.
    var isDispatchMap: Bool {
        flags == NFT.setMap && key.datatype == SetKeyFormat(.protoService).datatype && key.length == 8 && dataType == NFT.dataVerdict
    }

    var isInterval: Bool { flags & NFT.setInterval != 0 }

    /// A named set of a kind the model holds: maps, object maps and concatenations are not.
    var isNamedModelSet: Bool {
        guard flags & NFT.setAnonymous == 0, flags & (NFT.setMap | NFT.setObject | NFT.setConcat) == 0, let type = key.keyType else { return false }
        return key.length == SetKeyFormat(type).length
    }

    /// An interval set with no flag but interval and nothing else fwctl does not write:
    /// its elements change only through commits, which change the generation id. Interval
    /// sets have no packet-path update (`add @set` from a rule needs a hash set) and, without
    /// NFT_SET_TIMEOUT (0x10), no element expires; NFT_SET_EVAL (0x20) marks sets that rules
    /// fill. `constant` and every other extra is drift the next plan removes, so such a set is
    /// never remembered (whatever is remembered is a set as fwctl writes it).
    var onlyChangedByCommits: Bool {
        isInterval && flags & ~NFT.setInterval == 0 && extras.isEmpty
    }
}
