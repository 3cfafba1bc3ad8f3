import Catalog

/// What to fit: a model at one quantization, under one runtime, for a context length.
public struct FitRequest: Sendable {
    public var model: Model
    public var quant: Quant
    public var runtime: Runtime
    /// Tokens of context per sequence the model must hold.
    public var contextTokens: Int
    public var kvCacheType: KVCacheType
    /// Sequences served at once; each holds its own KV cache.
    public var parallelSequences: Int
    /// Prompt length for the prefill estimate.
    public var promptTokens: Int
    /// macOS: the GPU wired limit raised with `sysctl iogpu.wired_limit_mb`.
    public var raisedWiredLimit: Bool
    /// A backend to use where the devices and runtime have it (llama.cpp built for Vulkan on an
    /// NVIDIA card); nil picks the native one.
    public var backend: Backend?

    public init(
        model: Model, quant: Quant, runtime: Runtime, contextTokens: Int = 8192, kvCacheType: KVCacheType = .f16,
        parallelSequences: Int = 1, promptTokens: Int? = nil, raisedWiredLimit: Bool = false, backend: Backend? = nil
    ) {
        self.backend = backend
        self.model = model
        self.quant = quant
        self.runtime = runtime
        self.contextTokens = max(1, contextTokens)
        self.kvCacheType = kvCacheType
        self.parallelSequences = max(1, parallelSequences)
        self.promptTokens = max(1, promptTokens ?? min(self.contextTokens, 2048))
        self.raisedWiredLimit = raisedWiredLimit
    }
}
