import FwctlPlanner
import Testing
@testable import FwctlLog

/// `fwctl audit log`'s text, rendered from the log's own values.
@Suite struct ApplyLogTextTests {
    @Test func anApplyWithEverything() {
        let entry = ApplyLogEntry(seq: 3, time: "2026-12-06T17:00:00Z", host: "web1", action: .apply,
                                  actor: .init(user: "alice", uid: 1000, sudoUser: "bob", sudoUID: 1001),
                                  policy: .init(sha256: "ab12", tableSHA256: "cd34", commit: "0123abcd", dirty: true),
                                  summary: PlanSummary(add: 1, change: 2, remove: 0), changes: ["+ rule input ...", "~ set web"],
                                  generationBefore: 7, generationAfter: 8, outcome: "applied")
        #expect(entry.text == """
            #3 2026-12-06T17:00:00Z web1 apply applied by alice (sudo from bob) generation 7 -> 8
                Plan: 1 to add, 2 to change, 0 to remove.
                policy commit 0123abcd (with uncommitted changes)
                policy sha256 ab12
                + rule input ...
                ~ set web

            """)
    }

    @Test func aConfirmWithoutPolicyOrGenerations() {
        let entry = ApplyLogEntry(seq: 4, time: "t", host: "web1", action: .confirm, actor: .init(user: "root", uid: 0), outcome: "confirmed")
        #expect(entry.text == "#4 t web1 confirm confirmed by root\n")
        let before = ApplyLogEntry(seq: 5, time: "t", host: "h", action: .rollback, actor: .init(user: "root", uid: 0),
                                   policy: .init(commit: "c0ffee", dirty: false), generationBefore: 9, outcome: "rolled-back")
        #expect(before.text == "#5 t h rollback rolled-back by root generation 9\n    policy commit c0ffee\n")
    }

    @Test func anIntactLogNamesItsHead() {
        let report = ApplyLogVerifier.Report(entries: 1, head: "feed", problems: [], intact: true, unfinished: [])
        #expect(report.text(path: "/s/apply-log.jsonl") == "/s/apply-log.jsonl: intact, 1 entry.\nhead feed\n")
        let empty = ApplyLogVerifier.Report(entries: 0, head: nil, problems: [], intact: true, unfinished: [])
        #expect(empty.text(path: "l") == "l: intact, 0 entries.\nhead \(ApplyLogEntry.genesis)\n")
    }

    @Test func aBrokenLogListsEachProblemAndUnfinishedApply() {
        let report = ApplyLogVerifier.Report(entries: 3, head: "feed", problems: [
            .init(kind: .altered, line: 2, seq: 2, message: "line 2 (seq 2): its hash does not match"),
            .init(kind: .anchorMissing, line: nil, seq: nil, message: "the anchor is not in the log"),
        ], intact: false, unfinished: [3])
        #expect(report.text(path: "l") == """
            l: altered: line 2 (seq 2): its hash does not match
            l: anchor-missing: the anchor is not in the log
            l: note: seq 3 is an apply that started and recorded no result (fwctl died midway?): check the loaded ruleset
            l: BROKEN: 2 problems in 3 entries.
            head feed

            """)
    }
}
