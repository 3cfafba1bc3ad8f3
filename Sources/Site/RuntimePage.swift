import Catalog

/// `/tools/<id>/`: a runtime's rules as data, its operational review, and the combos it runs on.
struct RuntimePage: Sendable {
    let meta: PageMeta
    /// Records that share devices, machines, runtimes or models with this one.
    let seeAlso: [LinkGroup]
    let title: String
    let summary: String
    let facts: [Fact]
    let splitStrategies: [StrategyView]
    let multiHost: String
    let multiHostNote: HTML?
    let constraints: [HTML]
    let review: HTML
    let recommendedOn: [LinkView]
    let supportedOn: [LinkView]
    let unsupportedOn: [CompatibilityLink]
    /// Past `ListLimit.inline` combos in a list, how many more.
    let moreRecommended: MoreView?
    let moreSupported: MoreView?
    let moreUnsupported: MoreView?
    let sources: [SourceView]

    struct CompatibilityLink: Sendable {
        let link: LinkView
        let note: HTML
    }

    init(runtime: Runtime, related relatedRecords: RelatedRecords, context: inout PageContext) {
        seeAlso = relatedRecords.groups(for: .init(kind: .runtime, id: runtime.id.raw), excluding: [], &context)
        let catalog = context.catalog
        meta = context.meta(
            title: runtime.name, description: runtime.summary,
            breadcrumbs: [("Tools", Route.index(of: .runtime)), (runtime.name, nil)])
        title = runtime.name
        summary = runtime.summary
        var facts: [Fact] = [
            Fact("Licence", runtime.license),
            Fact("Version reviewed", runtime.version),
        ]
        if let reviewed = runtime.reviewed { facts.append(Fact("Reviewed", reviewed.longForm)) }
        facts += [
            Fact("Home page", runtime.homepage, href: runtime.homepage),
            Fact("Operating systems", runtime.platforms.map(\.label).joined(separator: ", ")),
            Fact("Backends", runtime.backends.map(\.label).joined(separator: ", ")),
            Fact("Weight formats", runtime.formats.map(\.label).joined(separator: ", ")),
            Fact("Mixes vendors in one model", runtime.mixedVendors ? "Yes" : "No"),
        ]
        self.facts = facts
        splitStrategies = runtime.splitStrategies.map {
            StrategyView(label: $0.label, definition: $0.definition, note: HTML(escaping: ""))
        }
        multiHost = runtime.multiHost.supported
            ? "Yes, over " + listing(runtime.multiHost.transports.map(\.label))
            : "No: one model runs within one machine"
        multiHostNote = runtime.multiHost.note.map { context.inline($0) }
        constraints = runtime.constraints.map { context.inline($0) }
        review = context.markdown(runtime.review, .init(headingOffset: 1, reservedIDs: ["rules", "review", "combos", "sources", "see-also"]))
        // Combos by their place in the catalog's list, not copied out of it: each runtime page
        // reads every combo.
        let combos = catalog.combos.all
        var recommended: [Int] = []
        var supported: [Int] = []
        var unsupported: [(Int, RuntimeVerdict)] = []
        for position in combos.indices {
            guard let verdict = combos[position].verdict(for: runtime.id) else { continue }
            if combos[position].recommendedRuntimes.contains(where: { $0.id == runtime.id }) {
                recommended.append(position)
            } else if verdict.supported {
                supported.append(position)
            } else {
                unsupported.append((position, verdict))
            }
        }
        func link(_ position: Int) -> LinkView { context.link(combos[position].title, to: Route.combo(combos[position].id)) }
        let index = Route.index(of: .combo)
        let (shownRecommended, hiddenRecommended) = ListLimit.cap(recommended)
        recommendedOn = shownRecommended.map(link)
        moreRecommended = MoreView(hidden: hiddenRecommended, noun: "combos", link: context.link("Browse every combo", to: index))
        let (shownSupported, hiddenSupported) = ListLimit.cap(supported)
        supportedOn = shownSupported.map(link)
        moreSupported = MoreView(hidden: hiddenSupported, noun: "combos", link: context.link("Browse every combo", to: index))
        let (shownUnsupported, hiddenUnsupported) = ListLimit.cap(unsupported)
        unsupportedOn = shownUnsupported.map { position, verdict in
            CompatibilityLink(link: link(position), note: context.inline(verdict.note))
        }
        moreUnsupported = MoreView(hidden: hiddenUnsupported, noun: "combos", link: context.link("Browse every combo", to: index))
        sources = runtime.sources.views
    }
}
