import Catalog
import Fit

/// One fit answer as pages show it: the verdict, the estimated speeds, the ledger as a chart and
/// as a table, the binding constraint, the fixes and any measurement. Every number here comes
/// from the fit engine or a benchmark record.
struct FitRowView: Sendable {
    /// Fragment id: the model id and the quant, so other pages can link to the row.
    let anchor: String
    let model: LinkView
    let modelID: String
    let quant: String
    let runtime: LinkView
    let strategy: String
    let verdict: String
    let verdictLabel: String
    /// Tokens/s as shown, and as a plain number for `data-decode-tps`.
    let decode: String
    let decodeRange: String
    let decodeValue: String
    let prefill: String
    /// "31.2 of 46.5 GiB on mini 2": the fullest device.
    let memory: String
    let chart: HTML
    let constraint: String
    let longestContext: String?
    let ledger: [LedgerRowView]
    /// The rules that set each device's usable memory, each once.
    let rules: [String]
    let fixes: [String]
    let measured: [MeasuredView]
    let notes: [String]

    init(_ answer: SiteFits.Answer, context: inout PageContext) {
        let catalog = context.catalog
        let model = catalog[answer.model]
        let runtime = catalog[answer.runtime]
        let result = answer.result
        anchor = Self.anchor(model: answer.model, quant: answer.quant.name)
        self.model = context.link(model?.name ?? answer.model.raw, to: Route.model(answer.model))
        modelID = answer.model.raw
        quant = answer.quant.name
        self.runtime = context.link(runtime?.name ?? answer.runtime.raw, to: Route.runtime(answer.runtime))
        strategy = result.strategy?.label ?? "—"
        verdict = result.verdict.rawValue
        verdictLabel = result.verdict.label
        // A speed means nothing for a model that does not load.
        let runs = result.verdict == .fits || result.verdict == .tight
        let speed = runs ? result.decode : nil
        decode = speed.map { Format.tokensPerSecond($0.tokensPerSecond) } ?? "—"
        decodeRange = speed.map { "\(Format.tokensPerSecond($0.low))–\(Format.tokensPerSecond($0.high))" } ?? ""
        decodeValue = speed.map { Format.plain($0.tokensPerSecond, decimals: 2) } ?? "0"
        prefill = (runs ? result.prefill : nil).map { Format.tokensPerSecond($0.tokensPerSecond) } ?? "—"
        memory = Self.fullestMemory(result)
        let groups = LedgerGroup.groups(result.ledger)
        chart = LedgerChart.svg(result.ledger, groups: groups)
        constraint = result.bindingConstraint
        longestContext = answer.longestContext.map { Format.context($0) }
        var rules: [String] = []
        let ruleTexts = groups.map { $0.device.rule.description }
        for rule in ruleTexts {
            let labels = groups.indices.filter { ruleTexts[$0] == rule }.map { groups[$0].label }
            let text = "\(listing(labels, conjunction: "and")): \(rule)"
            if !rules.contains(text) { rules.append(text) }
        }
        ledger = groups.map(LedgerRowView.init)
        self.rules = rules
        fixes = answer.fixes.map { fix in
            let speed = fix.result.decode.map { ", \(Format.tokensPerSecond($0.tokensPerSecond)) tokens/s" } ?? ""
            return "\(fix.description): \(fix.result.verdict.label.lowercased())\(speed)"
        }
        measured = answer.measured.map(MeasuredView.init)
        notes = result.notes
    }

    /// The row rendered with `partials/fit-row`, kept for as long as the answer is reused.
    static func fragment(_ answer: SiteFits.Answer, uses: Int? = nil, context: inout PageContext) -> HTML {
        let key = String(answer.token)
        if let cached = context.cachedFragment("partials/fit-row", key: key) { return cached }
        let row = FitRowView(answer, context: &context)
        return context.renderFragment("partials/fit-row", key: key, model: row, uses: uses)
    }

    /// "31.2 of 46.5 GiB on mini 2": the device closest to its limit.
    static func fullestMemory(_ result: FitResult) -> String {
        guard let fullest = result.fullestDevice else { return "—" }
        return "\(Format.gib(fullest.neededBytes)) of \(Format.gib(fullest.usableBytes))" + (result.ledgerCount > 1 ? " on \(fullest.label)" : "")
    }

    static func anchor(model: RecordID<Model>, quant: String) -> String {
        "\(slug(model.raw))-\(slug(quant))"
    }
}

/// One device's line of a ledger.
struct LedgerRowView: Sendable {
    let label: String
    let usable: String
    let weights: String
    let kv: String
    let buffers: String
    let overhead: String
    let headroom: String
    let layers: String
    let note: String?

    init(_ group: LedgerGroup) {
        let device = group.device
        label = group.tableLabel
        usable = Format.gib(device.usableBytes)
        weights = Format.gib(device.weightBytes)
        kv = Format.gib(device.kvBytes)
        buffers = Format.gib(device.bufferBytes)
        overhead = Format.gib(device.overheadBytes)
        headroom = "\(Format.gib(device.headroomBytes)) (\(Format.percent(device.headroom)))"
        layers = group.layers
        note = device.note
    }
}

/// A published measurement shown beside an estimate.
struct MeasuredView: Sendable {
    let text: String
    let source: String
    let url: String

    init(_ benchmark: Benchmark) {
        var parts: [String] = []
        if let decode = benchmark.decodeTPS {
            parts.append("\(Format.tokensPerSecond(decode)) tokens/s decode"
                + (benchmark.depthTokens > 0 ? " at \(Format.grouped(benchmark.depthTokens)) tokens of context" : ""))
        }
        if let prefill = benchmark.prefillTPS {
            parts.append("\(Format.tokensPerSecond(prefill)) tokens/s prefill"
                + (benchmark.promptTokens.map { " (\(Format.grouped($0))-token prompt)" } ?? ""))
        }
        text = parts.joined(separator: ", ")
        source = benchmark.source.title
        url = benchmark.source.url
    }
}
