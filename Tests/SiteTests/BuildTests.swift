import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site

/// Whole builds of fixture sites: the output, its links, and what a failed build leaves behind.
@Suite("Building a site")
struct BuildTests {
    func options(_ site: FixtureSite, output: String = "public") -> SiteBuilder.Options {
        SiteBuilder.Options(
            content: site.content, templates: FixtureSite.packageRoot + "/templates",
            output: site.path(output), baseURL: "https://combos.example/")
    }

    /// Every file under a folder with its bytes, to compare outputs exactly.
    func snapshot(_ folder: String) -> [String: Data] {
        FixtureSite.files(under: folder)
    }

    @Test("a build writes every page, the assets and the marker")
    func writesEverything() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let report = try SiteBuilder.build(options(site))
        let files = snapshot(site.path("public"))
        // Record, index and builder pages (28), compatibility and 404, the search page and 11 combo filter pages.
        #expect(report.pages == 42)
        #expect(files["will-it-run/custom/index.html"] != nil && files["will-it-run/custom/fit-data.js"] != nil)
        for path in ["index.html", "hardware-combos/index.html", "hardware-combos/mini-cluster/index.html",
                     "will-it-run/combo/mini-cluster/index.html", "will-it-run/combo/gpu-box/index.html", "methodology/index.html",
                     "benchmarks/index.html", "search/index.html", "search/search-index.js", "hardware-combos/difficulty/advanced/index.html",
                     "hardware-combos/gpu-box/index.html", "hardware/gpu-24/index.html", "machines/mini-64/index.html",
                     "platforms/macos-test/index.html", "tools/rt-cluster/index.html", "models/model-moe/index.html",
                     "stacks/cluster-stack/index.html", "guides/fixture-guide/index.html", "assets/site.css", ".combos-build"] {
            #expect(files[path] != nil, "missing \(path)")
        }
        #expect(report.phases.map(\.name) == [
            "hash inputs", "load templates", "load and check content", "fit answers", "plan pages", "export data", "render pages", "check links",
            "write output",
        ])
    }

    @Test("a failed build leaves the previous output byte-identical", arguments: ["content", "template", "link"])
    func failedBuildKeepsOutput(mistake: String) throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let templates = site.path("templates")
        try FileManager.default.copyItem(atPath: FixtureSite.packageRoot + "/templates", toPath: templates)
        var options = options(site)
        options.templates = templates
        _ = try SiteBuilder.build(options)
        let before = snapshot(site.path("public"))
        #expect(!before.isEmpty)

        switch mistake {
        case "content": site.replace(in: "content/devices/gpu-24.yaml", "memory_gb: 24", with: "memory_gb: -1")
        case "template": site.replace(in: "templates/pages/device.mustache", "{{title}}", with: "{{titel}}")
        default: site.replace(in: "content/guides/fixture-guide.md", "(#tensor-parallel)", with: "(#no-such-heading)")
        }
        #expect(throws: DiagnosticsError.self) { try SiteBuilder.build(options) }
        #expect(snapshot(site.path("public")) == before)
        // Nothing is left beside it but the record cache, the standings and the stamps the first build wrote
        // and, after an update that failed late (a broken link is found once pages are
        // rendered), the copy it had made, kept as the spare the next update starts from: the
        // output as it is. A content or template error stops it before any copy.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.root).filter { $0.hasPrefix(".public.") }.sorted()
        #expect(leftovers == (mistake == "link" ? [".public.fits", ".public.records", ".public.spare", ".public.stamps"] : [".public.fits", ".public.records", ".public.stamps"]))
        if mistake == "link" { #expect(snapshot(site.path(".public.spare")) == before) }
    }

    @Test("a missing templates folder is said before the content is read; template and content errors are listed together")
    func templateErrorsFirstAndTogether() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.replace(in: "content/devices/gpu-24.yaml", "memory_gb: 24", with: "memory_gb: -1")
        var options = options(site)
        options.templates = site.path("no-such-folder")
        // Only the folder: the content (wrong too) is not read for a mistyped --templates.
        #expect {
            try SiteBuilder.build(options)
        } throws: { error in
            let messages = (error as! DiagnosticsError).diagnostics.map(\.message)
            return messages == ["no templates folder here (pass --templates DIR to use another folder)"]
        }
        options.templates = site.path("templates")
        try FileManager.default.copyItem(atPath: FixtureSite.packageRoot + "/templates", toPath: options.templates)
        site.write("templates/pages/broken.mustache", "{{#items}}")
        #expect {
            try SiteBuilder.build(options)
        } throws: { error in
            let files = (error as! DiagnosticsError).diagnostics.map(\.location.path)
            return files.contains { $0.hasSuffix("content/devices/gpu-24.yaml") } && files.contains { $0.hasSuffix("templates/pages/broken.mustache") }
        }
        #expect(!FileManager.default.fileExists(atPath: site.path("public")), "nothing was written")
    }

    @Test("the same input gives byte-identical output")
    func deterministic() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        _ = try SiteBuilder.build(options(site, output: "one"))
        _ = try SiteBuilder.build(options(site, output: "two"))
        let one = snapshot(site.path("one"))
        #expect(one.count > 20)
        #expect(one == snapshot(site.path("two")))
    }

    @Test("a rebuild replaces the output whole and removes staging folders left by a killed build")
    func rebuild() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        _ = try SiteBuilder.build(options(site))
        let old = snapshot(site.path("public"))
        site.write(".public.tmp-12345-678/half-written.html", "<p>")
        site.remove("content/guides/fixture-guide.md")
        site.replace(in: "content/combos/mini-cluster.md", "  guides: [fixture-guide]\n", with: "")
        site.replace(in: "content/stacks/cluster-stack.md", "related:\n  guides: [fixture-guide]\n", with: "")
        _ = try SiteBuilder.build(options(site))
        let files = snapshot(site.path("public"))
        #expect(files["guides/fixture-guide/index.html"] == nil, "pages of removed records disappear")
        #expect(files["guides/index.html"] != nil)
        // The staging folder is gone; the output the update replaced is kept as the spare, and
        // the record cache, the standings and the input stamps beside them.
        let entries = try FileManager.default.contentsOfDirectory(atPath: site.root)
        #expect(entries.filter { $0.hasPrefix(".public.") }.sorted() == [".public.fits", ".public.records", ".public.spare", ".public.stamps"])
        #expect(snapshot(site.path(".public.spare")) == old)
    }

    @Test("the output folder is never a folder the user made")
    func refusesForeignFolder() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.write("public/my-notes.txt", "precious")
        #expect {
            try SiteBuilder.build(options(site))
        } throws: { error in
            let message = (error as! DiagnosticsError).diagnostics.first?.message ?? ""
            return message.hasPrefix("refusing to replace this folder: it is not empty and was not written by combos build")
        }
        #expect(site.read("public/my-notes.txt") == "precious")
    }

    @Test("broken links a template writes on one page are each reported once, in the order of their text")
    func brokenTemplateLinksInOrder() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let templates = site.path("templates")
        try FileManager.default.copyItem(atPath: FixtureSite.packageRoot + "/templates", toPath: templates)
        // The same target twice (as an href and as a src) is one problem.
        site.replace(in: "templates/pages/search.mustache", "<p id=\"search-status\" aria-live=\"polite\"></p>", with: """
            <p id="search-status" aria-live="polite"></p>
            <a href="../zz-gone/">z</a> <img src="../aa-gone.png" alt=""> <a href="../mm-gone/">m</a> <img src="../mm-gone/" alt="">
            """)
        var options = options(site)
        options.templates = templates
        let error = try #require(throws: DiagnosticsError.self) { try SiteBuilder.build(options) }
        #expect(error.diagnostics.map(\.message) == [("../aa-gone.png", "file /aa-gone.png"), ("../mm-gone/", "page /mm-gone/"), ("../zz-gone/", "page /zz-gone/")].map {
            "broken link \"\($0.0)\" on /search/ (made by \(templates)/pages/search.mustache): there is no \($0.1)"
        })
    }

    @Test("a broken link in Markdown is an error at the line that wrote it")
    func brokenMarkdownLink() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.replace(in: "content/guides/fixture-guide.md", "[the cluster](/hardware-combos/mini-cluster/#topology)",
                     with: "[the cluster](/hardware-combos/mini-clustre/)")
        site.replace(in: "content/runtimes/rt-cluster.md", "(/tools/rt-gpu/)", with: "(/tools/rt-gpu/#nowhere)")
        #expect {
            try SiteBuilder.check(options(site))
        } throws: { error in
            site.headlines((error as! DiagnosticsError).diagnostics) == [
                "content/guides/fixture-guide.md:11:12: error: broken link \"/hardware-combos/mini-clustre/\": there is no page /hardware-combos/mini-clustre/",
                "content/runtimes/rt-cluster.md:23:35: error: broken link \"/tools/rt-gpu/#nowhere\": page /tools/rt-gpu/ has no element with id \"nowhere\"",
            ]
        }
        // Each quotes the line that wrote the link (read again from the file: a build drops the
        // texts once it has hashed them).
        let error = try #require(throws: DiagnosticsError.self) { try SiteBuilder.build(options(site)) }
        #expect(error.diagnostics.map { $0.lineText?.contains("mini-clustre") ?? false } == [true, false])
        #expect(error.diagnostics.map { $0.lineText?.contains("rt-gpu/#nowhere") ?? false } == [false, true])
    }

    @Test("links in the output are relative, so the site works from disk and under any path")
    func relativeLinks() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        _ = try SiteBuilder.build(options(site))
        let html = site.read("public/hardware-combos/mini-cluster/index.html")
        let hrefs = LinkChecker.attributeValues("href", in: html)
        #expect(hrefs.contains("../../assets/site.css"))
        #expect(hrefs.contains("../../tools/rt-cluster/index.html"))
        #expect(hrefs.contains("../../index.html"))
        #expect(!hrefs.contains { $0.hasPrefix("/") && !$0.hasPrefix("//") })
        #expect(html.contains("<link rel=\"canonical\" href=\"https://combos.example/hardware-combos/mini-cluster/\">"))
    }

    @Test("a relative link climbs one folder per folder of the page it is on, and resolves back to its target")
    func relativeHrefs() {
        let page = SitePath("/hardware-combos/x/")
        #expect(Route.page(.runtime, "exo").href(from: page) == "../../tools/exo/index.html")
        #expect(Route.home.href(from: page) == "../../index.html")
        #expect(Route.home.href(from: Route.home) == "index.html")
        #expect(Route.asset("site.css").href(from: Route.home) == "assets/site.css")
        #expect(Route.home.href(from: Route.sitemap) == "index.html", "a file at the root is in no folder")
        #expect(Route.builderData.href(from: SitePath("/assets/site.css")) == "../will-it-run/custom/fit-data.js")
        #expect(Route.index(of: .benchmark).href(from: SitePath("/will-it-run/combo/x/"), fragment: "benchmark-b") == "../../../benchmarks/index.html#benchmark-b")
        #expect(SitePath("/a//b/").href(from: SitePath("//x///y/")) == "../../a//b/index.html", "empty segments are not folders")
        let pages = ["/", "/a/", "/a/b/", "/will-it-run/combo/x/", "/assets/site.css", "/a/b/c.js"]
        let targets = ["/", "/tools/exo/", "/assets/site.css", "/will-it-run/custom/fit-data.js"]
        for from in pages.map(SitePath.init) {
            for target in targets.map(SitePath.init) {
                #expect(LinkChecker.resolve(target.href(from: from), from: from.outputFile) == target.outputFile, "\(target) from \(from)")
            }
        }
    }

    @Test("the link checker finds the same attribute values as reading the markup byte by byte")
    func attributeScan() {
        // The reference: at every space, try each name followed by `="`; a match's value runs to
        // the next quote (none: stop), and reading goes on after it.
        func reference(_ names: [String], _ html: String) -> [Set<String>] {
            let bytes = Array(html.utf8)
            var values = [Set<String>](repeating: [], count: names.count)
            var index = 0
            scan: while index < bytes.count {
                if bytes[index] == UInt8(ascii: " ") {
                    for (which, name) in names.enumerated() {
                        let needle = Array("\(name)=\"".utf8)
                        guard bytes[(index + 1)...].starts(with: needle) else { continue }
                        let start = index + 1 + needle.count
                        guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { break scan }
                        values[which].insert(String(decoding: bytes[start..<end], as: UTF8.self))
                        index = end + 1
                        continue scan
                    }
                }
                index += 1
            }
            return values
        }
        let names = ["id", "href", "src"]
        let pieces = [" ", "=", "\"", "id", "href", "src", "d", "x", " id=\"", " href=\"a b\"", "<a", ">", "é", "\n"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let html = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(LinkChecker.attributeValues(names, in: html) == reference(names, html), "\(html.debugDescription)")
        }
        let page = ##"<a href="../x/index.html" id="top" class="a id=b"><img src="p.png" alt=" src=&quot;"> id=x href="#h"##
        #expect(LinkChecker.attributeValues(names, in: page) == [["top"], ["../x/index.html"], ["p.png"]],
                "an unclosed value ends the scan")
    }

    @Test("the link checker reads hrefs with the entities escapeHTML writes")
    func entities() {
        let hrefs = ["../../will-it-run/custom/index.html?devices=rtx-3090:2&platform=linux", "a\"b'c<d>e&f", "&lt;", "&quot;&amp;", "ü&ü"]
        for href in hrefs { #expect(LinkChecker.decodeEntities(escapeHTML(href)) == href, "\(href)") }
        #expect(LinkChecker.decodeEntities("&amp;lt; &nbsp; &#39 &") == "&lt; &nbsp; &#39 &", "an escaped entity stays escaped once; unknown ones stay as written")
    }

    @Test("JSON for a <script> cannot end it and reads back the same")
    func scriptJSON() throws {
        let json = Data(#"{"a":"</script><!-- ü </","b":"<\/ok"}"#.utf8)
        let safe = scriptSafeJSON(json)
        #expect(!safe.contains("</"))
        #expect(safe == #"{"a":"<\/script><!-- ü <\/","b":"<\/ok"}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(safe.utf8)) as? [String: String]
        #expect(decoded == ["a": "</script><!-- ü </", "b": "</ok"])
    }

    @Test("the link checker resolves relative paths and anchors")
    func linkResolution() {
        #expect(LinkChecker.resolve("../../tools/exo/index.html", from: "hardware-combos/x/index.html") == "tools/exo/index.html")
        #expect(LinkChecker.resolve("../../../x", from: "a/index.html") == nil)
        // The quick path for "../" links agrees with the full resolution wherever it answers.
        let pages = ["index.html", "a/index.html", "a/b/index.html", "a/b/c/index.html", "assets/site.css"]
        let parts = ["", "../", "../../", "../../../", "../../../../"]
        let tails = ["x/index.html", "x/", "x", "x/./y", "x/../y", "x//y", ".hidden", "x/y/z/index.html", "x?q=1"]
        for page in pages {
            for climb in parts {
                for tail in tails {
                    let path = climb + tail
                    if let quick = LinkChecker.resolveClimbing(path, from: page) {
                        #expect(quick == LinkChecker.resolveFully(path, from: page), "\(path) from \(page)")
                    }
                }
            }
        }
        #expect(LinkChecker.resolveClimbing("../../tools/exo/index.html", from: "hardware-combos/x/index.html") == "tools/exo/index.html")
        let ids = ["a/index.html": Set(["top"]), "b/index.html": Set<String>()]
        #expect(LinkChecker.problem(with: "#top", on: "a/index.html", idsByFile: ids, assets: []) == nil)
        #expect(LinkChecker.problem(with: "#gone", on: "a/index.html", idsByFile: ids, assets: []) == "page /a/ has no element with id \"gone\"")
        #expect(LinkChecker.problem(with: "../b/index.html", on: "a/index.html", idsByFile: ids, assets: []) == nil)
        #expect(LinkChecker.problem(with: "../c/", on: "a/index.html", idsByFile: ids, assets: []) == "there is no page /c/")
        #expect(LinkChecker.problem(with: "https://example.com/x", on: "a/index.html", idsByFile: ids, assets: []) == nil)
        #expect(LinkChecker.problem(with: "/b/", on: "a/index.html", idsByFile: ids, assets: [])?.hasPrefix("links must be relative") == true)
    }
}
