import Catalog

/// `/guides/<id>/`: a long-form article.
struct GuidePage: Sendable {
    let meta: PageMeta
    let title: String
    let summary: String
    let dates: String
    let contents: [LinkView]
    let body: HTML
    let related: [LinkGroup]

    init(guide: Guide, context: inout PageContext) {
        meta = context.meta(
            title: guide.title, description: guide.summary,
            breadcrumbs: [("Guides", Route.index(of: .guide)), (guide.title, nil)])
        title = guide.title
        summary = guide.summary
        var dates = guide.published.map { "Published \($0.longForm)" } ?? ""
        if let updated = guide.updated { dates += ", updated \(updated.longForm)" }
        self.dates = dates
        let output = context.renderMarkdown(guide.body, .init(reservedIDs: ["related"]))
        contents = output.headings.filter { $0.level == 2 }.map { LinkView(label: $0.text, href: "#" + $0.id) }
        body = output.html
        related = RelatedLinks.groups(guide.related, &context)
    }
}
