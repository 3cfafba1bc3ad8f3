import Catalog

/// `/models/<id>/`: a model's architecture facts, its quantizations, and the combos that name it.
struct ModelPage: Sendable {
    let meta: PageMeta
    let title: String
    let summary: String
    let facts: [Fact]
    let quants: [QuantRow]
    let combos: [LinkView]
    let sources: [SourceView]

    struct QuantRow: Sendable {
        let name: String
        let format: String
        let bitsPerWeight: String
        let fileSize: String
    }

    init(model: Model, backlinks: Backlinks, context: inout PageContext) {
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
        combos = (backlinks.combosByModel[model.id] ?? []).map { context.link($0.title, to: Route.combo($0.id)) }
        sources = model.sources.views
    }
}
