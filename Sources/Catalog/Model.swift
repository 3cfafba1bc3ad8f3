/// An open-weight model (`content/models/<id>.yaml`): the architecture facts that set its memory
/// and speed, and the quantizations people run.
public struct Model: Record {
    public static let kind = RecordKind.model

    public static let schema = Schema("model", [
        .required("name", .text, "\"Llama 3.3 70B Instruct\"."),
        .required("developer", .text, "Who released it: \"Meta\", \"Qwen (Alibaba)\"."),
        .required("license", .text, "Licence name: \"Apache-2.0\", \"Llama 3.3 Community License\"."),
        .optional("released", .date, "Release date."),
        .required("summary", .text, "One sentence: what it is good for."),
        .required("params_b", .number(unit: "billion", range: .positive), "Total parameters, in billions."),
        .optional("active_params_b", .number(unit: "billion", range: .positive),
                  "Parameters active per token, in billions, for mixture-of-experts models."),
        .required("layers", .integer(min: 1), "Transformer layers (blocks)."),
        .required("hidden_size", .integer(min: 1), "Model width (d_model)."),
        .optional("intermediate_size", .integer(min: 1), "Width of the feed-forward layers of dense blocks."),
        .required("attention_heads", .integer(min: 1), "Query heads."),
        .required("kv_heads", .integer(min: 1), "Key/value heads (equal to attention_heads without GQA)."),
        .required("head_dim", .integer(min: 1), "Dimension of one attention head."),
        .required("attention", .choice(AttentionKind.vocabulary), "How attention stores its cache."),
        .optional("sliding_window", .integer(min: 1), "Window size in tokens of the sliding-window layers."),
        .optional("full_attention_layers", .integer(min: 1),
                  "Layers with full attention, for sliding-window and hybrid models."),
        .optional("kv_lora_rank", .integer(min: 1), "Latent cache rank, for multi-head latent attention."),
        .optional("rope_head_dim", .integer(min: 1), "Decoupled RoPE key dimension, for multi-head latent attention."),
        .optional("linear_state_mb", .number(unit: "MB", range: .positive),
                  "Fixed recurrent state per sequence of the linear-attention layers, for hybrid models."),
        .optional("tied_embeddings", .bool, "true when the output layer reuses the token embedding matrix."),
        .optional("experts", .record(Experts.schema), "Mixture-of-experts layout."),
        .required("vocab_size", .integer(min: 1), "Tokenizer vocabulary size."),
        .required("max_context", .integer(min: 1), "Native maximum context in tokens."),
        .required("quants", .list(.record(Quant.schema), minCount: 1), "Quantizations people run."),
        .required("sources", .list(.record(Citation.schema), minCount: 1), "Model card and config sources."),
    ])

    public let id: RecordID<Model>
    public let path: String
    public var name: String
    public var developer: String
    public var license: String
    public var released: Day?
    public var summary: String
    public var paramsB: Double
    public var activeParamsB: Double?
    public var layers: Int
    public var hiddenSize: Int
    public var attentionHeads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var attention: AttentionKind
    public var slidingWindow: Int?
    public var fullAttentionLayers: Int?
    public var kvLoraRank: Int?
    public var ropeHeadDim: Int?
    public var experts: Experts?
    public var intermediateSize: Int?
    public var linearStateMB: Double?
    public var tiedEmbeddings: Bool
    public var vocabSize: Int
    public var maxContext: Int
    public var quants: [Quant]
    public var sources: [Citation]

    public init(id: RecordID<Model>, path: String, fields: Fields, body: MarkdownText?, problems: inout Problems) {
        self.id = id
        self.path = path
        name = fields.text("name") ?? id.raw
        developer = fields.text("developer") ?? ""
        license = fields.text("license") ?? ""
        released = fields.date("released")
        summary = fields.text("summary") ?? ""
        paramsB = fields.number("params_b") ?? 0
        activeParamsB = fields.number("active_params_b")
        layers = fields.integer("layers") ?? 1
        hiddenSize = fields.integer("hidden_size") ?? 1
        attentionHeads = fields.integer("attention_heads") ?? 1
        kvHeads = fields.integer("kv_heads") ?? 1
        headDim = fields.integer("head_dim") ?? 1
        attention = fields.choice("attention") ?? .gqa
        slidingWindow = fields.integer("sliding_window")
        fullAttentionLayers = fields.integer("full_attention_layers")
        kvLoraRank = fields.integer("kv_lora_rank")
        ropeHeadDim = fields.integer("rope_head_dim")
        experts = fields.record("experts").map(Experts.init)
        intermediateSize = fields.integer("intermediate_size")
        linearStateMB = fields.number("linear_state_mb")
        tiedEmbeddings = fields.bool("tied_embeddings") ?? false
        vocabSize = fields.integer("vocab_size") ?? 1
        maxContext = fields.integer("max_context") ?? 1
        quants = fields.records("quants").map(Quant.init)
        sources = Citation.list(fields)

        if !problems.hasErrors { check(fields, &problems) }
    }

    private func check(_ fields: Fields, _ problems: inout Problems) {
        if let active = activeParamsB, active > paramsB {
            problems.error("\"active_params_b\" (\(format(active))) cannot exceed \"params_b\" (\(format(paramsB)))",
                           at: fields.valueLocation("active_params_b"))
        }
        if (experts == nil) != (activeParamsB == nil), fields.has("params_b") {
            let missing = experts == nil ? "experts" : "active_params_b"
            problems.error("a mixture-of-experts model needs both \"experts\" and \"active_params_b\"; \"\(missing)\" is missing",
                           at: fields.keyLocation(experts == nil ? "active_params_b" : "experts"))
        }
        if kvHeads > attentionHeads {
            problems.error("\"kv_heads\" (\(kvHeads)) cannot exceed \"attention_heads\" (\(attentionHeads))",
                           at: fields.valueLocation("kv_heads"))
        }
        if let full = fullAttentionLayers, full > layers {
            problems.error("\"full_attention_layers\" (\(full)) cannot exceed \"layers\" (\(layers))",
                           at: fields.valueLocation("full_attention_layers"))
        }
        let required: [String] = switch attention {
        case .mla: ["kv_lora_rank", "rope_head_dim"]
        case .slidingWindow: ["sliding_window", "full_attention_layers"]
        case .hybridLinear: ["full_attention_layers"]
        case .gqa, .mha: []
        }
        for name in required where !fields.has(name) {
            problems.error("attention \"\(attention.rawValue)\" needs \"\(name)\"", at: fields.keyLocation("attention"),
                           span: "attention".count)
        }
        if let experts, experts.active > experts.total {
            problems.error("\"experts.active\" (\(experts.active)) cannot exceed \"experts.total\" (\(experts.total))",
                           at: experts.location)
        }
        if let experts, experts.denseLayers >= layers {
            problems.error("\"experts.dense_layers\" (\(experts.denseLayers)) must be fewer than \"layers\" (\(layers))",
                           at: experts.location)
        }
        if let routed = routedExpertParamsB, routed >= paramsB {
            problems.error(
                "the routed experts come to \(format((routed * 10).rounded() / 10))B parameters (moe layers × experts × 3 × hidden_size × expert_intermediate_size), more than \"params_b\" (\(format(paramsB)))",
                at: experts?.location ?? fields.location)
        }
        var seen: Set<String> = []
        for quant in quants {
            if !seen.insert(quant.name).inserted {
                problems.error("quant \"\(quant.name)\" is listed twice", at: quant.location)
            }
            if quant.bitsPerWeight == nil, quant.fileSizeGB == nil, TypicalBitsPerWeight.bits(for: quant.name) == nil {
                problems.error(
                    "quant \"\(quant.name)\" needs \"bits_per_weight\" or \"file_size_gb\" (only well-known types such as Q4_K_M can leave both out)",
                    at: quant.location)
            }
        }
    }

    public var isMixtureOfExperts: Bool { experts != nil }

    /// Parameters in routed experts, in billions: every MoE layer holds `total` experts of three
    /// matrices (gate, up, down) of hidden × expert width.
    public var routedExpertParamsB: Double? {
        guard let experts else { return nil }
        let moeLayers = Double(layers - experts.denseLayers)
        return moeLayers * Double(experts.total) * 3 * Double(hiddenSize) * Double(experts.expertIntermediateSize) / 1e9
    }

    public func quant(named name: String) -> Quant? { quants.first { $0.name == name } }
}

public struct Experts: Sendable, Hashable {
    public var total: Int
    public var active: Int
    public var shared: Int
    public let location: SourceLocation

    public static let schema = Schema("experts block", [
        .required("total", .integer(min: 2), "Routed experts per MoE layer."),
        .required("active", .integer(min: 1), "Routed experts used per token."),
        .optional("shared", .integer(min: 0), "Shared experts always active (default 0)."),
        .required("expert_intermediate_size", .integer(min: 1), "Feed-forward width of one routed expert."),
        .optional("dense_layers", .integer(min: 0), "Leading layers with a dense feed-forward instead of experts (default 0)."),
    ])

    public var expertIntermediateSize: Int
    public var denseLayers: Int

    init(_ fields: Fields) {
        total = fields.integer("total") ?? 2
        active = fields.integer("active") ?? 1
        shared = fields.integer("shared") ?? 0
        expertIntermediateSize = fields.integer("expert_intermediate_size") ?? 1
        denseLayers = fields.integer("dense_layers") ?? 0
        location = fields.location
    }
}

/// One quantization of a model, with its real file size where known.
public struct Quant: Sendable, Hashable {
    public var name: String
    public var format: WeightFormat
    public var bitsPerWeight: Double?
    public var fileSizeGB: Double?
    public let location: SourceLocation

    /// Bits per weight as the record gives them, else the typical figure for the quant type.
    public var effectiveBitsPerWeight: Double? { bitsPerWeight ?? TypicalBitsPerWeight.bits(for: name) }

    public static let schema = Schema("quant", [
        .required("name", .text, "As people name it: \"Q4_K_M\", \"MLX 4-bit\", \"AWQ 4-bit\"."),
        .required("format", .choice(WeightFormat.vocabulary), "The file format."),
        .optional("bits_per_weight", .number(unit: "bits", range: NumberRange(minimum: 1, maximum: 32)),
                  "Average bits per weight over the whole file."),
        .optional("file_size_gb", .number(unit: "GB", range: .positive), "Real size of the weight files in GB."),
        .optional("expert_bits_per_weight", .number(unit: "bits", range: NumberRange(minimum: 1, maximum: 32)),
                  "Bits per weight of the routed experts when they are stored differently from the rest (gpt-oss: MXFP4 experts, 4.25 bits, and BF16 attention)."),
    ])

    public var expertBitsPerWeight: Double?

    init(_ fields: Fields) {
        name = fields.text("name") ?? ""
        format = fields.choice("format") ?? .gguf
        bitsPerWeight = fields.number("bits_per_weight")
        fileSizeGB = fields.number("file_size_gb")
        expertBitsPerWeight = fields.number("expert_bits_per_weight")
        location = fields.location
    }
}
