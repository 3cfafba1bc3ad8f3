import Catalog
import Foundation
@testable import Site
import Testing
@testable import Preview

/// What a request is answered from while rebuilds come and go: one read gives the site and the
/// diagnostics that belong with it.
@Suite("What the preview serves between rebuilds")
struct PreviewStateTests {
    let broken = Diagnostic(at: SourceLocation(path: "content/combos/x.md", line: 3, column: 1), "unknown field \"x\"")

    func text(_ answer: PreviewPages.Answer) -> String { String(decoding: answer.body, as: UTF8.self) }

    @Test("an early page is served over the last good one, without the last rebuild's overlay; the rebuild's end decides what follows")
    func earlyThenEnd() async {
        let state = PreviewState()
        state.succeeded(with: ["hardware-combos/x/index.html": Data("<html><head></head><body>old</body></html>".utf8),
                               "index.html": Data("<html><head></head><body>home</body></html>".utf8)])
        state.failed(with: [broken])
        #expect(text(PreviewPages.answer(path: "/hardware-combos/x/", served: state.served)).contains("combos-error-overlay"))

        state.showEarly(LiveSite.Early(files: ["hardware-combos/x/index.html": Data("<html><head></head><body>new</body></html>".utf8)],
                                       pending: ["hardware-combos/y/index.html"], phases: []))
        let served = state.served
        #expect(served.diagnostics.isEmpty)
        let page = text(PreviewPages.answer(path: "/hardware-combos/x/", served: served))
        #expect(page.contains("new") && !page.contains("combos-error-overlay"))
        #expect(text(PreviewPages.answer(path: "/hardware-combos/x", served: served)).isEmpty)
        #expect(PreviewPages.answer(path: "/hardware-combos/x", served: served).location == "/hardware-combos/x/")
        #expect(text(PreviewPages.answer(path: "/", served: served)).contains("home"))
        #expect(state.mustWait(for: "hardware-combos/y/index.html"))
        #expect(state.mustWait(for: "hardware-combos/z/index.html"))
        #expect(!state.mustWait(for: "index.html"))
        // A folder without its slash: redirected at once when its page is there and stays.
        #expect(!state.mustWait(for: "hardware-combos/x"))
        #expect(state.mustWait(for: "hardware-combos/y"))
        #expect(state.mustWait(for: "hardware-combos/z"))

        // The rest of the rebuild fails: the early page goes, the new overlay is on the last good one.
        let later = Diagnostic(at: SourceLocation(path: "content/combos/y.md", line: 9, column: 2), "no link target")
        state.failed(with: [later])
        let after = text(PreviewPages.answer(path: "/hardware-combos/x/", served: state.served))
        #expect(after.contains("old") && after.contains("y.md:9:2"))
        #expect(!state.mustWait(for: "hardware-combos/y/index.html"))
        #expect(state.rebuilds == 3)
    }
}
