/// One policy file's text, with a line index for positions.
public struct SourceFile: Hashable, Sendable {
    /// The path as the user gave it (or as found in the policy directory), shown in diagnostics.
    public let path: String
    public let text: String
    /// UTF-8 offset of the start of each line.
    public let lineStarts: [Int]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        var starts = [0]
        // Scanning the contiguous bytes (not `utf8.enumerated()`) keeps a 50 MB policy fast
        // in debug builds too.
        let found: Void? = text.utf8.withContiguousStorageIfAvailable { buf in
            for i in 0..<buf.count where buf[i] == 0x0A { starts.append(i + 1) }
        }
        if found == nil {
            for (i, b) in text.utf8.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        }
        lineStarts = starts
    }

    /// The text of line `line` (1-based), without its newline.
    public func line(_ line: Int) -> Substring {
        guard line >= 1 && line <= lineStarts.count else { return "" }
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: lineStarts[line - 1])
        var end = line < lineStarts.count ? utf8.index(utf8.startIndex, offsetBy: lineStarts[line] - 1) : utf8.endIndex
        if end > start, utf8[utf8.index(before: end)] == UInt8(ascii: "\r") { end = utf8.index(before: end) }
        return text[start..<end]
    }

    /// The position of a UTF-8 offset: 1-based line, 1-based column (in UTF-8 bytes).
    public func position(ofOffset offset: Int) -> SourcePosition {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return SourcePosition(line: lo + 1, column: offset - lineStarts[lo] + 1, offset: offset)
    }
}

/// A position in a source file: line and column are 1-based; offset is the UTF-8 offset.
public struct SourcePosition: Hashable, Sendable, Comparable {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool { a.offset < b.offset }
}

/// A range of one source file: `start` inclusive, `end` exclusive.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var start: SourcePosition
    public var end: SourcePosition

    public init(file: String, start: SourcePosition, end: SourcePosition) {
        self.file = file
        self.start = start
        self.end = end
    }

    /// `file:line:col`, as diagnostics and rule comments print it.
    public var description: String { "\(file):\(start.line):\(start.column)" }
    /// `file:line`, the short form rule comments use.
    public var fileLine: String { "\(file):\(start.line)" }
}
