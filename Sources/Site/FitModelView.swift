import Catalog
import Fit

/// One model on a will-it-run page: its headline quantization as a full fit row (ledger chart,
/// the ledger and why, fixes), then every other quantization in one line each, with its verdict,
/// speed and memory. A visitor asks "will this model run, at which quant, how fast?"; the full
/// ledger of every quant of every model made the page hundreds of kilobytes, most of it repeated.
struct FitModelView: Sendable {
    let row: HTML
    let others: [QuantView]

    /// One quantization in a line; its id is the same fragment a full row would have, so links
    /// to `#model-quant` land on it.
    struct QuantView: Sendable {
        let anchor: String
        let modelID: String
        let quant: String
        let verdict: String
        let verdictLabel: String
        let decodeValue: String
        /// "41 tokens/s" when it runs.
        let speed: String?
        let memory: String
        let runtime: String

        init(_ answer: SiteFits.Answer, catalog: Catalog) {
            let result = answer.result
            anchor = FitRowView.anchor(model: answer.model, quant: answer.quant.name)
            modelID = answer.model.raw
            quant = answer.quant.name
            verdict = result.verdict.rawValue
            verdictLabel = result.verdict.label.lowercased()
            let runs = result.verdict == .fits || result.verdict == .tight
            let decode = runs ? result.decode : nil
            decodeValue = decode.map { Format.plain($0.tokensPerSecond, decimals: 2) } ?? "0"
            speed = decode.map { "\(Format.tokensPerSecond($0.tokensPerSecond)) tokens/s" }
            memory = FitRowView.fullestMemory(result)
            runtime = catalog[answer.runtime]?.name ?? answer.runtime.raw
        }
    }

    /// The model's block rendered with `partials/fit-model`, kept for as long as its answers are
    /// reused (every combo with the same configuration shows the same block).
    /// `uses`: the pages that show the block (the combos sharing the configuration).
    /// `detailed` works out the headline's full answer (ledger, fixes, longest context); it is
    /// asked only when the block is not already rendered.
    static func fragment(
        headline: SiteFits.Answer, answers: @autoclosure () -> [SiteFits.Answer], uses: Int?, detailed: (SiteFits.Answer) -> SiteFits.Answer,
        context: inout PageContext
    ) -> HTML {
        let key = String(headline.token)
        if let cached = context.cachedFragment("partials/fit-model", key: key) { return cached }
        // The row is only ever part of this block: it is kept with the block, not on its own.
        let row = FitRowView.fragment(detailed(headline), uses: 1, context: &context)
        let catalog = context.catalog
        let view = FitModelView(row: row, others: answers().filter { $0.token != headline.token }.map { QuantView($0, catalog: catalog) })
        return context.renderFragment("partials/fit-model", key: key, model: view, uses: uses)
    }
}
