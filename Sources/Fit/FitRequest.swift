import Catalog

/// What to fit: a model at one quantization, under one runtime, for a context length.
public struct FitRequest: Sendable {
    /// The records, held by reference: a request is copied often (every fix is a changed copy),
    /// and copying the records themselves would copy dozens of strings and arrays each time.
    /// What the engine derives from the records is computed here once, when the records are
    /// set, so that evaluating one request on many configurations (every combo, every builder
    /// preset) pays for it once. A caller asking many questions of the same model, quant and
    /// runtime (the site's fit matrix) makes the records once and passes them to
    /// `init(_:contextTokens:...)`.
    public final class Records: Sendable {
        public let model: Model
        public let quant: Quant
        public let runtime: Runtime
        /// The footprint at each KV cache type, in the order of `kvCacheTypes`.
        let footprints: [ModelFootprint]
        /// `KVCacheType.allCases`, kept: the enum's own list is a new array at every call.
        let kvCacheTypes = KVCacheType.allCases
        let rules: RuntimeFitRules
        let modelFacts: ModelFacts
        let runtimeFacts: RuntimeFacts

        public init(model: Model, quant: Quant, runtime: Runtime) {
            self.model = model
            self.quant = quant
            self.runtime = runtime
            footprints = kvCacheTypes.map { ModelFootprint(model: model, quant: quant, kvCacheType: $0) }
            rules = runtime.fit
            modelFacts = ModelFacts(model)
            runtimeFacts = RuntimeFacts(runtime)
        }

        public func footprint(_ type: KVCacheType) -> ModelFootprint {
            footprints[kvCacheTypes.firstIndex(of: type) ?? 0]
        }
    }

    var records: Records

    public var model: Model {
        get { records.model }
        set { records = Records(model: newValue, quant: records.quant, runtime: records.runtime) }
    }

    public var quant: Quant {
        get { records.quant }
        set { records = Records(model: records.model, quant: newValue, runtime: records.runtime) }
    }

    public var runtime: Runtime {
        get { records.runtime }
        set { records = Records(model: records.model, quant: records.quant, runtime: newValue) }
    }

    // The counts keep the floors `init` gives them when changed later too (a fix, a caller
    // trying a shorter context): below them the KV cache and buffers came out negative.

    /// Tokens of context per sequence the model must hold (at least 1).
    public var contextTokens: Int { didSet { if contextTokens < 1 { contextTokens = 1 } } }
    public var kvCacheType: KVCacheType
    /// Sequences served at once; each holds its own KV cache (at least 1).
    public var parallelSequences: Int { didSet { if parallelSequences < 1 { parallelSequences = 1 } } }
    /// Prompt length for the prefill estimate (at least 1).
    public var promptTokens: Int { didSet { if promptTokens < 1 { promptTokens = 1 } } }
    /// Tokens already in the cache when the prompt arrives (a later turn of a conversation, or a
    /// benchmark at depth): the prompt attends to them too.
    public var cachedTokens: Int { didSet { if cachedTokens < 0 { cachedTokens = 0 } } }
    /// macOS: the GPU wired limit raised with `sysctl iogpu.wired_limit_mb`.
    public var raisedWiredLimit: Bool
    /// A backend to use where the devices and runtime have it (llama.cpp built for Vulkan on an
    /// NVIDIA card); nil picks the native one.
    public var backend: Backend?

    public init(
        model: Model, quant: Quant, runtime: Runtime, contextTokens: Int = 8192, kvCacheType: KVCacheType = .f16,
        parallelSequences: Int = 1, promptTokens: Int? = nil, cachedTokens: Int = 0, raisedWiredLimit: Bool = false,
        backend: Backend? = nil
    ) {
        self.init(
            Records(model: model, quant: quant, runtime: runtime), contextTokens: contextTokens, kvCacheType: kvCacheType,
            parallelSequences: parallelSequences, promptTokens: promptTokens, cachedTokens: cachedTokens,
            raisedWiredLimit: raisedWiredLimit, backend: backend)
    }

    /// A request on records made earlier (`Records(model:quant:runtime:)`), shared with other requests.
    public init(
        _ records: Records, contextTokens: Int = 8192, kvCacheType: KVCacheType = .f16,
        parallelSequences: Int = 1, promptTokens: Int? = nil, cachedTokens: Int = 0, raisedWiredLimit: Bool = false,
        backend: Backend? = nil
    ) {
        self.records = records
        self.backend = backend
        self.contextTokens = max(1, contextTokens)
        self.kvCacheType = kvCacheType
        self.parallelSequences = max(1, parallelSequences)
        self.promptTokens = max(1, promptTokens ?? min(self.contextTokens, 2048))
        self.cachedTokens = max(0, cachedTokens)
        self.raisedWiredLimit = raisedWiredLimit
    }
}

/// The facts of a model the engine reads while evaluating, copied out of the record once:
/// reading them from the record would copy the whole record (its strings, quants and sources).
final class ModelFacts: Sendable {
    let name: String
    let hiddenSize: Int
    let vocabSize: Int
    let attentionHeads: Int
    let kvHeads: Int
    let headDim: Int
    let tiedEmbeddings: Bool
    let isMoE: Bool
    let activeExperts: Int
    let expertIntermediateSize: Int
    let attention: AttentionKind

    init(_ model: Model) {
        name = model.name
        hiddenSize = model.hiddenSize
        vocabSize = model.vocabSize
        attentionHeads = model.attentionHeads
        kvHeads = model.kvHeads
        headDim = model.headDim
        tiedEmbeddings = model.tiedEmbeddings
        isMoE = model.isMixtureOfExperts
        activeExperts = model.experts?.active ?? 0
        expertIntermediateSize = model.experts?.expertIntermediateSize ?? 0
        attention = model.attention
    }
}

/// The rules of a runtime the engine reads while evaluating, copied out of the record once.
final class RuntimeFacts: Sendable {
    let name: String
    let platforms: [OSFamily]
    let formats: [WeightFormat]
    let backends: [Backend]
    let kvCacheTypes: [KVCacheType]
    let embeddingsOnHost: Bool
    let flashAttention: Bool
    let layerSplit: LayerSplitRule
    let tensorParallelDivides: [TensorParallelDimension]
    let tensorParallelKVCacheTypes: [KVCacheType]
    let tensorParallelBackends: [Backend]
    let tensorParallelExcludes: [AttentionKind]
    let decodeFactor: Double
    let ubatchTokens: Int
    let splitStrategies: [SplitStrategy]
    let mixedVendors: Bool
    let multiHostSupported: Bool
    let multiHostTransports: [Transport]
    let rdmaNeedsFullMesh: Bool

    init(_ runtime: Runtime) {
        name = runtime.name
        platforms = runtime.platforms
        formats = runtime.formats
        backends = runtime.backends
        kvCacheTypes = runtime.fit.kvCacheTypes
        embeddingsOnHost = runtime.fit.embeddingsOnHost
        flashAttention = runtime.fit.flashAttention
        layerSplit = runtime.fit.layerSplit
        tensorParallelDivides = runtime.fit.tensorParallelDivides
        tensorParallelKVCacheTypes = runtime.fit.tensorParallelKVCacheTypes
        tensorParallelBackends = runtime.fit.tensorParallelBackends
        tensorParallelExcludes = runtime.fit.tensorParallelExcludes
        decodeFactor = runtime.fit.decodeFactor ?? 1
        ubatchTokens = runtime.fit.ubatchTokens ?? Int(FitConstants.ubatchTokens.value)
        splitStrategies = runtime.splitStrategies
        mixedVendors = runtime.mixedVendors
        multiHostSupported = runtime.multiHost.supported
        multiHostTransports = runtime.multiHost.transports
        rdmaNeedsFullMesh = runtime.multiHost.rdmaNeedsFullMesh
    }
}
