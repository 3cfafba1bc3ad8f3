import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site

/// Templates are checked against their view models before they render: a missing template,
/// a field the model lacks, a missing partial, or HTML printed the wrong way is an error that
/// names the template, line and column.
@Suite("Templates")
struct TemplateTests {
    struct Page {
        let title: String
        let body: HTML
        let items: [Item]
        let note: String?
    }

    struct Item {
        let name: String
    }

    let page = Page(title: "A <title>", body: HTML(escaping: "<b>safe</b>"), items: [Item(name: "one")], note: nil)

    /// A templates folder holding the given files.
    func templates(_ files: [String: String]) throws -> (TemplateSet, FixtureSite) {
        let site = FixtureSite()
        for (name, text) in files { site.write("templates/\(name).mustache", text) }
        let set = try TemplateSet.load(from: site.path("templates")).get()
        return (set, site)
    }

    func headlines(_ error: DiagnosticsError, _ site: FixtureSite) -> [String] {
        error.diagnostics.map { site.relative($0.headline) }
    }

    @Test("a valid template renders, escaping text and passing HTML through")
    func renders() throws {
        let (set, site) = try templates(["page": "<h1>{{title}}</h1>{{{body}}}{{#items}}<li>{{name}}</li>{{/items}}{{^note}}none{{/note}}"])
        defer { site.destroy() }
        let html = try set.render(page, template: "page")
        #expect(html == "<h1>A &lt;title&gt;</h1>&lt;b&gt;safe&lt;/b&gt;<li>one</li>none")
    }

    @Test("a field the view model lacks names the template, line and column")
    func missingField() throws {
        let (set, site) = try templates(["page": "<h1>{{title}}</h1>\n<p>{{subtitle}}</p>\n{{#items}}{{nmae}}{{/items}}"])
        defer { site.destroy() }
        #expect {
            try set.render(page, template: "page")
        } throws: { error in
            let headlines = headlines(error as! DiagnosticsError, site)
            return headlines == [
                "templates/page.mustache:2:4: error: {{subtitle}} is not a field of Page",
                "templates/page.mustache:3:11: error: {{nmae}} is not a field of Item; did you mean \"name\"?",
            ]
        }
    }

    @Test("a missing template is an error naming it")
    func missingTemplate() throws {
        let (set, site) = try templates(["page": "{{title}}"])
        defer { site.destroy() }
        #expect {
            try set.render(page, template: "pages/combo")
        } throws: { error in
            headlines(error as! DiagnosticsError, site) == [
                "templates/pages/combo.mustache: error: missing template \"pages/combo\" (templates/pages/combo.mustache does not exist)",
            ]
        }
    }

    @Test("a missing partial and a missing parent are errors")
    func missingPartial() throws {
        let (set, site) = try templates([
            "page": "{{> partials/nope}}",
            "child": "{{<base}}{{$main}}x{{/main}}{{/base}}",
        ])
        defer { site.destroy() }
        #expect(throws: DiagnosticsError.self) { try set.render(page, template: "page") }
        #expect {
            try set.render(page, template: "child")
        } throws: { error in
            headlines(error as! DiagnosticsError, site) == [
                "templates/child.mustache:1:1: error: parent template \"base\" does not exist (templates/base.mustache)",
            ]
        }
    }

    @Test("HTML must be printed raw and text escaped, never the other way round")
    func escaping() throws {
        let (set, site) = try templates(["page": "{{body}}\n{{{title}}}"])
        defer { site.destroy() }
        #expect {
            try set.render(page, template: "page")
        } throws: { error in
            headlines(error as! DiagnosticsError, site) == [
                "templates/page.mustache:1:1: error: {{body}} is HTML and would be escaped; print it with {{{body}}}",
                "templates/page.mustache:2:1: error: {{{title}}} would print text without escaping; print it with {{title}}",
            ]
        }
    }

    @Test("fields used through a parent layout's blocks are checked in the page's context")
    func inheritance() throws {
        let (set, site) = try templates([
            "base": "<title>{{title}}</title><main>{{$main}}default{{/main}}</main>",
            "page": "{{<base}}{{$main}}{{#items}}{{name}}{{/items}}{{missing}}{{/main}}{{/base}}",
        ])
        defer { site.destroy() }
        #expect {
            try set.render(page, template: "page")
        } throws: { error in
            headlines(error as! DiagnosticsError, site) == ["templates/page.mustache:1:47: error: {{missing}} is not a field of Page"]
        }
    }

    @Test("a syntax error names the template, line and column")
    func syntaxError() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.write("templates/page.mustache", "<h1>\n{{#items}}{{name}}\n")
        switch TemplateSet.load(from: site.path("templates")) {
        case .success: Issue.record("an unclosed section should not load")
        case .failure(let error):
            #expect(headlines(error, site) == [
                "templates/page.mustache:3:1: error: template syntax error: a section is opened here and never closed",
            ])
        }
    }

    @Test("every shipped template checks against the shipped catalog")
    func shippedTemplates() throws {
        let loaded = CatalogLoader.load(from: FixtureSite.packageRoot + "/content")
        #expect(loaded.diagnostics.isEmpty)
        let set = try TemplateSet.load(from: FixtureSite.packageRoot + "/templates").get()
        let pages = try SiteRenderer.render(loaded.catalog, templates: set, config: SiteConfig(baseURL: "https://example.com/"))
        let templatesUsed = Set(pages.map(\.template))
        let pageTemplates = Set(set.names.filter { $0.hasPrefix("pages/") })
        #expect(templatesUsed == pageTemplates, "every page template is used, and every page has a template")
    }
}
