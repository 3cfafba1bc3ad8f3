import Catalog

/// `/platforms/<id>/`: an operating system's memory rules and features, and the combos on it.
struct PlatformPage: Sendable {
    let meta: PageMeta
    /// Records that share devices, machines, runtimes or models with this one.
    let seeAlso: [LinkGroup]
    let title: String
    let summary: String
    let facts: [Fact]
    let features: [String]
    let wiredLimit: [Fact]
    let raiseCommand: String?
    let notes: HTML?
    let combos: [LinkView]
    let moreCombos: MoreView?
    let sources: [SourceView]

    init(platform: Platform, backlinks: Backlinks, related relatedRecords: RelatedRecords, context: inout PageContext) {
        seeAlso = relatedRecords.groups(for: .init(kind: .platform, id: platform.id.raw), excluding: [], &context)
        meta = context.meta(
            title: platform.name, description: platform.summary,
            breadcrumbs: [("Platforms", Route.index(of: .platform)), (platform.name, nil)])
        title = platform.name
        summary = platform.summary
        var facts: [Fact] = [
            Fact("Operating system", platform.family.label),
            Fact("Version", platform.version),
        ]
        if let released = platform.released { facts.append(Fact("Released", released.longForm)) }
        facts.append(Fact("RAM kept by the OS", Format.gigabytes(platform.osReserveGB)))
        if let reserve = platform.displayReserveGB { facts.append(Fact("GPU memory kept for the display", Format.gigabytes(reserve))) }
        self.facts = facts
        features = platform.features.map(\.label)
        var lower: Double?
        wiredLimit = platform.gpuWiredLimit.map { tier in
            let range: String = switch (lower, tier.ramUpToGB) {
            case (nil, let upper?): "Up to \(Format.gigabytes(upper))"
            case (let low?, let upper?): "Over \(Format.gigabytes(low)), up to \(Format.gigabytes(upper))"
            case (let low?, nil): "Over \(Format.gigabytes(low))"
            case (nil, nil): "Any size"
            }
            lower = tier.ramUpToGB
            let value = tier.reserveGB.map { "RAM minus \(Format.gigabytes($0))" }
                ?? "\(Format.number(tier.fraction * 100, decimals: 1))% of RAM"
            return Fact(range, value)
        }
        raiseCommand = platform.raiseWiredLimit
        notes = platform.notes.map { context.markdown($0, .init(headingOffset: 2)) }
        let (shownCombos, hiddenCombos) = ListLimit.cap(backlinks.combos(onPlatform: platform.id))
        combos = shownCombos.map { context.link($0.title, to: Route.combo($0.id)) }
        moreCombos = MoreView(
            hidden: hiddenCombos, noun: "combos on this platform",
            link: context.link("Browse every combo", to: Route.index(of: .combo)))
        sources = platform.sources.views
    }
}
