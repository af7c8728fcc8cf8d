import FwctlNet

/// The syntax of one policy file as written, every piece with its source range.
///
/// Values that can be checked on their own (addresses, ports, dates, defaults) are already
/// parsed here; what needs the whole policy (names, kinds, duplicates) is left to `Sema`.
struct FileSyntax: Sendable {
    var networks: [NetworkSyntax] = []
    var services: [ServiceSyntax] = []
    var roles: [RoleSyntax] = []
    var flows: [FlowSyntax] = []
    var defaults: [DefaultsSyntax] = []
    var tests: [TestSyntax] = []
}

/// A name as written, where it was written.
struct NameSyntax: Sendable {
    var text: String
    var range: SourceRange
}

/// An address, prefix or range literal.
struct AddressSyntax: Sendable {
    var value: AddressRange
    var text: String
    var range: SourceRange
}

struct NetworkSyntax: Sendable {
    var name: NameSyntax
    var addresses: [AddressSyntax]
    var range: SourceRange
}

struct ServiceSyntax: Sendable {
    var name: NameSyntax
    var atoms: [ServiceAtom]
    var range: SourceRange
}

struct HostSyntax: Sendable {
    var name: NameSyntax
    var addresses: [AddressSyntax]
    var range: SourceRange
}

struct RoleSyntax: Sendable {
    var name: NameSyntax
    var hosts: [HostSyntax]
    var range: SourceRange
}

/// One end of a flow: a name (resolved later), `*`, or a literal address.
enum EndSyntax: Sendable {
    case name(NameSyntax)
    case star(SourceRange)
    case address(AddressSyntax)

    var range: SourceRange {
        switch self {
        case .name(let n): n.range
        case .star(let r): r
        case .address(let a): a.range
        }
    }
}

/// One item of a flow's service list: a service name, or an inline atom with its text.
enum ServiceItemSyntax: Sendable {
    case name(NameSyntax)
    case inline(ServiceAtom, text: String, range: SourceRange)
}

/// `SRC -> DST : SVC, ...`, shared by `allow`, `deny` and `expect`.
struct FlowShape: Sendable {
    var sources: [EndSyntax]
    var destinations: [EndSyntax]
    var services: [ServiceItemSyntax]
    /// The flow on one line, whitespace collapsed.
    var text: String
    /// False when a part was bad and left out (already reported): no warnings about it.
    var complete: Bool
}

struct FlowSyntax: Sendable {
    var action: FlowAction
    var shape: FlowShape
    var metadata: FlowMetadata
    /// The `{ ... }` metadata block, when written.
    var metadataRange: SourceRange?
    /// The review date, for the "review date passed" warning.
    var reviewRange: SourceRange?
    var range: SourceRange
}

struct DefaultsSyntax: Sendable {
    var values: Defaults
    var range: SourceRange
    /// The `defaults` keyword (a block may span many lines).
    var keywordRange: SourceRange
}

struct ExpectationSyntax: Sendable {
    var kind: Expectation.Kind
    var shape: FlowShape
    var range: SourceRange
}

struct TestSyntax: Sendable {
    var name: String
    var expectations: [ExpectationSyntax]
    var range: SourceRange
}
