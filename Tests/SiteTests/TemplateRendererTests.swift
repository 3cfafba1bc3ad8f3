import Catalog
import FixtureSupport
import Foundation
import Mustache
import Testing
@testable import Site

/// The template renderer: the subset of Mustache the templates use, with swift-mustache's output
/// byte for byte (it rendered the site before), and the template check folded into rendering.
@Suite("Template renderer")
struct TemplateRendererTests {
    struct Page {
        let title: String
        let body: HTML
        let flag: Bool
        let off: Bool
        let note: String?
        let count: Int
        let groups: [Group]
        let none: [Item]
    }

    struct Group {
        let name: String
        let items: [Item]
        let lead: Item?
    }

    struct Item {
        let label: String
        let note: String?
    }

    let page = Page(
        title: "Fish & <chips> \"quoted\" 'single' ünïcode",
        body: HTML(trusted: "<b>bold & \"raw\"</b>"),
        flag: true, off: false, note: nil, count: 3,
        groups: [
            Group(name: "first", items: [Item(label: "a", note: "n"), Item(label: "b", note: nil)], lead: Item(label: "lead", note: nil)),
            Group(name: "second", items: [], lead: nil),
        ],
        none: [])

    /// Renders `page` with the given templates, the first of them named "page".
    func render(_ files: [String: String], template: String = "page") throws -> String {
        let site = FixtureSite()
        defer { site.destroy() }
        for (name, text) in files { site.write("templates/\(name).mustache", text) }
        let set = try TemplateSet.load(from: site.path("templates")).get()
        return try set.render(page, template: template)
    }

    /// What swift-mustache renders for the same templates and a model it can read by reflection
    /// (text, booleans, lists and optionals only: it does not know our HTML).
    func mustache(_ files: [String: String], _ model: Any, template: String = "page") throws -> String {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in files { templates[name] = try MustacheTemplate(string: text) }
        return MustacheLibrary(templates: templates).render(model, withTemplate: template) ?? "<missing>"
    }

    func diagnostics(_ files: [String: String]) throws -> [String] {
        let site = FixtureSite()
        defer { site.destroy() }
        for (name, text) in files { site.write("templates/\(name).mustache", text) }
        let set = try TemplateSet.load(from: site.path("templates")).get()
        do {
            _ = try set.render(page, template: "page")
            return []
        } catch {
            return error.diagnostics.map { site.relative($0.headline) }
        }
    }

    @Test("text is escaped (& < > \" ') and HTML printed as it is")
    func escaping() throws {
        let html = try render(["page": "{{title}}|{{{body}}}|{{count}}|{{flag}}"])
        #expect(html == "Fish &amp; &lt;chips&gt; &quot;quoted&quot; &#39;single&#39; ünïcode|<b>bold & \"raw\"</b>|3|true")
        #expect(escapeHTML("a&b<c>d\"e'f ü") == "a&amp;b&lt;c&gt;d&quot;e&#39;f ü")
    }

    @Test("sections over lists, booleans and objects; names climb the context stack")
    func sections() throws {
        let html = try render(["page": """
            {{#groups}}[{{name}}:{{#items}}{{label}}/{{name}}/{{title}}{{#note}}({{.}}){{/note}};{{/items}}\
            {{#lead}}<{{label}}>{{/lead}}]{{/groups}}{{#flag}}yes{{/flag}}{{#off}}no{{/off}}
            """])
        let title = "Fish &amp; &lt;chips&gt; &quot;quoted&quot; &#39;single&#39; ünïcode"
        #expect(html == "[first:a/first/\(title)(n);b/first/\(title);<lead>][second:]yes")
    }

    @Test("dotted names read fields of what the first part finds")
    func dottedNames() throws {
        struct Outer { let inner: Inner; let missing: Inner? }
        struct Inner { let value: String }
        let site = FixtureSite()
        defer { site.destroy() }
        site.write("templates/page.mustache", "{{inner.value}}|{{missing.value}}|{{#inner}}{{value}}{{/inner}}")
        let set = try TemplateSet.load(from: site.path("templates")).get()
        #expect(try set.render(Outer(inner: Inner(value: "v"), missing: nil), template: "page") == "v||v")
    }

    @Test("every kind of field swift-mustache reads renders as it renders it: structs in structs and lists, lists of text, numbers, enums, classes")
    func fieldKinds() throws {
        enum Mood { case calm, loud(Int) }
        final class Box { let label = "boxed"; let items = ["x", "y"] }
        struct Cell { let text: String; let size: Double; let mood: Mood; let tags: [String]; let spare: Cell2? }
        struct Cell2 { let text: String }
        struct Row { let cell: Cell; let cells: [Cell]; let count: Int; let ratio: Double; let words: [String]; let box: Box; let mood: Mood; let maybe: [String]? }
        let row = Row(
            cell: Cell(text: "in <place>", size: 1.5, mood: .calm, tags: ["a", "b"], spare: Cell2(text: "spare")),
            cells: [Cell(text: "one", size: 0.25, mood: .loud(3), tags: [], spare: nil), Cell(text: "two & two", size: 1e21, mood: .calm, tags: ["t"], spare: nil)],
            count: -7, ratio: 2.0, words: ["w1", "w<2>"], box: Box(), mood: .loud(9), maybe: ["m"])
        let template = """
            {{cell.text}}|{{cell.size}}|{{cell.mood}}|{{#cell.tags}}{{.}},{{/cell.tags}}|{{cell.spare.text}}|\
            {{#cells}}[{{text}} {{size}} {{mood}} {{#tags}}{{.}}{{/tags}}{{^tags}}none{{/tags}} {{#spare}}s{{/spare}}]{{/cells}}|\
            {{count}}|{{ratio}}|{{#words}}{{.}};{{/words}}|{{box.label}}{{#box.items}}{{.}}{{/box.items}}|{{mood}}|{{#maybe}}{{.}}{{/maybe}}|\
            {{#first(cells)}}{{text}}{{/first(cells)}}{{#last(words)}}{{.}}{{/last(words)}}{{count(words)}}{{#reversed(words)}}{{.}}{{/reversed(words)}}
            """
        let site = FixtureSite()
        defer { site.destroy() }
        site.write("templates/page.mustache", template)
        let set = try TemplateSet.load(from: site.path("templates")).get()
        let ours = try set.render(row, template: "page")
        #expect(ours == (try mustache(["page": template], row)))
        #expect(ours.hasPrefix("in &lt;place&gt;|1.5|calm|a,b,|spare|[one 0.25 loud(3) none ][two &amp; two 1e+21 calm t ]|-7|2.0|w1;w&lt;2&gt;;|boxedxy|loud(9)|m|"))
    }

    @Test("inverted sections render for an empty list, false, an absent optional, and empty()")
    func invertedSections() throws {
        let html = try render(["page": "{{^none}}1{{/none}}{{^off}}2{{/off}}{{^note}}3{{/note}}{{^flag}}x{{/flag}}{{^groups}}x{{/groups}}{{^empty(none)}}x{{/empty(none)}}{{^empty(groups)}}4{{/empty(groups)}}{{#count(groups)}}{{.}}{{/count(groups)}}"])
        #expect(html == "1234" + "2")
    }

    @Test("partials render in the caller's context, indented when standalone")
    func partials() throws {
        let files = [
            "page": "<ul>\n  {{> partials/item}}\n</ul>\n{{#groups}}{{> partials/name}}{{/groups}}\n",
            "partials/item": "<li>\n{{title}}\n</li>\n",
            "partials/name": "{{name}},",
        ]
        let html = try render(files)
        let title = "Fish &amp; &lt;chips&gt; &quot;quoted&quot; &#39;single&#39; ünïcode"
        #expect(html == "<ul>\n  <li>\n  \(title)\n  </li>\n</ul>\nfirst,second,\n")
    }

    @Test("a page overrides its layout's blocks; blocks it does not override keep their default")
    func inheritance() throws {
        let files = [
            "base": "<title>{{$title}}Default{{/title}}</title>\n<main>\n  {{$main}}\n  nothing\n  {{/main}}\n</main>\n{{$foot}}foot{{/foot}}\n",
            "page": "{{<base}}\n{{$title}}{{title}}{{/title}}\n{{$main}}\n  <p>{{count}}</p>\n  <p>two</p>\n{{/main}}\n{{/base}}\n",
        ]
        let html = try render(files)
        let title = "Fish &amp; &lt;chips&gt; &quot;quoted&quot; &#39;single&#39; ünïcode"
        #expect(html == "<title>\(title)</title>\n<main>\n  <p>3</p>\n  <p>two</p>\n</main>\nfoot\n")
    }

    /// Whitespace around standalone tags, comments, sections and partials, checked against
    /// swift-mustache itself.
    @Test("standalone lines lose their whitespace exactly as swift-mustache's do", arguments: [
        "a\n{{#flag}}\nb\n{{/flag}}\nc\n",
        "  {{#flag}}  \n  b\n  {{/flag}}\n",
        "a {{#flag}}b{{/flag}} c\n  {{! comment }}\n  {{! inline }} x\n",
        "{{#items}}\n  - {{label}}\n{{/items}}\n{{^items}}\nnone\n{{/items}}",
        "<ul>\n  {{#items}}\n  <li>{{label}}</li>\n  {{/items}}\n</ul>\n",
        "x\n\t{{> partials/p}}\ny",
        "x\n  {{> partials/p}}\n  {{> partials/p}} tail\n",
        "{{<base}}\n  {{$main}}\n    one\n      two\n  {{/main}}\n{{/base}}\n",
        "{{#items}}{{label}}{{^note}} (no note){{/note}}\n{{/items}}",
        "trailing   ",
    ])
    func standaloneLines(template: String) throws {
        struct Model { let flag: Bool; let items: [Entry] }
        struct Entry { let label: String; let note: String? }
        let model = Model(flag: true, items: [Entry(label: "one", note: "n"), Entry(label: "two", note: nil)])
        let files = [
            "page": template,
            "partials/p": "<p>\n{{#items}}\n<i>{{label}}</i>\n{{/items}}\n</p>\n",
            "base": "<main>\n  {{$main}}{{/main}}\n</main>\n",
        ]
        let site = FixtureSite()
        defer { site.destroy() }
        for (name, text) in files { site.write("templates/\(name).mustache", text) }
        let set = try TemplateSet.load(from: site.path("templates")).get()
        #expect(try set.render(model, template: "page") == mustache(files, model))
    }

    @Test("a field no object on the stack has is reported at its line and column, once per tag")
    func missingField() throws {
        let found = try diagnostics(["page": "<h1>{{title}}</h1>\n  ü {{#groups}}{{#items}}{{lable}}{{/items}}{{/groups}}\n{{#off}}{{zzzz}}{{/off}}{{^flag}}{{wwww}}{{/flag}}{{#note}}{{x}}{{/note}}\n{{lead.nmae}}{{#groups}}{{lead.nmae}}{{/groups}}"])
        #expect(found == [
            "templates/page.mustache:2:26: error: {{lable}} is not a field of Item; did you mean \"label\"?",
            "templates/page.mustache:3:9: error: {{zzzz}} is not a field of Page",
            "templates/page.mustache:3:34: error: {{wwww}} is not a field of Page",
            "templates/page.mustache:4:1: error: {{lead.nmae}} is not a field of Page",
            "templates/page.mustache:4:25: error: {{lead.nmae}}: \"nmae\" is not a field of Item",
        ])
    }

    @Test("HTML printed escaped and text printed raw are reported, even for an empty optional")
    func htmlChecks() throws {
        struct Model { let body: HTML?; let text: String }
        let site = FixtureSite()
        defer { site.destroy() }
        site.write("templates/page.mustache", "{{body}}\n {{{text}}}")
        let set = try TemplateSet.load(from: site.path("templates")).get()
        #expect {
            try set.render(Model(body: nil, text: "t"), template: "page")
        } throws: { error in
            (error as! DiagnosticsError).diagnostics.map { site.relative($0.headline) } == [
                "templates/page.mustache:1:1: error: {{body}} is HTML and would be escaped; print it with {{{body}}}",
                "templates/page.mustache:2:2: error: {{{text}}} would print text without escaping; print it with {{text}}",
            ]
        }
    }
}
