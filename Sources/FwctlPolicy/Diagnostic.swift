/// A message about the policy, tied to the exact source range it is about.
public struct Diagnostic: Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable, Comparable {
        case error, warning, note
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.error, .warning, .note]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    public var severity: Severity
    /// A stable identifier for tests and for suppressing (`E-unknown-name`, `W-unused-service`).
    public var id: String
    public var message: String
    public var range: SourceRange
    /// A suggestion shown after the caret: a did-you-mean, or the valid forms.
    public var help: String?
    /// Other places that explain this one (the earlier definition of a duplicate name...).
    public var notes: [Note]

    public struct Note: Hashable, Sendable {
        public var message: String
        public var range: SourceRange
        public init(message: String, range: SourceRange) {
            self.message = message.clippingNames()
            self.range = range
        }
    }

    /// Names in `message`, `help` and the notes are clipped here, once for every diagnostic
    /// (`clippingNames`): a 10 MB name in the policy makes no 10 MB message.
    public init(_ severity: Severity, id: String, _ message: String, at range: SourceRange, help: String? = nil, notes: [Note] = []) {
        self.severity = severity
        self.id = id
        self.message = message.clippingNames()
        self.range = range
        self.help = help?.clippingNames()
        self.notes = notes
    }
}
