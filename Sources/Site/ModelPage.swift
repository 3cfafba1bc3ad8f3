import Catalog
import Fit

/// `/models/<id>/`: a model's architecture facts, its quantizations, and the combos that name it.
struct ModelPage: Sendable {
    let meta: PageMeta
    /// Records that share devices, machines, runtimes or models with this one.
    let seeAlso: [LinkGroup]
    let title: String
    let summary: String
    let facts: [Fact]
    let quants: [QuantRow]
    let combos: [LinkView]
    let moreCombos: MoreView?
    let sources: [SourceView]
    /// What runs where: the catalog's combos, and single devices.
    let onCombos: [RunsOnView]
    /// Past `ListLimit.inline` combos, only the fastest are listed.
    let moreOnCombos: MoreView?
    let tooBigFor: [LinkView]
    let moreTooBigFor: MoreView?
    /// The single devices that hold it, rendered with `partials/device-runs` (kept between
    /// rebuilds while the fit answers are reused: it shows nothing of the combos).
    let onDevices: HTML
    let contextTokens: String
    let methodologyHref: String
    /// Decode speed against context on a few combos.
    let chart: HTML
    let chartLegend: [LegendItem]

    struct LegendItem: Sendable {
        let style: String
        let label: String
    }

    struct QuantRow: Sendable {
        let name: String
        let format: String
        let bitsPerWeight: String
        let fileSize: String
    }

    init(model: Model, backlinks: Backlinks, fits: SiteFits, related relatedRecords: RelatedRecords, context: inout PageContext) {
        seeAlso = relatedRecords.groups(for: .init(kind: .model, id: model.id.raw), excluding: [], &context)
        meta = context.meta(
            title: model.name, description: model.summary,
            breadcrumbs: [("Models", Route.index(of: .model)), (model.name, nil)])
        title = model.name
        summary = model.summary
        var facts: [Fact] = [Fact("Developer", model.developer), Fact("Licence", model.license)]
        if let released = model.released { facts.append(Fact("Released", released.longForm)) }
        facts.append(Fact("Parameters", "\(Format.number(model.paramsB, decimals: 1))B"))
        if let active = model.activeParamsB, let experts = model.experts {
            facts.append(Fact("Active per token", "\(Format.number(active, decimals: 1))B"))
            facts.append(Fact("Experts", "\(experts.total) routed, \(experts.active) active per token"
                + (experts.shared > 0 ? ", \(experts.shared) shared" : "")))
        }
        facts += [
            Fact("Layers", "\(model.layers)"),
            Fact("Hidden size", Format.grouped(model.hiddenSize)),
            Fact("Attention", model.attention.label),
            Fact("Heads", "\(model.attentionHeads) query, \(model.kvHeads) key/value, \(model.headDim) wide"),
        ]
        if let window = model.slidingWindow { facts.append(Fact("Sliding window", Format.context(window))) }
        if let full = model.fullAttentionLayers { facts.append(Fact("Full-attention layers", "\(full) of \(model.layers)")) }
        if let rank = model.kvLoraRank, let rope = model.ropeHeadDim {
            facts.append(Fact("Latent cache", "rank \(rank) + \(rope) RoPE dimensions per layer"))
        }
        facts.append(Fact("Vocabulary", Format.grouped(model.vocabSize)))
        facts.append(Fact("Native context", Format.context(model.maxContext)))
        self.facts = facts
        quants = model.quants.map { quant in
            QuantRow(
                name: quant.name, format: quant.format.label,
                bitsPerWeight: quant.bitsPerWeight.map { Format.number($0) } ?? "—",
                fileSize: quant.fileSizeGB.map { Format.gigabytes($0) } ?? "—")
        }
        let (shownCombos, hiddenCombos) = ListLimit.cap(backlinks.combos(naming: model.id))
        combos = shownCombos.map { context.link($0.title, to: Route.combo($0.id)) }
        moreCombos = MoreView(hidden: hiddenCombos, noun: "combos name it", link: context.link("Browse every combo", to: Route.index(of: .combo)))
        sources = model.sources.views

        contextTokens = Format.context(SiteFits.context)
        methodologyHref = context.href(Route.methodology)
        // Each combo by its place in the catalog's list: every model page visits every combo,
        // and copying a combo out of the list (a few dozen references) was most of that. Each
        // combo's standing is its configuration's (`SiteFits.standingsTable`): the answers of the
        // few combos shown are worked out, not every configuration's.
        let combos = context.catalog.combos.all
        let table = fits.standingsTable
        let place = fits.modelIndex[model.id] ?? -1
        // Each combo it runs on by its speed alone: keeping ten thousand answers to sort them
        // copied them all. The few shown are asked for again.
        var runs: [(combo: Int, speed: Double)] = []
        var tooBig: [Int] = []
        for index in combos.indices {
            guard let standing = table.standing(place, ofComboAt: index), let runsThere = standing.runs else { continue }
            if runsThere {
                runs.append((index, standing.speed))
            } else {
                tooBig.append(index)
            }
        }
        // A long list keeps the fastest at 4-bit (in catalog order when short, and among equals).
        if runs.count > ListLimit.inline {
            runs.sort { $0.speed > $1.speed }
        }
        let (shownRuns, hiddenRuns) = ListLimit.cap(runs)
        onCombos = shownRuns.compactMap { entry in
            let combo = combos[entry.combo]
            guard let fit = fits.combos[combo.id], let (fourBit, faithful) = fits.modelAnswers(model, in: fit) else { return nil }
            let detail = LinkView(
                label: "will it run",
                href: context.href(Route.willItRun(combo.id), fragment: FitRowView.anchor(model: model.id, quant: fourBit.quant.name)))
            return RunsOnView(
                subject: context.link(combo.title, to: Route.combo(combo.id)), answer: fourBit,
                mostFaithful: faithful?.quant.name, detail: detail, context: context)
        }
        moreOnCombos = MoreView(
            hidden: hiddenRuns, noun: "combos run it; these are the fastest at 4-bit",
            link: context.link("Browse every combo", to: Route.index(of: .combo)))
        let (shownTooBig, hiddenTooBig) = ListLimit.cap(tooBig)
        tooBigFor = shownTooBig.map { context.link(combos[$0].title, to: Route.combo(combos[$0].id)) }
        moreTooBigFor = MoreView(hidden: hiddenTooBig, noun: "combos", link: context.link("Browse every combo", to: Route.index(of: .combo)))
        let devicesKey = "\(model.id.raw)\u{1F}\(fits.inputs.map(String.init) ?? "")"
        if fits.inputs != nil, let cached = context.cachedFragment("partials/device-runs", key: devicesKey) {
            onDevices = cached
        } else {
            onDevices = context.renderFragment(
                "partials/device-runs", key: devicesKey,
                model: DeviceRunsView(rows: Self.deviceRows(model, fits, &context), methodologyHref: methodologyHref))
        }

        // The fastest few combos it runs on, charted against context.
        // Ranked by the speed at the first context; the curves and labels are made for the
        // four shown only.
        var fastest: [(combo: Int, first: Double)] = []
        for index in combos.indices {
            guard let first = table.standing(place, ofComboAt: index)?.curveFirst else { continue }
            fastest.append((index, first))
        }
        let shown = fastest.sorted { $0.first > $1.first }.prefix(4).compactMap { entry -> ContextChart.Series? in
            guard let curve = fits.curve(model, on: combos[entry.combo].id) else { return nil }
            let runtime = context.catalog[curve.answer.runtime]?.name ?? curve.answer.runtime.raw
            return ContextChart.Series(label: "\(combos[entry.combo].title): \(curve.answer.quant.name), \(runtime)", points: curve.points)
        }
        chart = ContextChart.svg(Array(shown))
        chartLegend = shown.enumerated().map { LegendItem(style: "s\($0.offset % 4)", label: $0.element.label) }
    }

    /// Devices that hold the model at 4-bit or without offload, best first.
    static func deviceRows(_ model: Model, _ fits: SiteFits, _ context: inout PageContext) -> [RunsOnView] {
        var rows: [(RunsOnView, Verdict, Double)] = []
        // Every device's answers at once, on every core, when an update has not worked them out.
        fits.devices.workOutAll()
        for device in context.catalog.devices {
            guard let fit = fits.devices[device.id], let answer = fit.fourBit[model.id] else { continue }
            let faithful = fit.mostFaithful[model.id]
            guard faithful != nil || answer.result.verdict == .fits || answer.result.verdict == .tight else { continue }
            rows.append((
                RunsOnView(subject: context.link(device.name, to: Route.device(device.id)), answer: answer, mostFaithful: faithful, detail: nil, context: context),
                answer.result.verdict, answer.result.decode?.tokensPerSecond ?? 0))
        }
        return rows.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.2 > $1.2 }.map(\.0)
    }
}

/// The table of single devices on a model page.
struct DeviceRunsView: Sendable {
    let rows: [RunsOnView]
    let methodologyHref: String
}
