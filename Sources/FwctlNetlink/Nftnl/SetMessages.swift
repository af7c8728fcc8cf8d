import CNftnl
import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

/// Builds the NEWSET / NEWSETELEM / DELSETELEM messages for named and anonymous sets,
/// with the attributes and udata nft 1.0.6 writes (so `nft list` prints the keys right).
enum SetMessages {
    /// Kernel elements per NEWSETELEM message; keeps every message far below the scratch
    /// buffer and the kernel's per-message limits.
    static let chunk = 512

    static func chunkCount(_ elements: Int) -> Int { (elements + chunk - 1) / chunk }

    /// The kernel elements for model elements of `set`, exactly the ranges given: adjacent
    /// ranges stay separate elements (as nft loads `{ 192.0.2.10, 192.0.2.11 }`), so a set
    /// reads back as it was written and adding one host adds exactly its own element.
    /// Deleting omits nft's leading zero END element, which belongs to the set rather than
    /// to any range. Overlapping ranges are the caller's error (the kernel refuses them).
    static func kernelElements(_ set: NamedSet, _ elements: [SetElement], adding: Bool) -> [KernelSetElement] {
        if set.isVerdictMap {
            // A key finds the element to delete: its verdict goes only with an addition.
            return elements.compactMap {
                guard case .dispatch(let proto, let port, let v) = $0 else { return nil }
                return KernelSetElement(key: DispatchKey.bytes(proto: proto, port: port), verdict: adding ? KernelVerdict(v) : nil)
            }
        }
        let key = SetKeyFormat(set.keyType)
        // The compiler's sets come sorted and distinct: checked in one pass, sorted only if not.
        var ranges = elements.map(\.keyRange)
        if !zip(ranges, ranges.dropFirst()).allSatisfy({ $0.lowerBound < $1.lowerBound }) {
            ranges = Array(Set(ranges)).sorted { $0.lowerBound < $1.lowerBound }
        }
        var out = SetElementCodec.kernelElements(ranges, keyLength: key.length, interval: set.isInterval)
        if !adding, let first = out.first, first.isEnd { out.removeFirst() }
        return out
    }

    static func newSet(table: TableRef, name: String, key: SetKeyFormat, flags: UInt32, id: UInt32,
                       comment: String?, size: Int?, origin: KeyOrigin? = nil) throws -> NftnlObject {
        let s = try NftnlObject(.set)
        nftnl_set_set_str(s.ptr, attr(NFTNL_SET_TABLE), table.name)
        nftnl_set_set_str(s.ptr, attr(NFTNL_SET_NAME), name)
        nftnl_set_set_u32(s.ptr, attr(NFTNL_SET_FAMILY), UInt32(table.family.nfproto))
        nftnl_set_set_u32(s.ptr, attr(NFTNL_SET_FLAGS), flags)
        nftnl_set_set_u32(s.ptr, attr(NFTNL_SET_KEY_TYPE), key.datatype)
        nftnl_set_set_u32(s.ptr, attr(NFTNL_SET_KEY_LEN), UInt32(key.length))
        nftnl_set_set_u32(s.ptr, attr(NFTNL_SET_ID), id)
        if flags & NFT.setMap != 0 {
            nftnl_set_set_u32(s.ptr, attr(NFTNL_SET_DATA_TYPE), NFT.dataVerdict)
            nftnl_set_set_u32(s.ptr, attr(NFTNL_SET_DATA_LEN), 0)
        }
        if let size { nftnl_set_set_u32(s.ptr, attr(NFTNL_SET_DESC_SIZE), UInt32(size)) }
        let udata = try userData(name: name, key: key, flags: flags, comment: comment, origin: origin)
        let bytes = udata.bytes
        bytes.withUnsafeBytes { _ = nftnl_set_set_data(s.ptr, attr(NFTNL_SET_USERDATA), $0.baseAddress, UInt32($0.count)) }
        return s
    }

    /// The set's udata as nft writes it: key byte order, comment; for a rule's anonymous set
    /// also auto-merge (interval sets) and the payload field its keys come from.
    static func userData(name: String, key: SetKeyFormat, flags: UInt32, comment: String?, origin: KeyOrigin?) throws -> UserData {
        var udata = UserData()
        udata.append(UserData.setKeyByteorder, u32: key.byteorder)
        if let origin {
            // What nft writes for the anonymous sets of a rule: auto-merge on interval sets,
            // and the payload field the keys come from.
            if flags & NFT.setInterval != 0 { udata.append(UserData.setMergeElements, u32: 1) }
            udata.append(UserData.setKeyTypeof, nested: origin.userData)
        }
        if let comment {
            guard comment.utf8.count < UserData.commentMaxLength else {
                throw EncodingError(object: "set \(name)", reason: "comment longer than \(UserData.commentMaxLength - 1) bytes")
            }
            udata.append(UserData.setComment, string: comment)
        }
        return udata
    }

    /// Element-list objects (one per message) for the set `name` (or the anonymous set `id`).
    static func elementLists(table: TableRef, name: String, id: UInt32?, elements: [KernelSetElement]) throws -> [NftnlObject] {
        try stride(from: 0, to: elements.count, by: chunk).map { start in
            let s = try NftnlObject(.set)
            nftnl_set_set_str(s.ptr, attr(NFTNL_SET_TABLE), table.name)
            nftnl_set_set_str(s.ptr, attr(NFTNL_SET_NAME), name)
            if let id { nftnl_set_set_u32(s.ptr, attr(NFTNL_SET_ID), id) }
            for k in elements[start..<min(start + chunk, elements.count)] {
                guard let e = nftnl_set_elem_alloc() else { throw NetlinkError(errno: ENOMEM, operation: "allocate set element") }
                // Each attribute set adds its share of the message bound (`attributeBound`).
                var bound = NftnlObject.itemOverhead
                func set(_ a: UInt16, _ bytes: [UInt8]) {
                    bytes.withUnsafeBytes { _ = nftnl_set_elem_set(e, a, $0.baseAddress, UInt32($0.count)) }
                    bound += NftnlObject.attributeBound(length: bytes.count)
                }
                func set(_ a: UInt16, u32 value: UInt32) {
                    nftnl_set_elem_set_u32(e, a, value)
                    bound += NftnlObject.attributeBound(length: 4)
                }
                set(attr(NFTNL_SET_ELEM_KEY), k.key)
                if k.isEnd { set(attr(NFTNL_SET_ELEM_FLAGS), u32: NFT.elemIntervalEnd) }
                if let v = k.verdict {
                    set(attr(NFTNL_SET_ELEM_VERDICT), u32: UInt32(bitPattern: v.code))
                    if let c = v.chain {
                        _ = nftnl_set_elem_set_str(e, attr(NFTNL_SET_ELEM_CHAIN), c)
                        bound += NftnlObject.attributeBound(length: c.utf8.count + 1)
                    }
                }
                if k.isOpen {
                    var u = UserData()
                    u.append(UserData.elemFlags, u32: UserData.elemFlagIntervalOpen)
                    set(attr(NFTNL_SET_ELEM_USERDATA), u.bytes)
                }
                s.add(element: e, bound: bound)   // the set now owns the element
            }
            return s
        }
    }

    /// Reads one dumped element (borrowed from its set).
    static func kernelElement(_ e: OpaquePointer) -> KernelSetElement {
        var len: UInt32 = 0
        let key = copyBytes(nftnl_set_elem_get(e, attr(NFTNL_SET_ELEM_KEY), &len), len)
        let flags = nftnl_set_elem_is_set(e, attr(NFTNL_SET_ELEM_FLAGS)) ? nftnl_set_elem_get_u32(e, attr(NFTNL_SET_ELEM_FLAGS)) : 0
        var open = false
        var udata: UserData?
        if nftnl_set_elem_is_set(e, attr(NFTNL_SET_ELEM_USERDATA)) {
            var ulen: UInt32 = 0
            let u = UserData(bytes: copyBytes(nftnl_set_elem_get(e, attr(NFTNL_SET_ELEM_USERDATA), &ulen), ulen))
            open = (u.u32(UserData.elemFlags) ?? 0) & UserData.elemFlagIntervalOpen != 0
            udata = u
        }
        var verdict: KernelVerdict?
        if nftnl_set_elem_is_set(e, attr(NFTNL_SET_ELEM_VERDICT)) {
            let chain = nftnl_set_elem_is_set(e, attr(NFTNL_SET_ELEM_CHAIN)) ? nftnl_set_elem_get_str(e, attr(NFTNL_SET_ELEM_CHAIN)).map { String(cString: $0) } : nil
            verdict = KernelVerdict(code: Int32(bitPattern: nftnl_set_elem_get_u32(e, attr(NFTNL_SET_ELEM_VERDICT))), chain: chain)
        }
        return KernelSetElement(key: key, isEnd: flags & NFT.elemIntervalEnd != 0, isOpen: open,
                                extras: SetExtras.of(element: e, udata: udata), verdict: verdict)
    }
}
