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
    static func mostFaithful(_ answers: [SiteFits.Answer]) -> SiteFits.Answer? {
        let inDeviceMemory = answers.filter { !($0.result.strategy?.offloadsToSystemRAM ?? false) }
        for verdict in [Verdict.fits, .tight] {
            if let best = inDeviceMemory.filter({ $0.result.verdict == verdict }).max(by: { $0.weightBytes < $1.weightBytes }) {
                return best
            }
        }
        return nil
    }
}
