import Catalog

/// What to fit: a model at one quantization, under one runtime, for a context length.
public struct FitRequest: Sendable {
    /// The records, held by reference: a request is copied often (every fix is a changed copy),
    /// and copying the records themselves would copy dozens of strings and arrays each time.
    final class Records: Sendable {
        let model: Model
        let quant: Quant
        let runtime: Runtime

        init(model: Model, quant: Quant, runtime: Runtime) {
            self.model = model
            self.quant = quant
            self.runtime = runtime
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
        records = Records(model: model, quant: quant, runtime: runtime)
        self.backend = backend
        self.contextTokens = max(1, contextTokens)
        self.kvCacheType = kvCacheType
        self.parallelSequences = max(1, parallelSequences)
        self.promptTokens = max(1, promptTokens ?? min(self.contextTokens, 2048))
        self.raisedWiredLimit = raisedWiredLimit
    }
}
