import FwctlNet

/// Reads the value forms of service atoms: `tcp/443`, `udp/30000-30100`, the protocol of
/// `proto vrrp` / `proto 112`, and ICMP / ICMPv6 type names as nft spells them.
enum ServiceLiteral {
    static let icmpTypes: [String: UInt8] = [
        "echo-reply": 0, "destination-unreachable": 3, "redirect": 5, "echo-request": 8,
        "router-advertisement": 9, "router-solicitation": 10, "time-exceeded": 11,
        "parameter-problem": 12, "timestamp-request": 13, "timestamp-reply": 14,
    ]
    static let icmpv6Types: [String: UInt8] = [
        "destination-unreachable": 1, "packet-too-big": 2, "time-exceeded": 3,
        "parameter-problem": 4, "echo-request": 128, "echo-reply": 129,
        "nd-router-solicit": 133, "nd-router-advert": 134, "nd-neighbor-solicit": 135,
        "nd-neighbor-advert": 136, "nd-redirect": 137,
    ]

    /// `PROTO/PORT` or `PROTO/LO-HI`.
    static func ports(_ text: String) -> Result<ServiceAtom, AddressLiteral.Problem> {
        let slash = text.utf8.firstIndex(of: UInt8(ascii: "/"))!
        let protoText = String(text[..<slash]), portText = text[text.index(after: slash)...]
        guard let proto = PortProtocol(rawValue: protoText) else {
            let help = if let lower = PortProtocol(rawValue: protoText.lowercased()) {
                "protocols are written in lower case: \(lower.rawValue)/\(portText.clipped)"
            } else if IPProtocolNames.numbers[protoText] != nil {
                "'\(protoText.clipped)' has no ports: write proto \(protoText.clipped)"
            } else {
                "ports go with tcp, udp or sctp (tcp/443)"
            }
            return .failure(.init(id: "E-bad-service", message: "unknown port protocol '\(protoText.clipped)' in '\(text.clipped)'", help: help))
        }
        // A sign, a missing bound or a second dash: the whole port text is not a port.
        let portStart = text.utf8.distance(from: text.utf8.startIndex, to: portText.startIndex)
        let bounds = portText.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        if bounds.contains(where: \.isEmpty) || bounds.count == 2 && bounds[1].contains("-") {
            return .failure(notAPort(portText, at: portStart))
        }
        var values: [UInt16] = []
        for b in bounds {
            guard b.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return .failure(notAPort(b, at: text.utf8.distance(from: text.utf8.startIndex, to: b.startIndex)))
            }
            switch port(b) {
            case .success(let v): values.append(v)
            case .failure(let p): return .failure(p)
            }
        }
        let lo = values[0], hi = values.count > 1 ? values[1] : values[0]
        guard lo <= hi else {
            return .failure(.init(id: "E-bad-port", message: "port range \(portText.clipped) starts above its end", help: "write \(protoText.clipped)/\(hi)-\(lo)"))
        }
        return .success(.ports(proto, [PortRange(lo, hi)]))
    }

    static func port(_ text: Substring) -> Result<UInt16, AddressLiteral.Problem> {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return .failure(notAPort(text, at: nil))
        }
        guard text.utf8.count <= 5, let n = Int(text), (1...65535).contains(n) else {
            return .failure(.init(id: "E-bad-port", message: "port \(text.clipped) is out of range 1-65535", help: nil))
        }
        return .success(UInt16(n))
    }

    /// `'TEXT' is not a port number`, with the text's UTF-8 offsets in the atom when known.
    static func notAPort(_ text: Substring, at offset: Int?) -> AddressLiteral.Problem {
        .init(id: "E-bad-port", message: "'\(text)' is not a port number (1-65535)", help: "a port is a number 1-65535, a range is lo-hi",
              span: offset.map { $0..<$0 + text.utf8.count })
    }

    /// The protocol of `proto X`: a name from IPProtocolNames or a number 0-255. Protocols
    /// with their own atom (tcp, udp, sctp, icmp, icmpv6) are refused with the right form.
    static func proto(_ text: String) -> Result<UInt8, AddressLiteral.Problem> {
        let number: UInt8
        if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard text.utf8.count <= 3, let n = Int(text), n <= 255 else {
                return .failure(.init(id: "E-bad-protocol", message: "protocol number \(text.clipped) is out of range 0-255", help: nil))
            }
            number = UInt8(n)
        } else if let n = IPProtocolNames.numbers[text] {
            number = n
        } else {
            let names = Array(IPProtocolNames.numbers.keys)
            let help = DidYouMean.suggestion(for: text, among: names.sorted()).map { "did you mean '\($0)'?" } ?? "a protocol name (vrrp, gre, esp, ...) or a number 0-255"
            return .failure(.init(id: "E-bad-protocol", message: "unknown IP protocol '\(text.clipped)'", help: help))
        }
        switch number {
        case 6, 17, 132:
            let name = number == 6 ? "tcp" : number == 17 ? "udp" : "sctp"
            return .failure(.init(id: "E-bad-protocol", message: "'proto \(text.clipped)' would admit every \(name) port", help: "write \(name)/PORT, or \(name)/1-65535 for every port"))
        case 1:
            return .failure(.init(id: "E-bad-protocol", message: "'proto \(text.clipped)' is ICMP", help: "write icmp (optionally with types: icmp echo-request)"))
        case 58:
            return .failure(.init(id: "E-bad-protocol", message: "'proto \(text.clipped)' is ICMPv6", help: "write icmpv6 (optionally with types: icmpv6 echo-request)"))
        default:
            return .success(number)
        }
    }

    /// An ICMP (`v6 == false`) or ICMPv6 type: a name or a number 0-255.
    static func icmpType(_ text: String, v6: Bool) -> Result<UInt8, AddressLiteral.Problem> {
        if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard text.utf8.count <= 3, let n = Int(text), n <= 255 else {
                return .failure(.init(id: "E-bad-icmp-type", message: "\(v6 ? "ICMPv6" : "ICMP") type \(text.clipped) is out of range 0-255", help: nil))
            }
            return .success(UInt8(n))
        }
        let table = v6 ? icmpv6Types : icmpTypes
        if let n = table[text] { return .success(n) }
        let help = DidYouMean.suggestion(for: text, among: table.keys.sorted()).map { "did you mean '\($0)'?" }
            ?? "valid types: " + table.sorted { $0.value < $1.value }.map(\.key).joined(separator: ", ")
        return .failure(.init(id: "E-bad-icmp-type", message: "unknown \(v6 ? "ICMPv6" : "ICMP") type '\(text.clipped)'", help: help))
    }
}
