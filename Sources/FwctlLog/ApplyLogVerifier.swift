import Foundation

/// Checks an apply log's hash chain and says where it is broken.
///
/// Detects, each located by line and seq: an altered entry (its hash does not match its
/// contents, or the line is not in canonical form), an entry altered *and re-hashed* (the
/// next entry's `prev` does not match), removed entries (missing seqs, also at the start),
/// reordered or duplicated entries, malformed lines and a torn last line. It cannot see
/// whole entries cut off the end: that needs a head hash kept elsewhere (`anchor`).
public enum ApplyLogVerifier {
    /// One problem found.
    public struct Problem: Hashable, Sendable, Codable {
        public enum Kind: String, Hashable, Sendable, Codable {
            case altered, rehashed, removed, reordered, duplicate, malformed, torn, anchorMissing = "anchor-missing"
        }
        public var kind: Kind
        public var line: Int?
        public var seq: Int?
        public var message: String
    }

    /// The outcome of a verification.
    public struct Report: Hashable, Sendable, Codable {
        /// Lines that decoded as entries.
        public var entries: Int
        /// The hash of the highest-seq entry: keep it elsewhere to detect truncation later.
        public var head: String?
        public var problems: [Problem]
        public var intact: Bool
        /// Seqs of applies that recorded `started` and no result: fwctl died between intent
        /// and result (not tampering; check the loaded ruleset with `fwctl status`).
        public var unfinished: [Int]
    }

    /// Verifies the log's bytes. With `anchor`, an entry with that hash must be present.
    public static func verify(_ data: Data, anchor: String? = nil) -> Report {
        let split = ApplyLogLines(data)
        var problems: [Problem] = []
        var records: [(line: Int, entry: ApplyLogEntry)] = []
        for line in split.lines {
            guard let entry = try? JSONDecoder().decode(ApplyLogEntry.self, from: line.bytes) else {
                problems.append(Problem(kind: .malformed, line: line.number, message: "line \(line.number) is not an apply log entry"))
                continue
            }
            records.append((line.number, entry))
            let at = "line \(line.number) (seq \(entry.seq))"
            if entry.hash != entry.computedHash {
                problems.append(Problem(kind: .altered, line: line.number, seq: entry.seq, message: "\(at): the hash does not match the contents: the entry was altered"))
            } else if entry.line != line.bytes {
                problems.append(Problem(kind: .altered, line: line.number, seq: entry.seq, message: "\(at): not in canonical form (fields added or reformatted): the entry was altered"))
            }
        }
        problems += orderProblems(records)
        problems += chainProblems(records)
        if let torn = split.torn {
            problems.append(Problem(kind: .torn, line: torn.number, message: "line \(torn.number) is torn: \(torn.bytes.count) bytes without a newline (an interrupted write)"))
        }
        let head = records.max { $0.entry.seq < $1.entry.seq }?.entry.hash
        if let anchor, !records.contains(where: { $0.entry.hash == anchor }) {
            problems.append(Problem(kind: .anchorMissing, message: "no entry has the anchored hash \(anchor): entries were removed from the end, or the log was replaced"))
        }
        return Report(entries: records.count, head: head, problems: problems, intact: problems.isEmpty,
                      unfinished: unfinished(records.map(\.entry)))
    }

    /// `started` entries whose next entry (by seq) is not the apply's result.
    static func unfinished(_ entries: [ApplyLogEntry]) -> [Int] {
        let sorted = entries.sorted { $0.seq < $1.seq }
        return sorted.indices.filter { i in
            guard sorted[i].action == .apply, sorted[i].outcome == "started" else { return false }
            guard i + 1 < sorted.count else { return true }
            let next = sorted[i + 1]
            return !(next.action == .apply && next.outcome != "started" && next.confirmationID == sorted[i].confirmationID)
        }.map { sorted[$0].seq }
    }

    /// Reordered, duplicated and missing seqs.
    static func orderProblems(_ records: [(line: Int, entry: ApplyLogEntry)]) -> [Problem] {
        var problems: [Problem] = []
        var highest: (seq: Int, line: Int)?
        var firstLine: [Int: Int] = [:]
        for (line, entry) in records {
            if let other = firstLine[entry.seq] {
                problems.append(Problem(kind: .duplicate, line: line, seq: entry.seq, message: "line \(line): seq \(entry.seq) appears again (first at line \(other))"))
                continue
            }
            firstLine[entry.seq] = line
            if let h = highest, entry.seq < h.seq {
                problems.append(Problem(kind: .reordered, line: line, seq: entry.seq, message: "line \(line) (seq \(entry.seq)) comes after seq \(h.seq) (line \(h.line)): entries were reordered"))
            }
            if highest == nil || entry.seq > highest!.seq { highest = (entry.seq, line) }
        }
        let seqs = firstLine.keys.sorted()
        var expected = 1
        for seq in seqs {
            if seq > expected {
                let range = seq - 1 == expected ? "seq \(expected) is" : "seqs \(expected)-\(seq - 1) are"
                let before = expected > 1 ? firstLine[expected - 1].map { " between line \($0) and line \(firstLine[seq]!)" } ?? "" : " before line \(firstLine[seq]!)"
                problems.append(Problem(kind: .removed, line: firstLine[seq], seq: expected, message: "\(range) missing\(before): entries were removed"))
            }
            expected = max(expected, seq + 1)
        }
        return problems
    }

    /// Each entry's `prev` against the hash of the entry with the seq before it (wherever it
    /// sits in the file), and the first entry's against the genesis value.
    static func chainProblems(_ records: [(line: Int, entry: ApplyLogEntry)]) -> [Problem] {
        var bySeq: [Int: (line: Int, entry: ApplyLogEntry)] = [:]
        for r in records where bySeq[r.entry.seq] == nil { bySeq[r.entry.seq] = r }
        var problems: [Problem] = []
        for seq in bySeq.keys.sorted() {
            let (line, entry) = bySeq[seq]!
            let at = "line \(line) (seq \(seq))"
            if seq == 1 {
                if entry.prev != ApplyLogEntry.genesis {
                    problems.append(Problem(kind: .rehashed, line: line, seq: seq, message: "\(at): the first entry's prev is not the genesis value"))
                }
            } else if let before = bySeq[seq - 1], entry.prev != before.entry.hash {
                problems.append(Problem(kind: .rehashed, line: line, seq: seq, message: "\(at): prev does not match the hash of seq \(seq - 1) (line \(before.line)): seq \(seq - 1) was altered and re-hashed, or replaced"))
            }
        }
        return problems
    }
}
