import CNftnl

/// One netlink attribute inside a message: its type (flag bits masked off), its payload,
/// and where its header starts, counted from the start of the message (the unit of the
/// kernel's NLMSGERR_ATTR_OFFS).
struct NetlinkAttribute {
    var type: UInt16
    /// NLA_F_NESTED: the payload is attributes.
    var isNested: Bool
    var payload: UnsafeRawBufferPointer
    var offset: Int
}

/// Walks netlink attributes with libmnl (`mnl_attr_ok` / `mnl_attr_next`, what libmnl's
/// `mnl_attr_for_each` macro expands to; Swift cannot import the macro): the one place
/// fwctl steps through TLVs, so alignment and length checks are libmnl's, not ours.
enum NetlinkAttributes {
    /// Calls `body` for each attribute in `message[start..<end]`; false when an attribute's
    /// length is malformed (shorter than its header or running past `end`) or `body` refuses.
    @discardableResult
    static func forEach(_ message: UnsafeRawBufferPointer, from start: Int, to end: Int,
                        _ body: (NetlinkAttribute) -> Bool) -> Bool {
        guard let base = message.baseAddress, start >= 0, start <= end, end <= message.count else { return false }
        var remaining = Int32(clamping: end - start)
        var attr = UnsafeRawPointer(base + start).assumingMemoryBound(to: nlattr.self)
        while remaining > 0 {
            guard mnl_attr_ok(attr, remaining) else { return false }
            let payload = UnsafeRawBufferPointer(start: mnl_attr_get_payload(attr), count: Int(mnl_attr_get_payload_len(attr)))
            let nested = attr.pointee.nla_type & UInt16(NLA_F_NESTED) != 0
            let here = NetlinkAttribute(type: mnl_attr_get_type(attr), isNested: nested, payload: payload, offset: UnsafeRawPointer(attr) - base)
            guard body(here) else { return false }
            let next = UnsafePointer(mnl_attr_next(attr)!)
            remaining -= Int32(UnsafeRawPointer(next) - UnsafeRawPointer(attr))
            attr = next
        }
        return true
    }

    /// The attributes nested in `attribute`'s payload.
    @discardableResult
    static func forEach(nestedIn attribute: NetlinkAttribute, of message: UnsafeRawBufferPointer,
                        _ body: (NetlinkAttribute) -> Bool) -> Bool {
        let start = attribute.payload.baseAddress.map { UnsafeRawPointer($0) - message.baseAddress! } ?? attribute.offset + 4
        return forEach(message, from: start, to: start + attribute.payload.count, body)
    }
}
