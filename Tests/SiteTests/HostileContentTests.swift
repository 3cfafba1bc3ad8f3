import Catalog
import FixtureSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Site

/// `Tests/Fixtures/hostile-site`: the valid fixture with every text field an editor writes
/// (titles, names, summaries, notes, Markdown fields and bodies, failure modes, setup notes,
/// source titles and URLs, node names, link labels and notes, quant names, versions, licences…)
/// carrying script tags, event handlers, `javascript:` and `data:` links, template syntax, raw SVG,
/// `</script>`, quotes and ampersands. It must pass `combos check`, and its output must carry
/// all of it as text or data, never as markup, links or template tags.
enum HostileSite {
    static let fixture = FixtureSite.packageRoot + "/Tests/Fixtures/hostile-site"

    /// What each plain-text field carries after its label ("Test GPU 24 " + text).
    static let text = #"<script>alert(1)</script> "><img src=x onerror=alert(1)> <svg onload=alert(1)> </script> {{title}} {{{x}}} {{#a}}{{/a}} & &amp; ' javascript:alert(1)"#
    /// What each one-line Markdown field carries after its label.
    static let markdown = #"<script>alert(1)</script> <img src=x onerror=alert(1)> <svg onload=alert(1)> </script> {{title}} {{{x}}} {{#a}}{{/a}} & ' " [js](javascript:alert(1)) [data](data:text/html,%3Cscript%3Ealert(1)%3C/script%3E) <javascript:alert(1)> ![img](javascript:alert(1)) [ent](&#106;avascript:alert(1)) [case](JaVaScRiPt:alert(1)) [vb](vbscript:msgbox(1)) [ok](https://example.com/?a=1&b=2)"#
    /// Every URL field: valid http(s), with quotes, ampersands and template syntax in it.
    static let url = "https://example.com/?q='onmouseover=alert(1)//&x={{title}}&y=javascript:alert(1)"
    static let quant = #"Q4_K_M "><svg onload=alert(1)>"#
    /// `url` as the fixture's YAML writes it, single-quoted.
    static let urlInYAML = "'" + url.replacingOccurrences(of: "'", with: "''") + "'"

    static let options = SiteBuilder.Options(
        content: fixture + "/content", templates: FixtureSite.packageRoot + "/templates",
        output: TestScratch.path("combos-hostile"),
        baseURL: "https://combos.example/")

    /// Built once per test run, removed when the process exits.
    static let output: String = {
        do throws(DiagnosticsError) {
            _ = try SiteBuilder.build(options)
        } catch {
            fatalError("the hostile fixture does not build: \(error.diagnostics.map(\.description).joined(separator: "\n"))")
        }
        atexit { try? FileManager.default.removeItem(atPath: HostileSite.options.output) }
        return options.output
    }()

    static let files: [String: Data] = FixtureSite.files(under: output)

    static func page(_ path: String) -> String {
        files[path].map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    static var pages: [(path: String, html: String)] {
        files.keys.filter { $0.hasSuffix(".html") }.sorted().map { ($0, page($0)) }
    }

    /// `window.NAME = <JSON>;` as the build writes its data scripts: the JSON.
    static func scriptJSON(_ path: String) throws -> Any {
        let script = page(path)
        let start = try #require(script.range(of: " = "))
        let json = script[start.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines).dropLast()
        return try JSONSerialization.jsonObject(with: Data(json.utf8))
    }
}

@Suite("Hostile content")
struct HostileContentTests {
    /// The tags the site's templates and renderers write. Anything else in a page came from content.
    static let allowedTags: Set<String> = [
        "html", "head", "meta", "title", "link", "body", "a", "header", "nav", "ul", "ol", "li", "form", "input", "button", "main",
        "footer", "p", "h1", "h2", "h3", "h4", "h5", "h6", "section", "div", "span", "strong", "em", "code", "pre", "table", "thead",
        "tbody", "tr", "th", "td", "dl", "dt", "dd", "details", "summary", "br", "abbr", "label", "select", "option", "optgroup",
        "fieldset", "legend", "template", "noscript", "del", "small", "sup", "hr", "blockquote", "output", "caption", "script",
        "aside", "article", "figure", "figcaption", "time", "kbd", "var", "samp", "mark", "s",
        // Our SVG: topology diagrams, ledger and context charts.
        "svg", "g", "rect", "line", "text", "tspan", "desc", "path", "circle", "polyline",
    ]

    /// The scripts pages load: the site's own files, never inline code.
    static let ownScripts: Set<String> = ["assets/builder.js", "assets/fit.js", "assets/search.js", "assets/combo-filter.js",
                                          "will-it-run/custom/fit-data.js", "search/search-index.js"]

    static let urlAttributes: Set<String> = ["href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset", "cite",
                                             "background", "ping", "manifest", "codebase", "longdesc", "usemap", "icon"]

    @Test("the hostile fixture passes combos check")
    func passesCheck() throws {
        let loaded = CatalogLoader.load(from: HostileSite.options.content)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.description))")
        var options = HostileSite.options
        options.output = "/nonexistent"
        let report = try SiteBuilder.check(options)
        #expect(report.pages == 42)
        // The fixture does carry what it claims to.
        let combo = try #require(loaded.catalog[RecordID<Combo>("gpu-box")])
        #expect(combo.title == "Four-GPU box " + HostileSite.text)
        #expect(combo.failureModes.first?.cause.text == "Cause " + HostileSite.markdown)
        #expect(loaded.catalog[RecordID<Device>("gpu-24")]?.sources.first?.url == HostileSite.url)
    }

    @Test("a URL field refuses javascript:, data: and other schemes, with the field, the place and the value")
    func unsafeURLFields() throws {
        let site = FixtureSite(copying: HostileSite.fixture)
        defer { site.destroy() }
        site.replace(in: "content/devices/gpu-24.yaml", "    url: \(HostileSite.urlInYAML)", with: "    url: 'javascript:alert(1)'")
        site.replace(in: "content/runtimes/rt-gpu.md", "homepage: \(HostileSite.urlInYAML)",
                     with: "homepage: 'data:text/html,<script>alert(1)</script>'")
        site.replace(in: "content/stacks/cluster-stack.md", "    url: \(HostileSite.urlInYAML)", with: "    url: ' JavaScript://%0aalert(1)'")
        site.replace(in: "content/benchmarks/gpu-24-dense.yaml", "  url: \(HostileSite.urlInYAML)", with: "  url: 'vbscript:msgbox(1)'")
        #expect(site.headlines(site.load().diagnostics) == [
            #"content/benchmarks/gpu-24-dense.yaml:15:8: error: "url" must be an http:// or https:// address, found "vbscript:msgbox(1)""#,
            #"content/devices/gpu-24.yaml:22:10: error: "url" must be an http:// or https:// address, found "javascript:alert(1)""#,
            #"content/runtimes/rt-gpu.md:5:11: error: "homepage" must be an http:// or https:// address, found "data:text/html,<script>alert(1)</script>""#,
            #"content/stacks/cluster-stack.md:17:10: error: "url" must be an http:// or https:// address, found " JavaScript://%0aalert(1)""#,
        ])
    }

    @Test("no page has a script, event handler, unsafe link or element that content put there")
    func noMarkupFromContent() throws {
        let pages = HostileSite.pages
        #expect(pages.count == 42)
        for (path, html) in pages {
            let scan = HTMLScan(html)
            let folder = (path as NSString).deletingLastPathComponent
            for tag in scan.tags {
                #expect(Self.allowedTags.contains(tag.name), "\(path): <\(tag.name)> at \(tag.offset)")
                for attribute in tag.attributes {
                    #expect(!attribute.name.hasPrefix("on"), "\(path): <\(tag.name) \(attribute.name)=…> at \(tag.offset)")
                    #expect(attribute.name != "style", "\(path): <\(tag.name) style=…> at \(tag.offset)")
                    if Self.urlAttributes.contains(attribute.name), let scheme = HTMLScan.scheme(of: attribute.value) {
                        #expect(["http", "https", "mailto"].contains(scheme), "\(path): <\(tag.name) \(attribute.name)=\"\(attribute.value)\">")
                    }
                }
                switch tag.name {
                case "script":
                    // Only the site's own files, by a relative path.
                    #expect(tag.attributes.map(\.name) == ["src"], "\(path): \(tag.attributes)")
                    let src = tag.attribute("src") ?? ""
                    let resolved = URL(fileURLWithPath: "/" + folder).appendingPathComponent(src).standardized.path.dropFirst()
                    #expect(Self.ownScripts.contains(String(resolved)), "\(path): <script src=\"\(src)\">")
                case "svg":
                    #expect(["topology", "ledger-chart", "context-chart"].contains(tag.attribute("class") ?? ""), "\(path): an <svg> the site did not draw")
                case "meta":
                    if let equiv = tag.attribute("http-equiv") { #expect(equiv.lowercased() == "content-security-policy", "\(path)") }
                case "link":
                    #expect(["stylesheet", "canonical"].contains(tag.attribute("rel") ?? ""), "\(path): <link rel=\"\(tag.attribute("rel") ?? "")\">")
                default:
                    break
                }
            }
            #expect(scan.scriptBodies.allSatisfy { $0.isEmpty }, "\(path): an inline script")
        }
    }

    @Test("text fields reach pages escaped, and template syntax in them stays text")
    func textIsEscaped() throws {
        let escaped = escapeHTML(HostileSite.text)
        #expect(escaped.contains("&lt;script&gt;") && escaped.contains("{{title}} {{{x}}} {{#a}}{{/a}}") && escaped.contains("&amp;amp;"))
        let combo = HostileSite.page("hardware-combos/gpu-box/index.html")
        for field in ["Four-GPU box", "Four 24 GB cards.", "Model class", "Symptom"] {
            #expect(combo.contains(field + " " + escaped), "\(field)")
        }
        #expect(combo.contains("<title>Four-GPU box " + escaped))
        #expect(combo.contains("<meta name=\"description\" content=\"Four 24 GB cards. " + escaped))
        // Template syntax is printed as written, never evaluated, wherever content goes.
        for (path, html) in HostileSite.pages {
            let count = html.components(separatedBy: "{{title}} {{{x}}} {{#a}}{{/a}}").count - 1
            let braces = html.components(separatedBy: "{{").count - 1
            #expect(braces == 0 || count > 0, "\(path): template syntax that is not the content's")
        }
        // Every record page carries its record's text in full.
        for (path, label) in [("hardware/gpu-24/index.html", "Test GPU 24"), ("machines/box-4gpu/index.html", "Four-GPU box"),
                              ("platforms/linux-test/index.html", "Test Linux"), ("tools/rt-cluster/index.html", "Cluster runtime"),
                              ("models/model-dense/index.html", "Dense 70B"), ("stacks/cluster-stack/index.html", "Cluster stack"),
                              ("guides/fixture-guide/index.html", "A fixture guide"), ("benchmarks/index.html", "Fixture measurement")] {
            #expect(HostileSite.page(path).contains(label + " " + escaped), "\(path)")
        }
    }

    @Test("Markdown fields and bodies lose raw HTML and unsafe links, keep their words, and print template syntax as text")
    func markdownIsSafe() throws {
        let combo = HostileSite.page("hardware-combos/mini-cluster/index.html")
        // The body: raw HTML blocks gone, code escaped, links with unsafe schemes reduced to their words.
        #expect(combo.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"))
        #expect(combo.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;\n{{title}}"))
        #expect(combo.contains("{{{x}}} {{#a}}{{/a}} {{&gt; partials/more}} as text"))
        #expect(combo.contains("Links: js, data, b64,"))
        #expect(combo.contains("<a href=\"https://example.com/?a=1&amp;b=2\" title=\"a &quot;title&quot; &amp; more\">ok</a>"))
        // Footnote labels, tables, task lists and autolinks (the guide's body).
        let guide = HostileSite.page("guides/fixture-guide/index.html")
        #expect(guide.contains(##"<a href="#fn-%3Cscript%3Ealert(1)%3C/script%3E" id="fnref-%3Cscript%3Ealert(1)%3C/script%3E""##))
        #expect(guide.contains(#"<li id="fn-%7B%7Btitle%7D%7D">"#))
        #expect(guide.contains(#"<a href="https://example.com/%22onmouseover=%22alert(1)">https://example.com/&quot;onmouseover=&quot;alert(1)</a>"#))
        #expect(guide.contains("<li><input type=\"checkbox\" disabled=\"\" /> task </li>"))
        // A one-line Markdown field: tags gone (their text stays), quotes made typographic, unsafe links made words.
        let cause = #"Cause alert(1)    {{title}} {{{x}}} {{#a}}{{/a}} &amp; ’ “ js data javascript:alert(1) img ent case vb <a href="https://example.com/?a=1&amp;b=2">ok</a>"#
        #expect(HostileSite.page("hardware-combos/gpu-box/index.html").contains(cause))
    }

    @Test("SVG labels (topology, ledger chart, context chart) carry content escaped")
    func svgLabels() throws {
        func svgs(_ html: String, _ cls: String) -> [String] {
            html.components(separatedBy: "<svg class=\"\(cls)\"").dropFirst().map { String($0[..<($0.range(of: "</svg>")?.lowerBound ?? $0.endIndex)]) }
        }
        // Node names (`<svg/onload=1>`), the machine's name and its device link's label.
        let mesh = try #require(svgs(HostileSite.page("hardware-combos/mini-cluster/index.html"), "topology").first)
        #expect(mesh.contains(">&lt;svg/onload=1&gt; 1</text>"))
        #expect(mesh.contains("<title id=\"topology-title\">Topology of Four test minis " + escapeHTML(HostileSite.text)))
        #expect(mesh.contains("&lt;i&gt;SoC&lt;/i&gt;"))
        let box = try #require(svgs(HostileSite.page("hardware-combos/gpu-box/index.html"), "topology").first)
        #expect(box.contains(">Four-GPU box &lt;script&gt;"))
        #expect(box.contains("&lt;b&gt;PCIe&lt;/b&gt; &quot;"))
        // Ledger charts label devices by node name.
        let ledgers = svgs(HostileSite.page("will-it-run/combo/mini-cluster/index.html"), "ledger-chart")
        #expect(!ledgers.isEmpty)
        #expect(ledgers.contains { $0.contains("&lt;svg/onload=1&gt;") })
        // Context charts name each line by combo title, quant and runtime.
        let context = svgs(HostileSite.page("models/model-moe/index.html"), "context-chart") + svgs(HostileSite.page("models/model-dense/index.html"), "context-chart")
        #expect(!context.isEmpty)
        #expect(context.contains { $0.contains(escapeHTML("Four test minis " + HostileSite.text)) })
        for svg in ledgers + context + [mesh, box] {
            let scan = HTMLScan(svg)
            #expect(Set(scan.tags.map(\.name)).isSubset(of: ["g", "rect", "line", "text", "tspan", "title", "desc", "path", "circle"]))
            #expect(scan.tags.allSatisfy { !$0.attributes.contains { $0.name.hasPrefix("on") } })
        }
    }

    @Test("the JSON API holds the hostile strings as data, exactly")
    func jsonAPI() throws {
        let data = try #require(HostileSite.files["api/catalog.json"])
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let records = try #require(root["records"] as? [[String: Any]])
        func record(_ kind: String, _ id: String) -> [String: Any]? {
            records.first { $0["kind"] as? String == kind && $0["id"] as? String == id }
        }
        let device = try #require(record("device", "gpu-24")?["fields"] as? [String: Any])
        #expect(device["name"] as? String == "Test GPU 24 " + HostileSite.text)
        #expect((device["sources"] as? [[String: Any]])?.first?["url"] as? String == HostileSite.url)
        let combo = try #require(record("combo", "gpu-box"))
        let fields = try #require(combo["fields"] as? [String: Any])
        #expect(fields["title"] as? String == "Four-GPU box " + HostileSite.text)
        #expect((fields["setup_notes"] as? [String])?.first == "Setup note " + HostileSite.markdown)
        #expect(combo["body"] as? String == "A loud box {{title}} <script>alert(1)</script> [js](javascript:alert(1)).\n")
        let cluster = try #require(record("combo", "mini-cluster")?["body"] as? String)
        #expect(cluster.contains("</script><script>alert(1)</script>\n{{title}}\n```"))
        let model = try #require(record("model", "model-dense")?["fields"] as? [String: Any])
        #expect((model["quants"] as? [[String: Any]])?.first?["name"] as? String == HostileSite.quant)
    }

    @Test("the builder's data and the search index are scripts whose JSON round-trips the strings and cannot end a <script>")
    func dataScripts() throws {
        for path in ["will-it-run/custom/fit-data.js", "search/search-index.js"] {
            let script = HostileSite.page(path)
            #expect(!script.isEmpty)
            #expect(!script.lowercased().contains("</script") && !script.contains("</"), "\(path) could close an inline <script>")
            #expect(!script.contains("<!--"), "\(path)")
        }
        let fit = try #require(try HostileSite.scriptJSON("will-it-run/custom/fit-data.js") as? [String: Any])
        let devices = try #require(fit["devices"] as? [String: [String: Any]])
        #expect(devices["gpu-24"]?["name"] as? String == "Test GPU 24 " + HostileSite.text)
        let machines = try #require(fit["machines"] as? [String: [String: Any]])
        #expect(machines["box-4gpu"]?["name"] as? String == "Four-GPU box " + HostileSite.text)
        let models = try #require(fit["models"] as? [String: [String: Any]])
        #expect((models["model-dense"]?["quants"] as? [[String: Any]])?.contains { $0["name"] as? String == HostileSite.quant } == true)
        let index = try #require(try HostileSite.scriptJSON("search/search-index.js") as? [[String: Any]])
        #expect(index.contains { $0["title"] as? String == "Four-GPU box " + HostileSite.text })
        #expect(index.contains { $0["summary"] as? String == "Four 24 GB cards. " + HostileSite.text })
    }

    @Test("the feed and the sitemap are well-formed XML holding the strings as text")
    func feedAndSitemap() throws {
        final class Texts: NSObject, XMLParserDelegate {
            var texts: [String] = []
            var current = ""
            func parser(_ parser: XMLParser, didStartElement _: String, namespaceURI _: String?, qualifiedName _: String?, attributes _: [String: String]) {
                current = ""
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
            func parser(_ parser: XMLParser, didEndElement _: String, namespaceURI _: String?, qualifiedName _: String?) {
                texts.append(current)
                current = ""
            }
        }
        for path in ["feed.xml", "sitemap.xml"] {
            let parser = XMLParser(data: try #require(HostileSite.files[path]))
            let texts = Texts()
            parser.delegate = texts
            #expect(parser.parse(), "\(path): \(parser.parserError.map { "\($0)" } ?? "")")
            if path == "feed.xml" {
                #expect(texts.texts.contains("Four-GPU box " + HostileSite.text))
                #expect(texts.texts.contains("How to split models. " + HostileSite.text))
            }
        }
    }

    @Test("a noncharacter YAML lets a text field carry (\\uFFFE) leaves the feed well-formed and the JSON exact")
    func noncharacters() throws {
        let site = FixtureSite(copying: HostileSite.fixture)
        defer { site.destroy() }
        let summary = "Four 24 GB cards. " + escapeForYAML(HostileSite.text)
        site.replace(in: "content/combos/gpu-box.md", "summary: 'Four 24 GB cards. " + HostileSite.text.replacingOccurrences(of: "'", with: "''") + "'",
                     with: "summary: \"" + summary + " \\uFFFE \\uFFFF end\"")
        var options = HostileSite.options
        options.content = site.content
        options.output = site.path("public")
        _ = try SiteBuilder.build(options)
        let feed = try #require(FileManager.default.contents(atPath: site.path("public/feed.xml")))
        let parser = XMLParser(data: feed)
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        let text = String(decoding: feed, as: UTF8.self)
        #expect(text.contains(escapeHTML("Four 24 GB cards. " + HostileSite.text) + "   end</summary>"))
        let api = try #require(FileManager.default.contents(atPath: site.path("public/api/catalog.json")))
        let records = try #require((try JSONSerialization.jsonObject(with: api) as? [String: Any])?["records"] as? [[String: Any]])
        let combo = try #require(records.first { $0["id"] as? String == "gpu-box" }?["fields"] as? [String: Any])
        #expect(combo["summary"] as? String == "Four 24 GB cards. " + HostileSite.text + " \u{FFFE} \u{FFFF} end")
    }

    @Test("control characters YAML escapes write into a text field (\\x01, \\a, \\e, \\x7f, \\u0085) fail the build at the field, and no page gets them")
    func controlCharacters() throws {
        let site = FixtureSite(copying: HostileSite.fixture)
        defer { site.destroy() }
        let written = "summary: 'Four 24 GB cards. " + HostileSite.text.replacingOccurrences(of: "'", with: "''") + "'"
        let original = site.read("content/combos/gpu-box.md")
        let line = try #require(original.components(separatedBy: "\n").firstIndex(of: written)) + 1
        var options = HostileSite.options
        options.content = site.content
        options.output = site.path("public")
        for (escape, name) in [("\\x01", "U+0001"), ("\\a", "U+0007 (BEL)"), ("\\e", "U+001B (ESC)"), ("\\x7f", "U+007F (DEL)"), ("\\u0085", "U+0085 (NEL)")] {
            site.write("content/combos/gpu-box.md", original.replacingOccurrences(
                of: written, with: "summary: \"Four 24 GB cards. " + escape + " end\""))
            do throws(DiagnosticsError) {
                _ = try SiteBuilder.build(options)
                Issue.record("\(escape): the build succeeded")
            } catch {
                #expect(error.diagnostics.map { site.relative($0.headline) } == [
                    "content/combos/gpu-box.md:\(line):10: error: \"summary\" holds the control character \(name), written as an escape: "
                        + "a page cannot show it and HTML does not allow it; remove it",
                ], "\(escape)")
            }
            #expect(!FileManager.default.fileExists(atPath: site.path("public")), "\(escape)")
        }
    }

    /// Text as the inside of a YAML double-quoted scalar.
    private func escapeForYAML(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
