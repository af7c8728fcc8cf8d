import Foundation
import FwctlRuleset

/// Shows a plan to a person the way Terraform does: a legend of only the symbols used, one
/// line per object with `+` add, `~` change, `-` remove, `-/+` re-create, rules as nft text
/// followed by the policy line they came from, and the summary line.
///
/// Rules and elements are shown as `NftText` prints them; both can be swapped (tests do,
/// to keep expectations short).
public struct PlanRenderer: Sendable {
    /// nft text of a rule without its comment (the comment is shown as `# policy line`).
    public var ruleText: @Sendable (Rule) -> String
    /// nft text of one set element.
    public var elementText: @Sendable (SetElement) -> String
    /// ANSI colour on the symbols; only on a terminal and without NO_COLOR, the caller decides.
    public var colour: Bool
    /// How many elements of a newly added set to list before `... and N more`; `nil` lists
    /// all. Element changes of existing sets are always listed in full: they are the review.
    public var newSetElementLimit: Int?

    public init(ruleText: @escaping @Sendable (Rule) -> String = { NftText.render(rule: $0) },
                elementText: @escaping @Sendable (SetElement) -> String = { NftText.render(element: $0) },
                colour: Bool = false, newSetElementLimit: Int? = 20) {
        self.ruleText = ruleText
        self.elementText = elementText
        self.colour = colour
        self.newSetElementLimit = newSetElementLimit
    }

    /// The plan as text, newline-terminated.
    public func render(_ plan: Plan) -> String {
        if plan.isEmpty { return "No changes. The kernel's table matches the policy.\n" }
        let lines = PlanLines(plan: plan, renderer: self).lines
        var out = "Plan for table \(plan.table)"
        out += plan.generation.map { " (kernel generation \($0))" } ?? ""
        out += ".\nChanges are shown with these symbols:\n"
        for symbol in Symbol.allCases where lines.contains(where: { $0.symbol == symbol }) {
            out += "  \(paint(symbol)) \(symbol.meaning)\n"
        }
        out += "\n"
        for line in lines {
            out += String(repeating: "    ", count: line.depth) + "  \(paint(line.symbol)) \(line.text)\n"
        }
        out += "\n" + plan.summary.line + "\n"
        return out
    }

    /// The plan as the documented JSON (see Change+Codable.swift), in fwctl's JSON convention.
    public static func json(_ plan: Plan) throws -> String {
        try FwctlJSON.text(plan)
    }

    private func paint(_ s: Symbol) -> String {
        guard colour else { return s.rawValue }
        return "\u{1B}[\(s.ansi)m\(s.rawValue)\u{1B}[0m"
    }

    /// A rule line's text: `<nft text>  # <policy line>`.
    func describe(_ rule: Rule) -> String {
        var bare = rule
        bare.comment = nil
        let text = ruleText(bare)
        guard let comment = rule.comment, !comment.isEmpty else { return text }
        return text + "  # " + comment
    }
}

/// The symbols of a plan, in legend order.
enum Symbol: String, CaseIterable {
    case add = "+"
    case change = "~"
    case remove = "-"
    case replace = "-/+"

    var meaning: String {
        switch self {
        case .add: "add"
        case .change: "change in place"
        case .remove: "remove"
        case .replace: "remove and re-create (the kernel cannot change it in place)"
        }
    }

    /// Green, yellow, red, magenta: Terraform's colours.
    var ansi: String {
        switch self {
        case .add: "32"
        case .change: "33"
        case .remove: "31"
        case .replace: "35"
        }
    }
}
