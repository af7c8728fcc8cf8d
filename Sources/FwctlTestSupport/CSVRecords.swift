/// An RFC 4180 reader as strict as the audit export's CSV promises to be: quoted fields with
/// doubled quotes and line breaks inside, every record (the last one too) ended by CRLF.
public enum CSVRecords {
    /// The records and their fields; throws `ReaderFailure` for anything else (a quote inside
    /// an unquoted field, a bare CR or LF, an unterminated quote, a last record without CRLF).
    public static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var scalars = Array(text.unicodeScalars)[...]
        var quoted = false, wasQuoted = false
        while let c = scalars.popFirst() {
            if quoted {
                if c != "\"" { field.unicodeScalars.append(c) } else if scalars.first == "\"" { scalars.removeFirst(); field += "\"" } else { quoted = false }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty && !wasQuoted else { throw ReaderFailure("a quote inside an unquoted field: \(field)") }
                quoted = true; wasQuoted = true
            case ",": record.append(field); field = ""; wasQuoted = false
            case "\r":
                guard scalars.popFirst() == "\n" else { throw ReaderFailure("CR without LF after: \(field)") }
                record.append(field); records.append(record); record = []; field = ""; wasQuoted = false
            case "\n": throw ReaderFailure("a bare LF ends a record after: \(field)")
            default: field.unicodeScalars.append(c)
            }
        }
        if quoted { throw ReaderFailure("an unterminated quoted field") }
        guard field.isEmpty, record.isEmpty, !wasQuoted else { throw ReaderFailure("the last record does not end with CRLF") }
        return records
    }
}
