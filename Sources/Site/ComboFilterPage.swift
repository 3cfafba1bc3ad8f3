import Catalog

/// `/hardware-combos/<facet>/<value>/` (and budget with model): only the combos that match,
/// cheapest first, with links to narrow further. The no-JavaScript side of the combo filters.
struct ComboFilterPage: Sendable {
    let meta: PageMeta
    let title: String
    let intro: String
    let items: [IndexItem]
    /// The items, each rendered with `partials/record-card`.
    let cards: [HTML]
    /// One step narrower: a budget page by model, a model page by budget.
    let narrower: [NarrowLink]
    let narrowerLabel: String
    let filters: FilterPanel
    /// Links to the other pages of this list, when it has more than one.
    let pager: PagerView?

    struct NarrowLink: Sendable {
        let link: LinkView
        let count: String
    }

    init(selection: ComboFacets.Selection, page: Pagination? = nil, facets: ComboFacets, cards: ComboCards, fits: SiteFits, context: inout PageContext) {
        title = selection.title + (page.map { $0.number > 1 ? ", page \($0.number)" : "" } ?? "")
        let ids = facets.combos(matching: selection)
        items = (page?.slice(ids) ?? ids[...]).compactMap { IndexItem.combo($0, cards: cards, fits: fits, facets: facets, &context) }
        self.cards = IndexItem.cards(items, &context)
        pager = page?.view(&context)
        intro = Self.intro(selection, count: ids.count)
        meta = context.meta(title: title, description: intro, breadcrumbs: [
            (IndexPage.title(.combo), Route.index(of: .combo)), (selection.title, nil),
        ])
        var narrower: [NarrowLink] = []
        for next in facets.narrower(than: selection) {
            guard let added = next.values.first(where: { !selection.values.contains($0) }) else { continue }
            let count = facets.combos(matching: next).count
            narrower.append(NarrowLink(link: context.link(added.phrase, to: next.path), count: "\(Format.grouped(count)) \(count == 1 ? "combo" : "combos")"))
        }
        self.narrower = narrower
        narrowerLabel = selection.values.first?.facet == .budget ? "Narrow down by the model you want to run" : "Narrow down by budget"
        filters = FilterPanel(facets: facets, current: selection, total: ids.count, &context)
    }

    /// What the page lists and how each figure was decided.
    static func intro(_ selection: ComboFacets.Selection, count: Int) -> String {
        var parts: [String] = []
        for value in selection.values {
            switch value.facet {
            case .budget: parts.append("whose machines cost \(value.label.lowercased()) together, at the prices in their records")
            case .runs: parts.append("on which the fit engine finds \(value.label) at 4-bit fits or is borderline in accelerator memory, without offloading to system RAM, at \(Format.contextShort(SiteFits.context)) context")
            case .memory: parts.append("with \(value.label) of accelerator or unified memory in total")
            case .interconnect: parts.append("linked by \(value.label)")
            case .difficulty: parts.append("rated \(value.label.lowercased()) to build and run")
            case .platform: parts.append("running \(value.label)")
            }
        }
        let noun = count == 1 ? "combo" : "combos"
        return "\(Format.grouped(count)) \(noun) " + parts.joined(separator: ", and ") + ", cheapest first."
    }
}
