import Catalog

/// `/guides/<id>/`: a long-form article.
struct GuidePage: Sendable {
    let meta: PageMeta
    /// Records that share devices, machines, runtimes or models with this one.
    let seeAlso: [LinkGroup]
    let title: String
    let summary: String
    let dates: String
    let contents: [LinkView]
    let body: HTML
    let related: [LinkGroup]

    init(guide: Guide, related relatedRecords: RelatedRecords, context: inout PageContext) {
        seeAlso = relatedRecords.groups(for: .init(kind: .guide, id: guide.id.raw), excluding: RelatedRecords.nodes(of: guide.related), &context)
        meta = context.meta(
            title: guide.title, description: guide.summary,
            breadcrumbs: [("Guides", Route.index(of: .guide)), (guide.title, nil)])
        title = guide.title
        summary = guide.summary
        var dates = guide.published.map { "Published \($0.longForm)" } ?? ""
        if let updated = guide.updated { dates += ", updated \(updated.longForm)" }
        self.dates = dates
        let output = context.renderMarkdown(guide.body, .init(reservedIDs: ["related", "see-also"]))
        contents = output.headings.filter { $0.level == 2 }.map { LinkView(label: $0.text, href: "#" + $0.id) }
        body = output.html
        related = RelatedLinks.groups(guide.related, &context)
    }
}
