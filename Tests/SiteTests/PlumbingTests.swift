import Catalog
import FixtureSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Site

/// The files hosts, crawlers, feed readers and scripts read beside the pages, made from
/// `--base-url` (the shipped site is built with https://combos.example/).
@Suite("Site plumbing")
struct PlumbingTests {
    static let base = "https://combos.example/"

    /// Every HTML file of the shipped build, relative to the output folder (not the harness
    /// pages browser tests put in `zz-*` folders of the shared output while they run).
    static let htmlFiles: Set<String> = {
        var files: Set<String> = []
        let enumerator = FileManager.default.enumerator(atPath: ShippedSite.output)
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".html"), !ShippedSite.isScratch(relative) { files.insert(relative) }
        }
        return files
    }()

    /// The built file an absolute URL of the site names, or nil when it names none.
    func builtFile(for url: String) -> String? {
        guard url.hasPrefix(Self.base) else { return nil }
        var path = String(url.dropFirst(Self.base.count))
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        let file = path.isEmpty || path.hasSuffix("/") ? path + "index.html" : path
        return FileManager.default.fileExists(atPath: ShippedSite.output + "/" + file) ? file : nil
    }

    /// Elements of an XML document by name, each with its attributes and text, in order.
    final class XMLElements: NSObject, XMLParserDelegate {
        struct Element {
            var name: String
            var attributes: [String: String]
            var text: String
            /// The names of the elements it sits in, outermost first.
            var path: [String]
        }
        var elements: [Element] = []
        private var open: [Element] = []

        func parserDidStartDocument(_ parser: XMLParser) {}
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            open.append(Element(name: name, attributes: attributes, text: "", path: open.map(\.name)))
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if !open.isEmpty { open[open.count - 1].text += string }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            elements.append(open.removeLast())
        }

        static func parse(_ file: String) throws -> [Element] {
            let data = try #require(FileManager.default.contents(atPath: ShippedSite.output + "/" + file))
            let parser = XMLParser(data: data)
            let delegate = XMLElements()
            parser.delegate = delegate
            #expect(parser.parse(), "\(file) is not well-formed XML: \(String(describing: parser.parserError))")
            return delegate.elements
        }
    }

    @Test("the sitemap lists every built HTML page exactly once, by absolute URL, sorted, with review dates")
    func sitemap() throws {
        let elements = try XMLElements.parse("sitemap.xml")
        let locations = elements.filter { $0.name == "loc" }.map(\.text)
        #expect(locations.count > 300)
        #expect(locations == locations.sorted())
        #expect(Set(locations).count == locations.count, "a page is listed twice")
        let pages = Self.htmlFiles.filter { $0 != "404.html" }
        let expected = pages.map { Self.base + String($0.dropLast("index.html".count)) }
        #expect(Set(locations) == Set(expected))
        #expect(!locations.contains { $0.contains("404") }, "the not-found page is not a page to index")

        // A reviewed record's page says when it was reviewed.
        let combo = try #require(ShippedSite.catalog.combos.all.first)
        #expect(elements.filter { $0.name == "lastmod" }.allSatisfy { Day($0.text) != nil })
        let sitemap = try ShippedSite.page("sitemap.xml")
        #expect(sitemap.contains("<loc>\(Self.base)hardware-combos/\(combo.id.raw)/</loc><lastmod>\(try #require(combo.reviewed))</lastmod>"))
        let guide = try #require(ShippedSite.catalog.guides.all.first)
        #expect(sitemap.contains("<loc>\(Self.base)guides/\(guide.id.raw)/</loc><lastmod>\(try #require(guide.updated ?? guide.published))</lastmod>"))
    }

    @Test("robots.txt allows everything and names the sitemap by absolute URL")
    func robots() throws {
        let robots = try ShippedSite.page("robots.txt")
        #expect(robots.contains("User-agent: *\nAllow: /\n"))
        #expect(robots.split(separator: "\n").contains("Sitemap: \(Self.base)sitemap.xml"))
    }

    @Test("the Atom feed parses, lists dated combos and guides newest first, and links to built pages")
    func feed() throws {
        let elements = try XMLElements.parse("feed.xml")
        let root = try #require(elements.last)
        #expect(root.name == "feed" && root.attributes["xmlns"] == "http://www.w3.org/2005/Atom")
        let entryIDs = elements.filter { $0.name == "id" && $0.path.last == "entry" }.map(\.text)
        let updated = elements.filter { $0.name == "updated" && $0.path.last == "entry" }.map(\.text)
        let titles = elements.filter { $0.name == "title" && $0.path.last == "entry" }.map(\.text)
        let summaries = elements.filter { $0.name == "summary" && $0.path.last == "entry" }
        let links = elements.filter { $0.name == "link" && $0.path.last == "entry" }.compactMap { $0.attributes["href"] }
        let catalog = ShippedSite.catalog
        let expectedCount = catalog.combos.all.filter { $0.reviewed != nil }.count + catalog.guides.all.filter { $0.published != nil }.count
            + catalog.benchmarks.all.filter { $0.measured != nil }.count
        #expect(entryIDs.count == expectedCount && expectedCount > 30)
        #expect(updated.count == entryIDs.count && titles.count == entryIDs.count && summaries.count == entryIDs.count)
        #expect(links == entryIDs, "each entry's id is its page's absolute URL")
        #expect(updated == updated.sorted(by: >), "newest first")
        #expect(updated.allSatisfy { $0.count == 20 && $0.hasSuffix("T00:00:00Z") })
        for link in links { #expect(builtFile(for: link) != nil, "\(link) is not a built page") }
        #expect(Set(links).count == links.count)
        let combo = try #require(catalog.combos.all.first)
        #expect(titles.contains(combo.title))
        let feedUpdated = try #require(elements.first { $0.name == "updated" && $0.path == ["feed"] })
        #expect(feedUpdated.text == updated.first)
    }

    @Test("catalog.json parses and holds every record of the shipped catalog, normalized, with a URL of a built page")
    func catalogJSON() throws {
        let data = try #require(FileManager.default.contents(atPath: ShippedSite.output + "/api/catalog.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["version"] as? Int == 1)
        let records = try #require(object["records"] as? [[String: Any]])
        let catalog = ShippedSite.catalog
        var expected: [(String, String)] = []
        for kind in RecordKind.allCases { expected += catalog.ids(of: kind).map { (kind.rawValue, $0) } }
        #expect(records.map { "\($0["kind"] as? String ?? ""):\($0["id"] as? String ?? "")" } == expected.map { "\($0.0):\($0.1)" },
                "every record once, by kind then id")
        for record in records {
            let url = try #require(record["url"] as? String)
            let file = builtFile(for: url)
            #expect(file != nil, "\(url) is not a built page")
            if let file, let hash = url.firstIndex(of: "#") {
                let ids = LinkChecker.attributeValues("id", in: try ShippedSite.page(file))
                #expect(ids.contains(String(url[url.index(after: hash)...])), "\(url) names no element")
            }
            #expect(record["fields"] is [String: Any])
        }
        func record(_ kind: RecordKind, _ id: String) throws -> [String: Any] {
            let found = try #require(records.first { $0["kind"] as? String == kind.rawValue && $0["id"] as? String == id })
            return try #require(found["fields"] as? [String: Any])
        }
        // Numbers are numbers, references are ids, vocabulary terms their raw values.
        let device = try #require(catalog.devices.all.first)
        let deviceFields = try record(.device, device.id.raw)
        #expect((deviceFields["memory_gb"] as? NSNumber)?.doubleValue == device.memoryGB)
        #expect((deviceFields["bandwidth_gb_s"] as? NSNumber)?.doubleValue == device.bandwidthGBs)
        #expect(deviceFields["backends"] as? [String] == device.backends.map(\.rawValue))
        let combo = try #require(catalog.combos.all.first)
        let comboFields = try record(.combo, combo.id.raw)
        #expect(comboFields["platform"] as? String == combo.platform.id.raw)
        #expect(comboFields["reviewed"] as? String == combo.reviewed?.description)
        let nodes = try #require(comboFields["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["machine"] as? String } == combo.nodes.map(\.machine.id.raw))
        #expect(nodes.map { ($0["count"] as? NSNumber)?.intValue } == combo.nodes.map(\.count))
        let runtime = try #require(catalog.runtimes.all.first)
        let runtimeRecord = try #require(records.first { $0["kind"] as? String == "runtime" && $0["id"] as? String == runtime.id.raw })
        #expect(runtimeRecord["body"] as? String == runtime.review.text)
        #expect((runtimeRecord["fields"] as? [String: Any])?["split_strategies"] as? [String] == runtime.splitStrategies.map(\.rawValue))
    }

    @Test("404.html is a real page whose links all resolve from the site root, at any depth")
    func notFound() throws {
        let html = try ShippedSite.page("404.html")
        #expect(html.contains("<h1>Page not found</h1>"))
        #expect(html.contains("<main id=\"main\">"), "rendered through the base template")
        let hrefs = LinkChecker.attributeValues("href", in: html)
        #expect(hrefs.contains(Self.base), "a link home")
        for kind in PageMeta.sections.map(\.1) { #expect(hrefs.contains(Self.base + Route.section(kind) + "/")) }
        for raw in hrefs {
            let href = LinkChecker.decodeEntities(raw)
            if href.hasPrefix("#") {
                #expect(LinkChecker.attributeValues("id", in: html).contains(String(href.dropFirst())))
                continue
            }
            // Relative links would resolve against the missing path the host answered; every
            // link is an absolute URL of a page or file that was built.
            #expect(builtFile(for: href) != nil, "\(href) does not resolve from the root")
        }
    }

    @Test("og:url is the canonical URL, with the page's title, description, type and the site name")
    func openGraph() throws {
        let html = try ShippedSite.page("hardware-combos/quad-rtx-3090/index.html")
        let canonical = "https://combos.example/hardware-combos/quad-rtx-3090/"
        #expect(html.contains("<link rel=\"canonical\" href=\"\(canonical)\">"))
        #expect(html.contains("<meta property=\"og:url\" content=\"\(canonical)\">"))
        #expect(html.contains("<meta property=\"og:type\" content=\"article\">"))
        #expect(html.contains("<meta property=\"og:site_name\" content=\"Local AI Hardware Combos\">"))
        let combo = try #require(ShippedSite.catalog.combos[RecordID("quad-rtx-3090")])
        #expect(html.contains("<meta property=\"og:title\" content=\"\(escapeHTML(combo.title))\">"))
        #expect(try ShippedSite.page("index.html").contains("<meta property=\"og:type\" content=\"website\">"))
    }

    @Test("the feed orders combos, guides and benchmarks by their dates, newest first; a benchmark links to its row")
    func feedOrder() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.replace(in: "content/combos/gpu-box.md", "reviewed: 2026-11-25", with: "reviewed: 2026-09-15")
        _ = try SiteBuilder.build(SiteBuilder.Options(
            content: site.content, templates: FixtureSite.packageRoot + "/templates", output: site.path("public"), baseURL: Self.base))
        let feed = site.read("public/feed.xml")
        let ids = feed.components(separatedBy: "<entry>\n    <id>").dropFirst().map { $0.prefix { $0 != "<" } }
        #expect(ids == [
            "https://combos.example/guides/fixture-guide/", "https://combos.example/hardware-combos/mini-cluster/",
            "https://combos.example/benchmarks/#benchmark-gpu-24-dense", "https://combos.example/hardware-combos/gpu-box/",
        ].map { Substring($0) })
        #expect(feed.contains("<updated>2026-11-25T00:00:00Z</updated>\n    <published>2026-11-01T00:00:00Z</published>"))
        #expect(site.read("public/benchmarks/index.html").contains("<tr id=\"benchmark-gpu-24-dense\">"))
    }

    @Test("an edit in serve updates the sitemap, feed and JSON API as a full build does")
    func liveSiteMatchesFullBuild() throws {
        let workspace = LiveSiteTests.Workspace()
        let site = LiveSite(workspace.options)
        _ = try site.rebuild().get()
        let before = site.files
        workspace.replace("content/combos/quad-rtx-3090.md", "reviewed: 2026-11-25", with: "reviewed: 2026-10-02")
        _ = try site.rebuild().get()
        let full = try workspace.fullBuild()
        for file in ["sitemap.xml", "feed.xml", "api/catalog.json", "robots.txt", "404.html", "compatibility/index.html"] {
            #expect(site.files[file] != nil && site.files[file] == full[file], "\(file) differs from a full build")
        }
        for file in ["sitemap.xml", "feed.xml", "api/catalog.json"] {
            #expect(site.files[file] != before[file], "\(file) did not change with the review date")
        }
        #expect(Set(site.files.keys) == Set(full.keys))
        #expect(full.keys.filter { site.files[$0] != full[$0] }.isEmpty)
    }

    @Test("the JSON API made from the last one copies unchanged records and writes changed, added and moved ones again")
    func catalogExportReuse() throws {
        let workspace = LiveSiteTests.Workspace()
        let content = workspace.root + "/content"
        let config = SiteConfig(baseURL: Self.base)
        let first = CatalogAPI.export(CatalogLoader.load(from: content).catalog, config: config)
        // One record edited, one removed, one added.
        workspace.replace("content/combos/quad-rtx-3090.md", "reviewed: 2026-11-25", with: "reviewed: 2026-10-02")
        let guides = try FileManager.default.contentsOfDirectory(atPath: content + "/guides").sorted()
        let removed = try #require(guides.first)
        try FileManager.default.removeItem(atPath: content + "/guides/" + removed)
        let devices = try FileManager.default.contentsOfDirectory(atPath: content + "/devices").sorted()
        let copied = try #require(devices.first)
        try FileManager.default.copyItem(atPath: content + "/devices/" + copied, toPath: content + "/devices/zz-added-device.yaml")
        let catalog = CatalogLoader.load(from: content).catalog
        #expect(catalog.devices[RecordID("zz-added-device")] != nil)

        let fresh = CatalogAPI.export(catalog, config: config)
        let reused = CatalogAPI.export(catalog, config: config, previous: first)
        #expect(reused.data == fresh.data, "reusing the last export changed its bytes")
        #expect(try JSONSerialization.jsonObject(with: reused.data) is [String: Any])

        // Copied, not written again: an unchanged record's bytes come from the last export, a
        // changed one's do not. Shown by marking both in the last export's bytes.
        func marked(_ key: String, in export: CatalogAPI.Export) throws -> CatalogAPI.Export {
            let part = try #require(export.parts[key])
            var data = export.data
            data.replaceSubrange(part.range, with: Data(repeating: UInt8(ascii: "#"), count: part.range.count))
            return CatalogAPI.Export(data: data, parts: export.parts)
        }
        let unchanged = "runtime:" + (catalog.runtimes.all.first?.id.raw ?? "")
        let previous = try marked("combo:quad-rtx-3090", in: marked(unchanged, in: first))
        let again = CatalogAPI.export(catalog, config: config, previous: previous)
        let range = try #require(again.parts[unchanged]?.range)
        #expect(again.data[range].allSatisfy { $0 == UInt8(ascii: "#") }, "an unchanged record was written again")
        let edited = try #require(again.parts["combo:quad-rtx-3090"]?.range)
        #expect(again.data[edited] == fresh.data[try #require(fresh.parts["combo:quad-rtx-3090"]?.range)])
        // Another base URL changes every record's url: nothing is copied.
        let moved = CatalogAPI.export(catalog, config: SiteConfig(baseURL: "https://elsewhere.example/"), previous: previous)
        #expect(moved.data == CatalogAPI.export(catalog, config: SiteConfig(baseURL: "https://elsewhere.example/")).data)
    }

    @Test("two builds of the shipped catalog are byte-identical, plumbing files included")
    func shippedBuildIsDeterministic() throws {
        let output = TestScratch.path("combos-again")
        defer { try? FileManager.default.removeItem(atPath: output) }
        _ = try SiteBuilder.build(SiteBuilder.Options(
            content: FixtureSite.packageRoot + "/content", templates: FixtureSite.packageRoot + "/templates", output: output, baseURL: Self.base))
        var different: [String] = []
        var count = 0
        // Every file of the new build against the shared one: browser tests put harness pages
        // (`zz-*`) in the shared output while this runs, and those are not the build's.
        let enumerator = FileManager.default.enumerator(atPath: output)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: output + "/" + relative, isDirectory: &isDirectory)
            guard !isDirectory.boolValue else { continue }
            count += 1
            if FileManager.default.contents(atPath: ShippedSite.output + "/" + relative) != FileManager.default.contents(atPath: output + "/" + relative) {
                different.append(relative)
            }
        }
        #expect(count > 300)
        #expect(different.isEmpty, "\(different.prefix(5)) differ between two builds")
    }

    @Test("an absolute link under the base URL is checked like a relative one")
    func absoluteLinksChecked() {
        func page(_ html: String) -> RenderedPage {
            RenderedPage(path: Route.notFound, html: html, source: "templates/pages/not-found.mustache", template: "pages/not-found",
                         templatePath: "templates/pages/not-found.mustache", origins: [:])
        }
        let home = RenderedPage(path: Route.home, html: "<p id=\"top\">", source: "", template: "", templatePath: "", origins: [:])
        let good = page("<a href=\"https://combos.example/\"></a><a href=\"https://combos.example/#top\"></a><a href=\"https://other.example/x/\"></a>")
        #expect(LinkChecker.check([good, home], assets: [], siteURL: Self.base).isEmpty)
        let broken = page("<a href=\"https://combos.example/no-such-page/\"></a>")
        let problems = LinkChecker.check([broken, home], assets: [], siteURL: Self.base)
        #expect(problems.map(\.message) == [
            "broken link \"https://combos.example/no-such-page/\" on /404.html (made by templates/pages/not-found.mustache): there is no page /no-such-page/",
        ])
    }
}
