import Catalog

/// What one model at one quantization weighs, layer by layer, and what its KV cache costs per
/// token: the numbers placement and speed are computed from. All sizes in bytes.
public struct ModelFootprint: Sendable {
    public let layers: Int
    /// The weight files, whole: the quant's real size when the record has it, else params × bits.
    public let totalWeightBytes: Double
    public let bitsPerWeight: Double
    /// Whether `totalWeightBytes` is a real file size (true) or params × bits per weight.
    public let sizeFromFile: Bool
    /// The token embedding table (read one row per token).
    public let embeddingBytes: Double
    /// The output projection (vocab × hidden), read whole every token; held by the last device.
    public let outputBytes: Double
    /// Per layer: weights other than routed experts (attention, norms, dense or shared FFN).
    public let denseBytesPerLayer: Double
    /// Per MoE layer: all routed experts.
    public let expertBytesPerMoELayer: Double
    /// Layers with routed experts (the last ones; dense layers come first).
    public let moeLayers: Int
    /// Share of a layer's routed experts one token reads: active / total.
    public let expertActiveShare: Double
    /// Parameters computed per token (active), in units (not billions).
    public let activeParams: Double
    public let activeParamsPerLayer: Double
    /// KV cache bytes per token for one full-attention layer, at the requested cache type.
    public let kvBytesPerTokenFullLayer: Double
    /// Layers whose cache grows with the whole context; the others are capped (window) or fixed.
    public let fullAttentionLayers: Int
    /// Tokens a sliding-window layer keeps, when the model has them.
    public let slidingWindowTokens: Int?
    /// Fixed recurrent state of all linear-attention layers, per sequence.
    public let linearStateBytesPerSequence: Double

    public init(model: Model, quant: Quant, kvCacheType: KVCacheType) {
        layers = model.layers
        let params = model.paramsB * 1e9
        if let size = quant.fileSizeGB {
            totalWeightBytes = size * FitConstants.gigabyte
            sizeFromFile = true
        } else {
            totalWeightBytes = params * (quant.effectiveBitsPerWeight ?? 16) / 8
            sizeFromFile = false
        }
        bitsPerWeight = totalWeightBytes * 8 / params
        let routedParams = (model.routedExpertParamsB ?? 0) * 1e9
        // When the experts have their own precision, the rest of the file is what remains;
        // otherwise every tensor is taken at the file's average bits per weight.
        let routed: Double
        let bytesPerParam: Double
        if let expertBits = quant.expertBitsPerWeight, routedParams > 0, routedParams < params {
            routed = routedParams * expertBits / 8
            bytesPerParam = max(0, totalWeightBytes - routed) / (params - routedParams)
        } else {
            routed = routedParams * totalWeightBytes / params
            bytesPerParam = totalWeightBytes / params
        }
        let tableParams = Double(model.vocabSize) * Double(model.hiddenSize)
        // The tables are part of the file and cannot outweigh it. A record whose parameters are
        // fewer than its vocabulary table holds would otherwise leave negative bytes for the
        // layers (and for each device's share under tensor parallelism).
        let tableBytes = min(tableParams * bytesPerParam, model.tiedEmbeddings ? totalWeightBytes : totalWeightBytes / 2)
        embeddingBytes = tableBytes
        outputBytes = tableBytes
        let tables = model.tiedEmbeddings ? embeddingBytes : embeddingBytes + outputBytes
        let experts = model.experts
        moeLayers = experts.map { model.layers - $0.denseLayers } ?? 0
        expertBytesPerMoELayer = moeLayers > 0 ? routed / Double(moeLayers) : 0
        denseBytesPerLayer = max(0, totalWeightBytes - tables - routed) / Double(model.layers)
        expertActiveShare = experts.map { Double($0.active) / Double($0.total) } ?? 0
        activeParams = (model.activeParamsB ?? model.paramsB) * 1e9
        activeParamsPerLayer = max(0, activeParams - tableParams) / Double(model.layers)

        let element = kvCacheType.bytesPerElement
        switch model.attention {
        case .mla:
            // Only the compressed latent and the RoPE key are cached (llama.cpp since PR 19067, vLLM).
            kvBytesPerTokenFullLayer = (Double(model.kvLoraRank ?? 512) + Double(model.ropeHeadDim ?? 64)) * element
        case .gqa, .mha, .slidingWindow, .hybridLinear:
            kvBytesPerTokenFullLayer = 2 * Double(model.kvHeads) * Double(model.headDim) * element
        }
        switch model.attention {
        case .slidingWindow:
            fullAttentionLayers = model.fullAttentionLayers ?? model.layers
            slidingWindowTokens = model.slidingWindow
            linearStateBytesPerSequence = 0
        case .hybridLinear:
            fullAttentionLayers = model.fullAttentionLayers ?? model.layers
            slidingWindowTokens = nil
            linearStateBytesPerSequence = (model.linearStateMB ?? 0) * 1e6
        case .gqa, .mha, .mla:
            fullAttentionLayers = model.layers
            slidingWindowTokens = nil
            linearStateBytesPerSequence = 0
        }
    }

    /// Weight bytes of layer `index` (0-based): its dense part, plus its experts if it has them.
    public func weightBytes(layer index: Int) -> Double {
        denseBytesPerLayer + (isMoE(layer: index) ? expertBytesPerMoELayer : 0)
    }

    public func isMoE(layer index: Int) -> Bool { index >= layers - moeLayers }

    /// Weight bytes one token reads from layer `index`: the dense part and the active experts
    /// (the expert part slowed by scattered reads).
    public func bytesReadPerToken(layer index: Int) -> Double {
        denseBytesPerLayer
            + (isMoE(layer: index) ? expertBytesPerMoELayer * expertActiveShare / FitConstants.expertReadEfficiency.value : 0)
    }

    /// KV cache bytes of an average layer for `tokens` tokens of one sequence. Sliding-window
    /// layers keep at most the window (plus a ubatch); hybrid models add their fixed state.
    public func kvBytesPerLayer(tokens: Int, ubatch: Int) -> Double {
        let full = Double(fullAttentionLayers) * Double(tokens)
        let others = Double(layers - fullAttentionLayers)
        let capped: Double
        if let window = slidingWindowTokens {
            capped = others * min(Double(tokens), Double(window) + Double(ubatch))
        } else {
            capped = 0
        }
        let perToken = (full + capped) * kvBytesPerTokenFullLayer
        return (perToken + linearStateBytesPerSequence) / Double(layers)
    }
}
