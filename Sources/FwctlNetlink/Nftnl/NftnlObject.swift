import CNftnl
#if canImport(Glibc)
import Glibc
#endif

/// Attribute numbers import as named C enums (rawValue) or as plain Int; both become the
/// UInt16 libnftnl's setters take.
@inline(__always) func attr<T: RawRepresentable>(_ a: T) -> UInt16 where T.RawValue: BinaryInteger { UInt16(a.rawValue) }
@inline(__always) func attr(_ a: Int) -> UInt16 { UInt16(a) }

/// Copies a borrowed (pointer, length) result of a libnftnl getter before its owner is freed.
func copyBytes(_ p: UnsafeRawPointer?, _ len: UInt32) -> [UInt8] {
    guard let p, len > 0 else { return [] }
    return Array(UnsafeRawBufferPointer(start: p, count: Int(len)))
}

/// The kind of libnftnl object a handle points to, with its matching free function.
enum NftnlKind {
    case table, chain, set, rule, gen, setElem, obj, flowtable
}

/// Owns exactly one libnftnl object (table, chain, set, rule, gen, stateful object, flowtable) and frees it in deinit.
/// Getters on it return borrowed C memory; callers copy before the object goes away.
final class NftnlObject {
    let kind: NftnlKind
    let ptr: OpaquePointer
    /// For a set's element list: the bound of the elements added with `add(element:)`, summed
    /// as they are added, so sizing a message of 512 elements does not ask libnftnl for 32
    /// attributes of each (that cost as much as writing them).
    private(set) var elementsBound: Int?

    init(_ kind: NftnlKind) throws {
        let p: OpaquePointer?
        switch kind {
        case .table: p = nftnl_table_alloc()
        case .chain: p = nftnl_chain_alloc()
        case .set: p = nftnl_set_alloc()
        case .rule: p = nftnl_rule_alloc()
        case .gen: p = nftnl_gen_alloc()
        case .setElem: p = nftnl_set_elem_alloc()
        case .obj: p = nftnl_obj_alloc()
        case .flowtable: p = nftnl_flowtable_alloc()
        }
        guard let p else { throw NetlinkError(errno: ENOMEM, operation: "allocate libnftnl \(kind)") }
        self.kind = kind
        self.ptr = p
    }

    deinit {
        switch kind {
        case .table: nftnl_table_free(ptr)
        case .chain: nftnl_chain_free(ptr)
        case .set: nftnl_set_free(ptr)
        case .rule: nftnl_rule_free(ptr)
        case .gen: nftnl_gen_free(ptr)
        case .setElem: nftnl_set_elem_free(ptr)
        case .obj: nftnl_obj_free(ptr)
        case .flowtable: nftnl_flowtable_free(ptr)
        }
    }

    /// Hands `e` to this set (which then owns it), counting its share of the message bound
    /// from the attributes set on it: the same sum `messageBound` would make.
    func add(element e: OpaquePointer, bound: Int) {
        nftnl_set_elem_add(ptr, e)
        elementsBound = (elementsBound ?? 0) + bound
    }

    /// Parses one netlink message into this object (`nftnl_*_nlmsg_parse`).
    func parse(_ message: NetlinkMessage, elements: Bool = false) throws {
        let rc: Int32 = message.bytes.withUnsafeBytes { raw in
            let nlh = raw.baseAddress!.assumingMemoryBound(to: nlmsghdr.self)
            switch kind {
            case .table: return nftnl_table_nlmsg_parse(nlh, ptr)
            case .chain: return nftnl_chain_nlmsg_parse(nlh, ptr)
            case .set: return elements ? nftnl_set_elems_nlmsg_parse(nlh, ptr) : nftnl_set_nlmsg_parse(nlh, ptr)
            case .rule: return nftnl_rule_nlmsg_parse(nlh, ptr)
            case .gen: return nftnl_gen_nlmsg_parse(nlh, ptr)
            case .obj: return nftnl_obj_nlmsg_parse(nlh, ptr)
            case .flowtable: return nftnl_flowtable_nlmsg_parse(nlh, ptr)
            case .setElem: return -1
            }
        }
        guard rc >= 0 else { throw NetlinkError(errno: EINVAL, operation: "parse \(kind) message") }
    }

    /// Writes this object's attributes into a message being built (`nftnl_*_nlmsg_build_payload`).
    func buildPayload(_ nlh: UnsafeMutablePointer<nlmsghdr>, elements: Bool = false) {
        switch kind {
        case .table: nftnl_table_nlmsg_build_payload(nlh, ptr)
        case .chain: nftnl_chain_nlmsg_build_payload(nlh, ptr)
        case .set: elements ? nftnl_set_elems_nlmsg_build_payload(nlh, ptr) : nftnl_set_nlmsg_build_payload(nlh, ptr)
        case .rule: nftnl_rule_nlmsg_build_payload(nlh, ptr)
        case .obj: nftnl_obj_nlmsg_build_payload(nlh, ptr)
        case .flowtable: nftnl_flowtable_nlmsg_build_payload(nlh, ptr)
        case .gen, .setElem: break
        }
    }
}
