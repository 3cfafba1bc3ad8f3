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
        var recommended: [LinkView] = []
        var supported: [LinkView] = []
        var unsupported: [CompatibilityLink] = []
        for combo in catalog.combos {
            guard let verdict = combo.verdict(for: runtime.id) else { continue }
            let link = context.link(combo.title, to: Route.combo(combo.id))
            if combo.recommendedRuntimes.contains(where: { $0.id == runtime.id }) {
                recommended.append(link)
            } else if verdict.supported {
                supported.append(link)
            } else {
                unsupported.append(CompatibilityLink(link: link, note: context.inline(verdict.note)))
            }
        }
        recommendedOn = recommended
        supportedOn = supported
        unsupportedOn = unsupported
        sources = runtime.sources.views
    }
}
