import Catalog
import Fit

/// `/benchmarks/`: every published measurement in the catalog beside the fit engine's estimate
/// for the same configuration, and the measurements the combos ask for (benchmark opportunities)
/// with what the engine expects.
struct BenchmarksPage: Sendable {
    let meta: PageMeta
    let title: String
    let intro: String
    let methodologyHref: String
    let rows: [Row]
    let summary: String?
    let opportunities: [Opportunity]
    /// Past `ListLimit.requests` requests, how many more the combos make.
    let moreOpportunities: MoreView?

    struct Row: Sendable {
        /// The row's element id, which the JSON API and the feed link to.
        let anchor: String
        let configuration: String
        let configurationLink: LinkView?
        let model: LinkView
        let quant: String
        let runtime: String
        let depth: String
        let measuredDecode: String
        let estimatedDecode: String
        let decodeError: String
        let measuredPrefill: String
        let estimatedPrefill: String
        let prefillError: String
        let source: SourceView
        let notes: String?
    }

    struct Opportunity: Sendable {
        let combo: LinkView
        let model: LinkView
        let quant: String
        let runtime: LinkView
        let context: String
        let estimate: String
        let why: HTML
    }

    init(comparisons: [BenchmarkComparison], fits: SiteFits, context: inout PageContext) {
        let catalog = context.catalog
        title = IndexPage.title(.benchmark)
        intro = "Published measurements, each beside the fit engine's estimate for the same devices, runtime, model, quant, context and prompt. The error is the estimate's distance from the measurement."
        meta = context.meta(title: title, description: intro, breadcrumbs: [(title, nil)])
        methodologyHref = context.href(Route.methodology)
        rows = comparisons.map { comparison in
            let benchmark = comparison.benchmark
            let model = catalog[benchmark.model.id]
            var configuration = benchmark.devices.compactMap { slot in
                catalog[slot.device.id].map { Format.count(slot.count) + $0.name }
            }.joined(separator: " + ")
            var configurationLink: LinkView?
            if let reference = benchmark.combo, let combo = catalog[reference.id] {
                configuration = combo.title
                configurationLink = context.link(combo.title, to: Route.combo(combo.id), from: reference.location)
            } else if benchmark.devices.count == 1, benchmark.devices[0].count == 1, let device = catalog[benchmark.devices[0].device.id] {
                configurationLink = context.link(device.name, to: Route.device(device.id), from: benchmark.devices[0].device.location)
            }
            let runtime = catalog[benchmark.runtime.id]?.name ?? benchmark.runtime.id.raw
            return Row(
                anchor: Route.benchmarkAnchor(benchmark.id.raw), configuration: configuration, configurationLink: configurationLink,
                model: context.link(model?.name ?? benchmark.model.id.raw, to: Route.model(benchmark.model.id), from: benchmark.model.location),
                quant: benchmark.quant,
                runtime: runtime + (benchmark.backend.map { " (\($0.label))" } ?? ""),
                depth: Format.grouped(benchmark.depthTokens),
                measuredDecode: benchmark.decodeTPS.map(Format.tokensPerSecond) ?? "—",
                estimatedDecode: comparison.estimatedDecode.map(Format.tokensPerSecond) ?? "—",
                decodeError: comparison.decodeError.map(Self.signedPercent) ?? "—",
                measuredPrefill: benchmark.prefillTPS.map(Format.tokensPerSecond) ?? "—",
                estimatedPrefill: benchmark.prefillTPS == nil ? "—" : comparison.estimatedPrefill.map(Format.tokensPerSecond) ?? "—",
                prefillError: comparison.prefillError.map(Self.signedPercent) ?? "—",
                source: SourceView(title: benchmark.source.title, url: benchmark.source.url),
                notes: benchmark.notes)
        }
        summary = EstimateErrors(decodeOf: comparisons).map {
            "Decode: median error \(Format.percent($0.median)), worst \(Format.percent($0.worst)) over \($0.count) measurements."
        }
        var opportunities: [Opportunity] = []
        var requested = 0
        for combo in catalog.combos {
            for target in combo.benchmarkTargets {
                requested += 1
                guard opportunities.count < ListLimit.requests else { continue }
                guard let model = catalog[target.model.id], let quant = model.quant(named: target.quant),
                      let runtime = catalog[target.runtime.id], let fit = fits.configuration(of: combo.id) else { continue }
                let answer = SiteFits.answer(model, quant, runtime, fit.hardware, catalog, context: target.context, detailed: false)
                let estimate = answer.result.decode.map { "\(Format.tokensPerSecond($0.tokensPerSecond)) tokens/s (\(answer.result.verdict.label.lowercased()))" }
                    ?? answer.result.verdict.label
                opportunities.append(Opportunity(
                    combo: context.link(combo.title, to: Route.combo(combo.id)),
                    model: context.link(model.name, to: Route.model(model.id), from: target.model.location),
                    quant: target.quant,
                    runtime: context.link(runtime.name, to: Route.runtime(runtime.id), from: target.runtime.location),
                    context: Format.context(target.context),
                    estimate: estimate,
                    why: context.inline(target.why)))
            }
        }
        self.opportunities = opportunities
        moreOpportunities = MoreView(
            hidden: requested - opportunities.count, noun: "requests on the combos' pages",
            link: context.link("Browse every combo", to: Route.index(of: .combo)))
    }

    static func signedPercent(_ fraction: Double) -> String {
        (fraction > 0 ? "+" : "") + Format.percent(fraction)
    }
}
