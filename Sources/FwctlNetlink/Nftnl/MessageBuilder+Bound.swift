import CNftnl
#if canImport(Glibc)
import Glibc
#endif

/// An upper bound of the size libnftnl will write for an object, computed from the object
/// before anything is written: libnftnl's `nlmsg_build_payload` functions do not check the
/// buffer they write into, so the builder sizes its buffer from this bound first.
extension NftnlObject {
    /// nlmsghdr, nfgenmsg and the nests libnftnl opens without an attribute of their own
    /// (a chain's hook, a set's description, a rule's expression list, an element list).
    private static let messageOverhead = 128
    /// A list element, an expression's name and data nests, an element's key and data nests.
    static let itemOverhead = 32

    /// At least the size of the message holding this object (its elements too when
    /// `elements`, as `buildPayload` writes them).
    func messageBound(elements: Bool) -> Int {
        var bound = Self.messageOverhead + Self.attributesBound { a, len in
            switch kind {
            case .table: nftnl_table_get_data(ptr, a, len)
            case .chain: nftnl_chain_get_data(ptr, a, len)
            case .set: nftnl_set_get_data(ptr, a, len)
            case .rule: nftnl_rule_get_data(ptr, a, len)
            case .obj: nftnl_obj_get_data(ptr, a, len)
            case .flowtable: Self.flowtableAttribute(ptr, a, len)
            case .gen: nftnl_gen_get_data(ptr, a, len)
            case .setElem: nftnl_set_elem_get(ptr, a, len)
            }
        }
        if kind == .rule, let iter = nftnl_expr_iter_create(ptr) {
            defer { nftnl_expr_iter_destroy(iter) }
            while let e = nftnl_expr_iter_next(iter) {
                bound += Self.itemOverhead + Self.attributesBound { nftnl_expr_get(e, $0, $1) }
            }
        }
        if kind == .set, elements, let known = elementsBound {
            bound += known
        } else if kind == .set, elements, let iter = nftnl_set_elems_iter_create(ptr) {
            defer { nftnl_set_elems_iter_destroy(iter) }
            while let e = nftnl_set_elems_iter_next(iter) {
                bound += Self.elementBound(e)
            }
        }
        return bound
    }

    /// One element's share of the bound, from the attributes set on it.
    static func elementBound(_ e: OpaquePointer) -> Int {
        itemOverhead + attributesBound { nftnl_set_elem_get(e, $0, $1) }
    }

    /// libnftnl 1.2.4 declares but does not export `nftnl_flowtable_get_data`. fwctl builds
    /// flowtables by table and name only (to delete them); their other attributes are numbers.
    private static func flowtableAttribute(_ f: OpaquePointer, _ a: UInt16, _ len: UnsafeMutablePointer<UInt32>) -> UnsafeRawPointer? {
        guard nftnl_flowtable_is_set(f, a) else { return nil }
        if a == attr(NFTNL_FLOWTABLE_NAME) || a == attr(NFTNL_FLOWTABLE_TABLE), let s = nftnl_flowtable_get_str(f, a) {
            len.pointee = UInt32(strlen(s) + 1)
            return UnsafeRawPointer(s)
        }
        return nftnl_flowtable_get(f, a)
    }

    /// Sums, over every attribute set on one libnftnl object (libnftnl keeps them as bits of
    /// a 32-bit mask, so 0..<32 covers all), its netlink header, its padded value, and room
    /// for up to three nest headers around it (a verdict sits in DATA { VERDICT { CODE } }).
    private static func attributesBound(_ get: (UInt16, UnsafeMutablePointer<UInt32>) -> UnsafeRawPointer?) -> Int {
        var total = 0
        for a in UInt16(0)..<32 {
            var len: UInt32 = 0
            guard get(a, &len) != nil else { continue }
            // A getter that reports no length still wrote at most a u64 or a short value.
            total += attributeBound(length: Int(len))
        }
        return total
    }

    /// One attribute: its header, its padded value, room for three nest headers around it.
    static func attributeBound(length: Int) -> Int {
        let value = max(length, 16)
        return 4 + ((value + 3) & ~3) + 12
    }
}
