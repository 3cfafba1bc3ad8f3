import Catalog
import Foundation
import Testing
@testable import Site

@Suite("Markdown")
struct MarkdownTests {
    let renderer = MarkdownRenderer(page: SitePath("/hardware-combos/example/"))

    func render(_ text: String, line: Int = 10, _ options: MarkdownRenderer.Options = .init()) -> MarkdownRenderer.Output {
        renderer.render(MarkdownText(text, at: SourceLocation(path: "content/combos/example.md", line: line, column: 1)), options)
    }

    @Test("GitHub extensions: tables, strikethrough, autolinks, task lists")
    func extensions() {
        let html = render("""
            | Card | GB |
            |---|---|
            | RTX 3090 | 24 |

            ~~old~~ and ~70 GB stays

            See https://example.com/x now.

            - [x] cabled
            - [ ] enabled
            """).html.html
        #expect(html.contains("<table>"))
        #expect(html.contains("<td>RTX 3090</td>"))
        #expect(html.contains("<del>old</del>"))
        #expect(html.contains("~70 GB stays"), "a single tilde is not strikethrough, so approximate figures survive")
        #expect(html.contains("<a href=\"https://example.com/x\">https://example.com/x</a>"))
        #expect(html.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" />"))
        #expect(html.contains("<input type=\"checkbox\" disabled=\"\" />"))
    }

    @Test("raw HTML is dropped entirely, block and inline")
    func rawHTML() {
        let html = render("""
            <script>alert(1)</script>

            Text with <img src=x onerror=alert(1)> inline and <b>bold</b>.

            <div onclick="steal()">block</div>
            """).html.html
        #expect(!html.contains("<script"))
        #expect(!html.contains("onerror"))
        #expect(!html.contains("onclick"))
        #expect(!html.contains("<div"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("raw HTML omitted"))
        #expect(html.contains("Text with  inline and bold."))
    }

    @Test("unsafe link schemes lose the link but keep the words")
    func unsafeLinks() {
        let output = render("""
            [click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [tab](java\tscript:x)
            [vb](VBScript:msgbox) [file](file:///etc/passwd) ![img](javascript:alert(2))
            [ok](https://example.com) [mail](mailto:editor@example.com)
            """)
        let html = output.html.html
        #expect(!html.lowercased().contains("javascript"))
        #expect(!html.lowercased().contains("vbscript"))
        #expect(!html.contains("data:"))
        #expect(!html.contains("file:"))
        #expect(html.contains("click"))
        #expect(html.contains("data"))
        #expect(html.contains("<a href=\"https://example.com\">ok</a>"))
        #expect(html.contains("<a href=\"mailto:editor@example.com\">mail</a>"))
    }

    @Test("headings get stable, unique ids that avoid the page's own")
    func headingIDs() {
        let output = render("""
            # Noise & thermals

            ## Topology

            ## Noise & thermals
            """, .init(headingOffset: 1, reservedIDs: ["topology"]))
        #expect(output.headings.map(\.id) == ["noise-thermals", "topology-2", "noise-thermals-2"])
        #expect(output.html.html.contains("<h2 id=\"noise-thermals\">Noise &amp; thermals</h2>"))
        #expect(output.html.html.contains("<h3 id=\"topology-2\">Topology</h3>"))
    }

    @Test("links to site paths become relative and keep their source line")
    func sitePathLinks() {
        let output = render("""
            First line.

            Run [exo](/tools/exo/) or [MLX](/tools/mlx-lm) and read [setup](/guides/g/#rdma).
            """, line: 20)
        let html = output.html.html
        #expect(html.contains("<a href=\"../../tools/exo/index.html\">exo</a>"))
        #expect(html.contains("<a href=\"../../tools/mlx-lm/index.html\">MLX</a>"))
        #expect(html.contains("<a href=\"../../guides/g/index.html#rdma\">setup</a>"))
        #expect(output.links.map(\.destination) == ["/tools/exo/", "/tools/mlx-lm", "/guides/g/#rdma"])
        #expect(output.links.allSatisfy { $0.location.line == 22 })
        #expect(output.links.first?.location.column == 5)
    }

    @Test("inline rendering drops the paragraph wrapper")
    func inline() {
        #expect(render("A *short* note.", .init(inline: true)).html.html == "A <em>short</em> note.")
    }

    @Test("heading ids and the inline unwrap find their tags after text that is not ASCII")
    func tagsAfterMultibyteText() throws {
        let output = render("Grüße aus Köln ☕\n\n## Café\n\nTexte\n\n### Ünïcode 🚀")
        try #require(output.headings.count == 2)
        #expect(output.html.html.contains("<h2 id=\"\(output.headings[0].id)\">Café</h2>"))
        #expect(output.html.html.contains("<h3 id=\"\(output.headings[1].id)\">Ünïcode 🚀</h3>"))
        #expect(output.html.html.hasPrefix("<p>Grüße aus Köln ☕</p>"))
        #expect(render("Grüße *ja* ☕", .init(inline: true)).html.html == "Grüße <em>ja</em> ☕")
        #expect(render("Grüße ☕\n\nZwei", .init(inline: true)).html.html.contains("<p>Zwei</p>"), "two paragraphs keep their wrappers")

        let text = Substring("ä☕<p>x<h2>")
        let range = MarkdownRenderer.firstUTF8Range(of: "<h2>", in: text)
        #expect(range.map { String(text[$0]) } == "<h2>")
        #expect(range.map { String(text[..<$0.lowerBound]) } == "ä☕<p>x")
        #expect(MarkdownRenderer.firstUTF8Range(of: "<h3>", in: text) == nil)
        #expect(MarkdownRenderer.firstUTF8Range(of: "<h2>", in: text.dropLast()) == nil, "a match cut off at the end is no match")
        #expect(MarkdownRenderer.firstUTF8Range(of: "<p>", in: text.dropFirst(2)).map { String(text[$0]) } == "<p>", "a substring searches from its own start")
    }

    @Test("rendering on every core at once gives each text the output it gets alone")
    func concurrentRendering() {
        // cmark-gfm marks the extensions' trigger characters (~ for strikethrough, : and w for
        // autolinks) in a process-wide table while it parses inlines and unmarks them after:
        // one page finishing could turn autolinks and strikethrough off in another mid-parse.
        let texts = (0..<64).map { index in
            "Item \(index): see https://example.com/\(index) or www.example.org/\(index), ~~old~~ new, "
                + String(repeating: "plain words without any special character at all ", count: index % 7 + 1)
                + "and mail@example.com.\n\n| a | b |\n|---|---|\n| ~~x~~ | https://example.net |"
        }
        let alone = texts.map { render($0).html.html }
        #expect(alone.allSatisfy { $0.contains("<del>old</del>") && $0.contains("<a href=\"https://example.com/") && $0.contains("<a href=\"http://www.example.org/") })
        let renderer = renderer
        let results = Slots<String>(count: texts.count * 40)
        DispatchQueue.concurrentPerform(iterations: texts.count * 40) { index in
            let text = texts[index % texts.count]
            results.set(index, renderer.render(MarkdownText(text, at: SourceLocation(path: "content/combos/example.md", line: 10, column: 1))).html.html)
        }
        let differing = results.values.enumerated().filter { $0.element != alone[$0.offset % texts.count] }
        #expect(differing.isEmpty, "\(differing.count) of \(texts.count * 40) differ; first: \(differing.first?.element ?? "")")
    }

    @Test("slugs")
    func slugs() {
        #expect(slug("Why this combo?") == "why-this-combo")
        #expect(slug("RDMA over TB5 (macOS 26.2)") == "rdma-over-tb5-macos-26-2")
        #expect(slug("¿?") == "section")
    }
}
