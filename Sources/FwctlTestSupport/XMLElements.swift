import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What the audit report's HTML tests look for: a document parsed as XML, strictly.
public enum XMLElements {
    /// The names of the document's elements, and `name.class` for each class they carry
    /// (`table.matrix`); throws `ReaderFailure` when the text is not well-formed XML.
    public static func parse(_ text: String) throws -> Set<String> {
        final class Collector: NSObject, XMLParserDelegate {
            var names: Set<String> = []
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                names.insert(name)
                for c in (attributes["class"] ?? "").split(separator: " ") { names.insert("\(name).\(c)") }
            }
        }
        let parser = XMLParser(data: Data(text.utf8)), collector = Collector()
        parser.delegate = collector
        guard parser.parse() else {
            throw ReaderFailure("not well-formed XML at line \(parser.lineNumber), column \(parser.columnNumber): \(parser.parserError.map { "\($0)" } ?? "?")")
        }
        return collector.names
    }
}

/// A document that one of the test readers (`XMLElements`, `CSVRecords`) refuses, and why.
public struct ReaderFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
