/// The rules a runtime follows when it places a model on devices, as data in the runtime's
/// front matter (`fit:`), so the fit engine never asks which runtime it is looking at. Fields
/// left out take the engine's named defaults, which its methodology page lists.
public struct RuntimeFitRules: Sendable, Hashable {
    /// Memory each device loses to the runtime itself (driver context, kernels), in GiB.
    public var deviceOverheadGiB: Double?
    /// Memory the runtime leaves free on every device as a safety margin, in GiB.
    public var safetyMarginGiB: Double?
    /// Share of each device's memory the runtime claims (vLLM's gpu_memory_utilization).
    public var memoryFraction: Double?
    /// Fixed activation memory beyond the per-token buffers (CUDA graphs, profiling peak), GiB.
    public var activationReserveGiB: Double?
    /// Prompt tokens processed at once, which sizes the compute buffers.
    public var ubatchTokens: Int?
    /// KV cache element types it can store.
    public var kvCacheTypes: [KVCacheType]
    /// The token embedding stays in system RAM instead of device memory (llama.cpp).
    public var embeddingsOnHost: Bool
    /// How a layer split divides layers: in proportion to usable memory, or evenly.
    public var layerSplit: LayerSplitRule
    /// Model dimensions that must divide by the device count for tensor parallelism.
    public var tensorParallelDivides: [TensorParallelDimension]
    /// KV cache types allowed with tensor parallelism, when narrower than `kvCacheTypes`.
    public var tensorParallelKVCacheTypes: [KVCacheType]
    /// Backends its tensor parallelism runs on; empty means all of its backends.
    public var tensorParallelBackends: [Backend]
    /// Attention kinds of the models its tensor parallelism refuses (llama.cpp keeps a list of
    /// architectures, DeepSeek-style MLA and recurrent hybrids among them, that its tensor split skips).
    public var tensorParallelExcludes: [AttentionKind]
    /// Multiplies the engine's decode speed for this runtime (1 = the llama.cpp calibration).
    public var decodeFactor: Double?
    /// Flash attention: without it the compute buffers also hold the attention scores of a
    /// ubatch against the whole context.
    public var flashAttention: Bool
    /// Per-layer dispatch cost by backend, overriding the engine's defaults.
    public var layerOverhead: [LayerOverhead]
    /// Backends that reach only part of a device's bandwidth on some architectures.
    public var backendEfficiency: [BackendEfficiency]
    /// Formats it loads only on some backends (Ollama's MLX engine exists only on Apple silicon).
    public var formatBackends: [FormatBackends]

    public static let schema = Schema("fit block", [
        .optional("device_overhead_gib", .number(unit: "GiB", range: .nonNegative),
                  "Memory each device loses to the runtime itself (driver context, kernels)."),
        .optional("safety_margin_gib", .number(unit: "GiB", range: .nonNegative),
                  "Memory left free on every device (llama.cpp's --fit-target is 1 GiB)."),
        .optional("memory_fraction", .number(unit: nil, range: .fraction),
                  "Share of each device's memory the runtime claims (vLLM's gpu_memory_utilization, 0.9)."),
        .optional("activation_reserve_gib", .number(unit: "GiB", range: .nonNegative),
                  "Fixed activation memory beyond the per-token buffers (CUDA graphs, profiling peak)."),
        .optional("ubatch_tokens", .integer(min: 1), "Prompt tokens processed at once (llama.cpp's ubatch, 512)."),
        .optional("kv_cache_types", .list(.choice(KVCacheType.vocabulary), minCount: 1),
                  "KV cache element types it can store (default f16 only)."),
        .optional("embeddings_on_host", .bool, "true when the token embedding stays in system RAM."),
        .optional("layer_split", .choice(LayerSplitRule.vocabulary),
                  "How a layer split divides layers: proportional (to usable memory) or even."),
        .optional("tensor_parallel_divides", .list(.choice(TensorParallelDimension.vocabulary), minCount: 0),
                  "Model dimensions that must divide by the device count for tensor parallelism."),
        .optional("tensor_parallel_kv_cache_types", .list(.choice(KVCacheType.vocabulary), minCount: 1),
                  "KV cache types allowed with tensor parallelism, when fewer than kv_cache_types."),
        .optional("tensor_parallel_backends", .list(.choice(Backend.vocabulary), minCount: 1),
                  "Backends its tensor parallelism runs on, when fewer than its backends."),
        .optional("tensor_parallel_excludes", .list(.choice(AttentionKind.vocabulary), minCount: 1),
                  "Attention kinds of models its tensor parallelism refuses to split."),
        .optional("flash_attention", .bool,
                  "false when the runtime computes attention without flash attention, which needs a buffer for the scores (default true)."),
        .optional("decode_factor", .number(unit: nil, range: .positive),
                  "Multiplies estimated decode speed for this runtime (1 = the llama.cpp calibration)."),
        .optional("layer_overhead", .list(.record(LayerOverhead.schema), minCount: 0),
                  "Per-layer dispatch cost by backend, overriding the engine's defaults."),
        .optional("backend_efficiency", .list(.record(BackendEfficiency.schema), minCount: 0),
                  "Backends that reach only part of a device's bandwidth on some architectures."),
        .optional("format_backends", .list(.record(FormatBackends.schema), minCount: 1),
                  "Formats it loads only on some backends, such as MLX weights only on Metal."),
    ])

    public init(_ fields: Fields?) {
        deviceOverheadGiB = fields?.number("device_overhead_gib")
        safetyMarginGiB = fields?.number("safety_margin_gib")
        memoryFraction = fields?.number("memory_fraction")
        activationReserveGiB = fields?.number("activation_reserve_gib")
        ubatchTokens = fields?.integer("ubatch_tokens")
        let kvTypes: [KVCacheType] = fields?.choices("kv_cache_types") ?? []
        kvCacheTypes = kvTypes.isEmpty ? [.f16] : kvTypes
        embeddingsOnHost = fields?.bool("embeddings_on_host") ?? false
        layerSplit = fields?.choice("layer_split") ?? .proportional
        tensorParallelDivides = fields?.choices("tensor_parallel_divides") ?? []
        let tpTypes: [KVCacheType] = fields?.choices("tensor_parallel_kv_cache_types") ?? []
        tensorParallelKVCacheTypes = tpTypes.isEmpty ? kvCacheTypes : tpTypes
        tensorParallelBackends = fields?.choices("tensor_parallel_backends") ?? []
        tensorParallelExcludes = fields?.choices("tensor_parallel_excludes") ?? []
        decodeFactor = fields?.number("decode_factor")
        flashAttention = fields?.bool("flash_attention") ?? true
        layerOverhead = fields?.records("layer_overhead").map(LayerOverhead.init) ?? []
        backendEfficiency = fields?.records("backend_efficiency").map(BackendEfficiency.init) ?? []
        formatBackends = fields?.records("format_backends").map(FormatBackends.init) ?? []
    }
}

public enum KVCacheType: String, VocabularyTerm {
    case f16, bf16, fp8, q8_0, q4_0
    public static let vocabularyName = "KV cache type"
    public var label: String {
        switch self {
        case .f16: "F16"
        case .bf16: "BF16"
        case .fp8: "FP8"
        case .q8_0: "q8_0"
        case .q4_0: "q4_0"
        }
    }

    /// Bytes per stored element: ggml's q8_0 packs 32 values and an fp16 scale into 34 bytes,
    /// q4_0 into 18 (ggml-common.h block_q8_0, block_q4_0).
    public var bytesPerElement: Double {
        switch self {
        case .f16, .bf16: 2
        case .fp8: 1
        case .q8_0: 34.0 / 32.0
        case .q4_0: 18.0 / 32.0
        }
    }
}

public enum LayerSplitRule: String, VocabularyTerm {
    case proportional, even
    public static let vocabularyName = "layer split rule"
    public var label: String {
        switch self {
        case .proportional: "in proportion to usable memory"
        case .even: "evenly"
        }
    }
}

public enum TensorParallelDimension: String, VocabularyTerm {
    case attentionHeads = "attention_heads"
    case kvHeads = "kv_heads"
    case hiddenSize = "hidden_size"
    public static let vocabularyName = "model dimension"
    public var label: String {
        switch self {
        case .attentionHeads: "attention heads"
        case .kvHeads: "KV heads"
        case .hiddenSize: "hidden size"
        }
    }
}

/// The per-layer cost of one decode step on a backend, optionally for one memory family or
/// for multi-die packages only.
public struct LayerOverhead: Sendable, Hashable {
    public var backend: Backend
    public var memory: MemoryTechnology.Family?
    public var dies: Int?
    public var microseconds: Double

    public static let schema = Schema("layer overhead", [
        .required("backend", .choice(Backend.vocabulary), "The backend."),
        .optional("memory", .choice(MemoryFamilyTerm.vocabulary), "Only for devices with this memory family (gddr, hbm, lpddr, ddr)."),
        .optional("dies", .integer(min: 1), "Only for packages with this many dies."),
        .required("us", .number(unit: "µs", range: .nonNegative), "Microseconds per layer per token."),
    ])

    init(_ fields: Fields) {
        backend = fields.choice("backend") ?? .cpu
        memory = (fields.choice("memory") as MemoryFamilyTerm?).map(\.family)
        dies = fields.integer("dies")
        microseconds = fields.number("us") ?? 0
    }
}

/// A backend that reaches only part of the usual bandwidth on one GPU architecture.
public struct BackendEfficiency: Sendable, Hashable {
    public var backend: Backend
    public var architecture: String
    public var factor: Double

    public static let schema = Schema("backend efficiency", [
        .required("backend", .choice(Backend.vocabulary), "The backend."),
        .required("architecture", .text, "The device architecture, as device records name it."),
        .required("factor", .number(unit: nil, range: .fraction), "Share of the usual decode speed it reaches."),
    ])

    init(_ fields: Fields) {
        backend = fields.choice("backend") ?? .cpu
        architecture = fields.text("architecture") ?? ""
        factor = fields.number("factor") ?? 1
    }
}

/// A weight format the runtime loads only when it drives the devices with certain backends.
public struct FormatBackends: Sendable, Hashable {
    public var format: WeightFormat
    public var backends: [Backend]

    public static let schema = Schema("format backends", [
        .required("format", .choice(WeightFormat.vocabulary), "One of the runtime's formats."),
        .required("backends", .list(.choice(Backend.vocabulary), minCount: 1), "The only backends it loads that format on."),
    ])

    init(_ fields: Fields) {
        format = fields.choice("format") ?? .gguf
        backends = fields.choices("backends")
    }
}

/// Memory families as records name them.
public enum MemoryFamilyTerm: String, VocabularyTerm {
    case gddr, hbm, lpddr, ddr
    public static let vocabularyName = "memory family"
    public var label: String { rawValue.uppercased() }
    var family: MemoryTechnology.Family { MemoryTechnology.Family(rawValue: rawValue)! }
}
