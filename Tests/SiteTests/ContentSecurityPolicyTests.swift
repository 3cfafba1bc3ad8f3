import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site

/// Every built page carries a Content-Security-Policy that forbids inline script (and inline
/// style, plugins and `<base>`), and the site needs no exception to it: its scripts are files
/// under the output, its styles one stylesheet, its diagrams inline SVG elements. Checked on the
/// pages as built and in headless Chromium, where a violation is a console message.
@Suite("Content-Security-Policy")
struct ContentSecurityPolicyTests {
    /// What `templates/base.mustache` declares. Nothing the site does needs more: no inline
    /// script or style, no `data:` URL, no frame, no plugin. `img-src` allows https for images
    /// an editor links from Markdown; `connect-src 'self'` is the preview's live reload.
    /// `frame-ancestors` cannot be set from a `<meta>` (browsers ignore it there, with a warning).
    static let policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https:; font-src 'self'; "
        + "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'"

    static let metaTag = "<meta http-equiv=\"Content-Security-Policy\" content=\"\(policy)\">"

    /// The policy of a page, checked to come before anything it governs.
    static func checkPolicy(_ path: String, _ html: String) {
        let scan = HTMLScan(html)
        let metas = scan.tags.filter { $0.name == "meta" && $0.attribute("http-equiv")?.lowercased() == "content-security-policy" }
        #expect(metas.count == 1, "\(path): \(metas.count) policies")
        guard let meta = metas.first else { return }
        #expect(meta.attribute("content") == policy, "\(path)")
        // Before any script, stylesheet or body content: a policy in <meta> governs only what follows it.
        let first = scan.tags.firstIndex { !["html", "head", "meta"].contains($0.name) } ?? scan.tags.count
        let index = scan.tags.firstIndex { $0.offset == meta.offset } ?? scan.tags.count
        #expect(index < first, "\(path): the policy comes after <\(scan.tags[first].name)>")
        #expect(html.contains("<meta charset=\"utf-8\">\n" + metaTag), "\(path)")
    }

    /// What a policy with no inline allowance would block: inline scripts, handlers, style
    /// attributes and elements, javascript: URLs.
    static func inlineUses(_ html: String) -> [String] {
        let scan = HTMLScan(html)
        var uses: [String] = []
        for body in scan.scriptBodies where !body.isEmpty { uses.append("inline script: \(body.prefix(60))") }
        for tag in scan.tags {
            if tag.name == "style" { uses.append("<style>") }
            for attribute in tag.attributes {
                if attribute.name == "style" { uses.append("<\(tag.name) style=\"\(attribute.value)\">") }
                if attribute.name.hasPrefix("on") { uses.append("<\(tag.name) \(attribute.name)=…>") }
                if HTMLScan.scheme(of: attribute.value) == "javascript" || HTMLScan.scheme(of: attribute.value) == "data" {
                    uses.append("<\(tag.name) \(attribute.name)=\"\(attribute.value.prefix(40))\">")
                }
            }
        }
        return uses
    }

    @Test("the scanner sees what the policy would block (a control page)")
    func control() {
        let page = #"<p style="color:red" onclick="x()"><a href="&#106;avascript:alert(1)">a</a><script>alert(1)</script><style>p{}</style><img src="data:image/png,x">"#
        #expect(Self.inlineUses(page).count == 6, "\(Self.inlineUses(page))")
        #expect(Self.inlineUses(#"<script src="../assets/fit.js"></script><svg class="topology"><text>&lt;script&gt;</text></svg>"#).isEmpty)
    }

    @Test("every page of a fixture build carries the policy, first in its head, and needs no exception to it")
    func fixturePages() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        _ = try SiteBuilder.build(SiteBuilder.Options(
            content: site.content, templates: FixtureSite.packageRoot + "/templates", output: site.path("public"),
            baseURL: "https://combos.example/"))
        let pages = FixtureSite.files(under: site.path("public")).filter { $0.key.hasSuffix(".html") }
        #expect(pages.count == 42)
        for (path, data) in pages.sorted(by: { $0.key < $1.key }) {
            let html = String(decoding: data, as: UTF8.self)
            Self.checkPolicy(path, html)
            #expect(Self.inlineUses(html).isEmpty, "\(path): \(Self.inlineUses(html))")
        }
        for (path, html) in HostileSite.pages {
            Self.checkPolicy(path, html)
            #expect(Self.inlineUses(html).isEmpty, "\(path): \(Self.inlineUses(html))")
        }
    }

    @Test("every page of the shipped site carries the policy and needs no exception to it")
    func shippedPages() throws {
        let pages = FixtureSite.files(under: ShippedSite.output).filter { $0.key.hasSuffix(".html") && !ShippedSite.isScratch($0.key) }
        #expect(pages.count > 300)
        for (path, data) in pages.sorted(by: { $0.key < $1.key }) {
            let html = String(decoding: data, as: UTF8.self)
            Self.checkPolicy(path, html)
            #expect(Self.inlineUses(html).isEmpty, "\(path): \(Self.inlineUses(html))")
        }
    }

    /// Console lines that report a policy violation (or any other error the page raised).
    static func violations(_ console: [String]) -> [String] {
        console.filter {
            $0.contains("Content Security Policy") || $0.contains("Refused to") || $0.contains("violates") || $0.contains("Uncaught")
        }
    }

    @Test("Chromium reports a violation of the policy on the console (a control page)")
    func chromiumControl() async throws {
        let folder = TestScratch.path("combos-csp")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\n" + Self.metaTag
            + "<title>x</title></head><body><main><p style=\"color:red\">x</p><script>document.title = 'ran'</script></main></body></html>")
            .write(toFile: folder + "/index.html", atomically: true, encoding: .utf8)
        let loaded = try await Chromium.load("file://" + folder + "/index.html")
        #expect(Self.violations(loaded.console).count == 2, "\(loaded.console)")
        #expect(loaded.dom.contains("<title>x</title>"), "the inline script ran")
    }

    @Test("the shipped builder, a combo page, the combo index and search work under the policy in Chromium, with no violation")
    func shippedInChromium() async throws {
        let root = "file://" + ShippedSite.output
        let combo = try #require(ShippedSite.catalog.combos.all.first).id.raw
        let builder = try await Chromium.load(root + "/will-it-run/custom/index.html?devices=rtx-3090:2&platform=linux&runtime=llama-cpp")
        #expect(builder.dom.contains("data-ready=\"true\""), "the builder script did not run")
        #expect(builder.dom.contains("data-verdict=\"fits\""))
        #expect(Self.violations(builder.console).isEmpty, "\(builder.console)")
        for page in ["/hardware-combos/\(combo)/index.html", "/hardware-combos/index.html", "/search/index.html?q=mac"] {
            let loaded = try await Chromium.load(root + page)
            #expect(loaded.dom.contains("<main"), "\(page)")
            #expect(Self.violations(loaded.console).isEmpty, "\(page): \(loaded.console)")
        }
        let search = try await Chromium.load(root + "/search/index.html?q=mac")
        #expect(search.dom.contains("data-ready=\"true\""), "the search script did not run")
    }

    @Test("hostile pages in Chromium: nothing runs, nothing is injected, no violation is even attempted")
    func hostileInChromium() async throws {
        let root = "file://" + HostileSite.output
        let pages = [
            // The builder renders names, quants and labels from its data with its own escaping;
            // the machine name in the query string is the visitor's text, shown in ledgers.
            "/will-it-run/custom/index.html?machines=mini-64:2:%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&link=thunderbolt-5:80:rdma:full-mesh&platform=macos-test",
            "/will-it-run/custom/index.html?devices=gpu-24:4&platform=linux-test",
            "/hardware-combos/mini-cluster/index.html", "/hardware-combos/gpu-box/index.html",
            "/will-it-run/combo/mini-cluster/index.html", "/models/model-moe/index.html", "/hardware-combos/index.html",
            "/search/index.html?q=script", "/stacks/cluster-stack/index.html", "/benchmarks/index.html",
        ]
        for page in pages {
            let loaded = try await Chromium.load(root + page)
            #expect(Self.violations(loaded.console).isEmpty, "\(page): \(loaded.console)")
            let scan = HTMLScan(loaded.dom)
            for tag in scan.tags {
                #expect(HostileContentTests.allowedTags.contains(tag.name), "\(page): <\(tag.name)> in the DOM")
                #expect(!tag.attributes.contains { $0.name.hasPrefix("on") }, "\(page): <\(tag.name)> with a handler in the DOM")
            }
            #expect(scan.scriptBodies.allSatisfy { $0.isEmpty }, "\(page)")
            if page.hasPrefix("/will-it-run/custom/") || page.hasPrefix("/search/") {
                #expect(loaded.dom.contains("data-ready=\"true\""), "\(page): its script did not finish")
            }
        }
    }
}
