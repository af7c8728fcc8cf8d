import FwctlRuleset

/// A dumped set, once its elements are known: a named set of the model, or an anonymous
/// set kept aside for the rules that look it up.
enum DecodedSet {
    case named(NamedSet)
    case anonymous(SetKeyFormat, interval: Bool)

    /// nil for sets fwctl's model cannot hold (maps, objects, other key types).
    init?(_ h: TableDecoder.SetHeader, elements: [KernelSetElement]) {
        let interval = h.flags & NFT.setInterval != 0
        if h.flags & NFT.setAnonymous != 0 {
            self = .anonymous(h.key, interval: interval)
            return
        }
        // NFT_SET_MAP (0x8), NFT_SET_OBJECT (0x40), NFT_SET_CONCAT (0x80): not something fwctl models.
        guard h.flags & 0xc8 == 0, let type = h.key.keyType, h.key.length == SetKeyFormat(type).length else { return nil }
        let ranges = SetElementCodec.ranges(elements, interval: interval)
        self = .named(NamedSet(name: h.name, keyType: type, isInterval: interval, comment: h.comment,
                               elements: ranges.compactMap { SetElement($0, type: type) }, handle: h.handle))
    }
}
