import Catalog

/// `/`: what the catalog is, the combos, and the way into every section.
struct HomePage: Sendable {
    let meta: PageMeta
    let title: String
    let combos: [IndexItem]
    let sections: [SectionEntry]
    /// Every runtime against what it runs on, across the catalog.
    let compatibility: LinkView

    struct SectionEntry: Sendable {
        let link: LinkView
        let count: String
        let intro: String
    }

    init(context: inout PageContext) {
        let catalog = context.catalog
        title = context.config.title
        meta = context.meta(
            title: title,
            description: "Which hardware runs which local AI models, how it is wired, and what goes wrong.",
            breadcrumbs: [])
        combos = catalog.combos.all.sorted { $0.title < $1.title }.map { IndexItem.combo($0, &context) }
        sections = RecordKind.allCases.map { kind in
            let count = catalog.count(of: kind)
            return SectionEntry(
                link: context.link(IndexPage.title(kind), to: Route.index(of: kind)),
                count: "\(count) \(count == 1 ? kind.singular : kind.plural)",
                intro: IndexPage.intro(kind))
        }
        compatibility = context.link("Runtime compatibility", to: Route.compatibility)
    }
}
