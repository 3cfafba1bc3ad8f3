import Catalog
import Foundation
import Testing
@testable import Preview

/// Built pages carry a Content-Security-Policy `<meta>` that forbids inline script and style
/// (`templates/base.mustache`). What the preview adds to a page must still work under it: a
/// policy in `<meta>` governs only what follows it, so the reload script and the overlay's
/// stylesheet go before the page's own tags, and the overlay's markup has no inline style.
/// (Checked in headless Chromium by hand: the overlay is styled and the console shows no
/// violation; the site's own pages are checked in Chromium by SiteTests.)
@Suite("Preview pages under the site's Content-Security-Policy")
struct PreviewPolicyTests {
    static let policy = #"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self'">"#
    let files: [String: Data] = [
        "index.html": Data(("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" + PreviewPolicyTests.policy
            + "\n<title>Home</title>\n</head>\n<body>\n<main><p>hi</p></main>\n</body>\n</html>\n").utf8),
    ]

    @Test("the reload script comes before the page's policy, and so does the overlay's stylesheet after a failed rebuild")
    func beforeThePolicy() {
        let diagnostic = Diagnostic(at: SourceLocation(path: "content/combos/x.md", line: 3, column: 1), "unknown field \"x\"")
        for diagnostics in [[], [diagnostic]] {
            let page = String(decoding: PreviewPages.answer(path: "/", files: files, diagnostics: diagnostics).body, as: UTF8.self)
            let expected = "<head>" + PreviewPages.reloadScript + (diagnostics.isEmpty ? "" : PreviewPages.overlayStyle) + "\n<meta charset=\"utf-8\">\n" + Self.policy
            #expect(page.contains(expected), "\(page)")
            #expect(page.components(separatedBy: "<script").count == 2)
        }
    }

    @Test("the overlay has no inline style or handler; its look is the stylesheet in <head>")
    func overlayWithoutInlineStyle() {
        let diagnostics = (1...60).map { Diagnostic(at: SourceLocation(path: "content/combos/x.md", line: $0, column: 1), "bad <b>\($0)</b>") }
        let overlay = PreviewPages.overlay(diagnostics)
        #expect(overlay.hasPrefix("<div id=\"combos-error-overlay\" role=\"alert\">"))
        #expect(!overlay.contains("style="))
        #expect(!overlay.contains(" on"))
        #expect(!overlay.contains("<b>"))
        #expect(PreviewPages.overlayStyle.hasPrefix("<style>#combos-error-overlay{position:fixed;"))
        let page = String(decoding: PreviewPages.answer(path: "/", files: files, diagnostics: diagnostics).body, as: UTF8.self)
        #expect(page.contains("<body>" + overlay))
        #expect(page.components(separatedBy: "<style>").count == 2)
    }
}
