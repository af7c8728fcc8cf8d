import Testing
@testable import FwctlPolicy

@Suite struct RendererTests {
    @Test func unknownNameHasCaretAndDidYouMean() {
        let out = Here.render("role web { host w1 = 192.0.2.1 }\nallow web -> wbe : tcp/443\n")
        #expect(out == """
        t.policy:2:14: error: unknown role, network or host 'wbe' [E-unknown-name]
            2 | allow web -> wbe : tcp/443
              |              ^~~
              = help: did you mean 'web'?
        1 error, 0 warnings

        """)
    }
}
