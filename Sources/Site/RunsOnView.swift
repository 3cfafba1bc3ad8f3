import Catalog
import Fit

/// One line of "what runs where": a model on a configuration, or a configuration for a model,
/// with the quant and runtime the fit engine picked, its estimated speed and verdict.
struct RunsOnView: Sendable {
    /// The other side: the model on a device page, the combo or device on a model page.
    let subject: LinkView
    /// The model at 4-bit, under the runtime that runs it best.
    let quant: String
    let runtime: String
    let strategy: String
    let decode: String
    let verdict: String
    let verdictLabel: String
    /// Where the full ledger is (a will-it-run row), when there is one.
    let detail: LinkView?
    /// The quant with the most bits per weight that still fits, or "none".
    let mostFaithful: String

    init(subject: LinkView, answer: SiteFits.Answer, mostFaithful: String?, detail: LinkView?, context: PageContext) {
        self.subject = subject
        quant = answer.quant.name
        runtime = context.catalog[answer.runtime]?.name ?? answer.runtime.raw
        strategy = answer.result.strategy?.label ?? "—"
        decode = answer.result.decode.map { Format.tokensPerSecond($0.tokensPerSecond) } ?? "—"
        verdict = answer.result.verdict.rawValue
        verdictLabel = answer.result.verdict.label
        self.detail = detail
        self.mostFaithful = mostFaithful ?? "none fits"
    }

    /// The most faithful quant among a configuration's answers that fits comfortably in device
    /// memory (no offload to system RAM), else the most faithful that is borderline.
    static func mostFaithful<Answers: Collection<SiteFits.Answer>>(_ answers: Answers) -> SiteFits.Answer? {
        // By index, copying only the answer chosen: each model page asks this of every combo.
        for verdict in [Verdict.fits, .tight] {
            var best: Answers.Index?
            for index in answers.indices where answers[index].result.verdict == verdict
                && !(answers[index].result.strategy?.offloadsToSystemRAM ?? false) {
                // The first of the largest, as `max(by:)` keeps it.
                if best.map({ answers[$0].weightBytes < answers[index].weightBytes }) ?? true { best = index }
            }
            if let best { return answers[best] }
        }
        return nil
    }
}
