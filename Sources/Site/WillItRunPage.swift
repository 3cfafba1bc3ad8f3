import Catalog
import Fit
import Foundation

/// `/will-it-run/combo/<id>/`: every catalog model on one combo, in three tiers (fits
/// comfortably, borderline, won't fit) by its best quantization, shown with its ledger, speed and
/// fixes, and every other quantization of it in a line each.
struct WillItRunPage: Sendable {
    let meta: PageMeta
    let title: String
    let combo: LinkView
    let contextTokens: String
    let usable: String
    let methodologyHref: String
    let facts: [Fact]
    let tiers: [Tier]
    let unsupported: [UnsupportedView]

    struct Tier: Sendable {
        let id: String
        let title: String
        let explanation: String
        /// Each model rendered with `partials/fit-model` (the builder: each answer with `partials/fit-row`).
        let rows: [HTML]
        let emptyText: String
    }

    struct UnsupportedView: Sendable {
        let model: LinkView
        let quant: String
        let reason: String
    }

    init(combo record: Combo, fits: SiteFits, context: inout PageContext) {
        let catalog = context.catalog
        title = "Will it run on the \(record.title)?"
        meta = context.meta(
            title: title,
            description: "Every model and quantization in the catalog on the \(record.title): what fits comfortably, what is borderline and what will not fit, with memory per device and estimated speed.",
            breadcrumbs: [("Hardware combinations", Route.index(of: .combo)), (record.title, Route.combo(record.id)), ("Will it run?", nil)])
        combo = context.link(record.title, to: Route.combo(record.id))
        contextTokens = Format.context(SiteFits.context)
        methodologyHref = context.href(Route.methodology)
        guard let fit = fits.combos[record.id] else {
            usable = "The combo's records do not resolve to a configuration."
            facts = []
            tiers = []
            unsupported = []
            return
        }
        if let runtime = fit.runtimes.first {
            let memory = FitEngine.usableMemory(on: fit.hardware, runtime: runtime)
            usable = "\(Format.perDevice(memory.map(\.memory.capacityBytes))) for weights, cache and buffers under \(runtime.name)"
        } else {
            usable = "No runtime in the catalog runs on this combo."
        }
        // Models by name, each model's quants from the largest weights down (ties in the
        // model's order: the sort is stable). By their places in the configuration's answers:
        // an answer is copied out only for a block not rendered yet (a page has some 160, and
        // copying them all, four times over, was a tenth of making the page).
        var groups: [Verdict: [HTML]] = [:]
        var unsupportedAnswers: [SiteFits.Answer] = []
        let uses = fits.sharing[record.id]
        for model in fits.modelsByName {
            let quants = fits.answers(of: model, in: fit)
            let order = quants.indices.sorted { quants[$0].weightBytes > quants[$1].weightBytes }
            // Each model once, in the tier of the quant it is shown by.
            let runnable = order.filter { quants[$0].result.verdict != .unsupported }
            if let headline = SiteFits.headline(runnable, in: quants) {
                groups[quants[headline].result.verdict, default: []].append(
                    FitModelView.fragment(
                        headline: quants[headline], answers: runnable.map { quants[$0] }, uses: uses,
                        detailed: { fits.detailed($0, on: fit) }, context: &context))
            }
            unsupportedAnswers += order.lazy.filter { quants[$0].result.verdict == .unsupported }.map { quants[$0] }
        }
        let comfortable = Format.percent(FitConstants.comfortableHeadroom.value)
        tiers = [
            Tier(id: "fits", title: "Fits comfortably", explanation: "Models with a quantization that leaves at least \(comfortable) of usable memory free on every device; the most faithful such quantization is shown first, one that stays in accelerator memory when there is one.",
                 rows: groups[.fits] ?? [], emptyText: "Nothing in the catalog fits comfortably."),
            Tier(id: "borderline", title: "Borderline", explanation: "The best a model can do fits, but some device keeps less than \(comfortable) free: a longer prompt, a second chat or a driver update can push it over.",
                 rows: groups[.tight] ?? [], emptyText: "Nothing is borderline."),
            Tier(id: "wont-fit", title: "Won't fit", explanation: "Even the smallest quantization leaves some device short of memory with every split this combo's runtimes offer.",
                 rows: groups[.noFit] ?? [], emptyText: "Everything in the catalog fits."),
        ]
        facts = tiers.map { Fact($0.title, "\($0.rows.count) \($0.rows.count == 1 ? "model" : "models")", href: "#" + $0.id) }
        var unsupported: [UnsupportedView] = []
        for answer in unsupportedAnswers {
            guard let model = catalog[answer.model] else { continue }
            unsupported.append(UnsupportedView(
                model: context.link(model.name, to: Route.model(model.id)), quant: answer.quant.name,
                reason: answer.result.unsupportedReason ?? "unsupported"))
        }
        let runtimeNames = listing(fit.runtimes.map(\.name), conjunction: "or")
        for entry in fit.unloadable {
            guard let model = catalog[entry.model] else { continue }
            unsupported.append(UnsupportedView(
                model: context.link(model.name, to: Route.model(model.id)), quant: entry.quant,
                reason: "\(runtimeNames.isEmpty ? "no runtime" : runtimeNames) cannot load \(entry.format) weights"))
        }
        self.unsupported = unsupported
    }
}
