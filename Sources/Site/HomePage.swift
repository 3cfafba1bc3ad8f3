import Catalog

/// `/`: what the catalog is, the combos, and the way into every section.
struct HomePage: Sendable {
    let meta: PageMeta
    let title: String
    let combos: [IndexItem]
    /// The combos, each rendered with `partials/record-card`.
    let comboCards: [HTML]
    /// Past one page of cards, a link to the combo index for the rest.
    let moreCombos: MoreView?
    let sections: [SectionEntry]
    /// Ways in by what the reader knows: a budget, a model to run, hardware already owned.
    let byBudget: [EntryLink]
    let byModel: [EntryLink]
    let byHardware: [EntryLink]

    struct EntryLink: Sendable {
        let link: LinkView
        let note: String
    }
    /// Every runtime against what it runs on, across the catalog.
    let compatibility: LinkView

    struct SectionEntry: Sendable {
        let link: LinkView
        let count: String
        let intro: String
    }

    init(fits: SiteFits, facets: ComboFacets, cards: ComboCards, context: inout PageContext) {
        let catalog = context.catalog
        title = context.config.title
        meta = context.meta(
            title: title,
            description: "Which hardware runs which local AI models, how it is wired, and what goes wrong.",
            breadcrumbs: [])
        let all = facets.combos(matching: ComboFacets.Selection([]))
        combos = all.prefix(Pagination.perPage).compactMap { IndexItem.combo($0, cards: cards, fits: fits, facets: facets, &context) }
        comboCards = IndexItem.cards(combos, &context)
        moreCombos = MoreView(
            hidden: all.count - combos.count, noun: "combos, cheapest first",
            link: context.link("See them all in the combo index", to: Route.index(of: .combo)))
        func entries(_ facet: ComboFacets.Facet) -> [EntryLink] {
            facets.values(of: facet).map { value in
                let count = facets.combos(matching: ComboFacets.Selection([value])).count
                return EntryLink(link: context.link(value.label, to: value.path), note: "\(Format.grouped(count)) \(count == 1 ? "combo" : "combos")")
            }
        }
        byBudget = entries(.budget)
        byModel = entries(.runs)
        byHardware = [
            EntryLink(link: context.link("Look up your card or chip", to: Route.index(of: .device)),
                      note: "Each device page lists the models that fit it at 4-bit."),
            EntryLink(link: context.link("Look up your machine", to: Route.index(of: .machine)),
                      note: "Macs, mini PCs, workstations and servers, with the combos built on them."),
            EntryLink(link: context.link("Describe your hardware in the builder", to: Route.builder),
                      note: "Any mix of devices or machines, platform, runtime and context: every model's verdict."),
        ]
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
