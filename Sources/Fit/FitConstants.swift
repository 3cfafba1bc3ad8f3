/// One named constant of the fit engine: its symbol, value, unit and where it comes from.
/// The methodology page is generated from `FitConstants.all`, so what the site says the engine
/// uses is what the engine uses.
public struct FitConstant: Sendable, Hashable {
    public let symbol: String
    public let value: Double
    public let unit: String
    public let meaning: String
    public let source: String

    init(_ symbol: String, _ value: Double, _ unit: String, _ meaning: String, source: String) {
        self.symbol = symbol
        self.value = value
        self.unit = unit
        self.meaning = meaning
        self.source = source
    }
}

/// Every constant the engine uses. Runtime- and platform-specific values live in the records
/// (`fit:` in a runtime, memory rules in a platform); these are the defaults and the physics.
public enum FitConstants {
    // MARK: Memory

    public static let gibibyte = 1_073_741_824.0
    public static let gigabyte = 1_000_000_000.0

    public static let deviceOverheadCUDA = FitConstant(
        "K_ctx,cuda", 0.45, "GiB per device",
        "Memory a CUDA or ROCm runtime loses to its context and kernels on each GPU.",
        source: "Ollama MinimumMemory (457 MiB), ml/device.go")
    public static let deviceOverheadMetal = FitConstant(
        "K_ctx,metal", 0.5, "GiB per device",
        "Memory a Metal runtime loses to its context on an Apple GPU.",
        source: "Ollama MinimumMemory for Metal (512 MiB), ml/device.go")
    public static let deviceOverheadOther = FitConstant(
        "K_ctx,other", 0.45, "GiB per device",
        "Context memory on Vulkan and SYCL devices, taken as CUDA's.",
        source: "assumption, by analogy with CUDA")
    public static let safetyMargin = FitConstant(
        "K_margin", 1.0, "GiB per device",
        "Memory kept free on every device unless the runtime says otherwise.",
        source: "llama.cpp --fit-target default (1024 MiB), common/fit.cpp")
    public static let ubatchTokens = FitConstant(
        "ubatch", 512, "tokens",
        "Prompt tokens processed at once, which sizes the compute buffers, unless the runtime says otherwise.",
        source: "llama.cpp default n_ubatch")
    public static let computeBufferBytesPerValue = FitConstant(
        "b_act", 4, "bytes",
        "Bytes per activation value in compute buffers (float32): 4·ubatch·(hidden + vocab) on the device holding the output layer, 4·ubatch·4·hidden on the others.",
        source: "Ollama GraphSize for llama with flash attention, simplified (fit-method §6.2)")
    public static let hostProcessMemory = FitConstant(
        "K_proc", 1.5, "GiB",
        "System RAM the runtime process needs outside the GPU's share on a unified-memory machine.",
        source: "assumption (fit-method §2.1)")
    public static let apuDefaultGPUShare = FitConstant(
        "K_apu", 0.5, "fraction of RAM",
        "Share of system RAM an APU's GPU may use when the platform record does not say.",
        source: "assumption (fit-method §6.3)")

    // MARK: Verdict

    public static let comfortableHeadroom = FitConstant(
        "h_fits", 0.10, "fraction of usable memory",
        "A configuration fits comfortably when every device keeps at least this share of its usable memory free; below it but above zero it is tight.",
        source: "fit-method §6.3")

    // MARK: Decode speed

    public static let bandwidthEfficiencyGDDR = FitConstant(
        "η_gddr", 0.90, "fraction of peak bandwidth",
        "Share of peak bandwidth a decode reads weights at on GDDR memory.",
        source: "fitted to the llama.cpp CUDA and Vulkan scoreboards (discussions 15013, 10879), Llama 2 7B Q4_0")
    public static let bandwidthEfficiencyHBM = FitConstant(
        "η_hbm", 0.70, "fraction of peak bandwidth",
        "Share of peak bandwidth a decode reaches on HBM (datacenter) memory.",
        source: "llama.cpp CUDA scoreboard, A100 and H100 (discussion 15013)")
    public static let bandwidthEfficiencyLPDDR = FitConstant(
        "η_lpddr", 0.90, "fraction of peak bandwidth",
        "Share of peak bandwidth a decode reaches on LPDDR unified memory (Apple M-series, DGX Spark, Strix Halo).",
        source: "llama.cpp Apple silicon table (discussion 4167) and DGX Spark and Strix Halo rows")
    public static let bandwidthEfficiencyMultiDie = FitConstant(
        "η_multi-die", 0.80, "fraction of peak bandwidth",
        "Share of peak bandwidth on packages of two dies joined by a bridge (M-series Ultra), whose GPU reads half its memory across the bridge.",
        source: "llama.cpp Apple silicon table, M1/M2/M3 Ultra (discussion 4167)")
    public static let bandwidthEfficiencyDDR = FitConstant(
        "η_ddr", 0.65, "fraction of peak bandwidth",
        "Share of peak bandwidth a CPU decode reaches on DDR system memory.",
        source: "i9-13900K with DDR5-6400 decoding a 7B Q4 at 18.3 tokens/s (llama.cpp issue 34), fit-method §3.2")
    public static let expertReadEfficiency = FitConstant(
        "η_moe", 0.80, "fraction",
        "Routed experts are read in scattered pieces, at this share of the dense read speed.",
        source: "fit-method §6.5 (0.75 default; llmfit's MoE tiers)")
    public static let computeEfficiency = FitConstant(
        "κ", 0.5, "fraction of FP32 shader throughput",
        "Decode also does 2 FLOPs per active parameter on the shader (non-tensor) units, at this share of their peak.",
        source: "fitted to the llama.cpp scoreboards: it separates GPU-core variants of one chip (M1 Ultra 48 vs 64 cores)")

    public static let layerOverheadCUDA = FitConstant(
        "τ_cuda", 25, "µs per layer",
        "Per-layer cost of one decode step on CUDA consumer cards (kernel launches and synchronisation).",
        source: "llama.cpp CUDA scoreboard fit (fit-method §3.2)")
    public static let layerOverheadCUDADatacenter = FitConstant(
        "τ_cuda,hbm", 50, "µs per layer",
        "Per-layer cost on CUDA datacenter parts (HBM).",
        source: "llama.cpp CUDA scoreboard, A100 and H100")
    public static let layerOverheadMetal = FitConstant(
        "τ_metal", 100, "µs per layer",
        "Per-layer cost of one decode step with Metal on Apple GPUs.",
        source: "llama.cpp Apple silicon table fit (discussion 4167)")
    public static let layerOverheadMetalMultiDie = FitConstant(
        "τ_metal,multi-die", 100, "µs per layer",
        "Per-layer cost with Metal on two-die Ultra chips.",
        source: "llama.cpp Apple silicon table fit, Ultra rows")
    public static let layerOverheadVulkan = FitConstant(
        "τ_vulkan", 20, "µs per layer",
        "Per-layer cost with Vulkan.",
        source: "llama.cpp Vulkan scoreboard fit (discussion 10879)")
    public static let layerOverheadROCm = FitConstant(
        "τ_rocm", 40, "µs per layer",
        "Per-layer cost with ROCm/HIP.",
        source: "Strix Halo HIP row (llm-tracker.info); fit-method §3.2")
    public static let layerOverheadSYCL = FitConstant(
        "τ_sycl", 40, "µs per layer",
        "Per-layer cost with SYCL on Intel GPUs.",
        source: "assumption, as ROCm")
    public static let layerOverheadMoE = FitConstant(
        "τ_moe", 40, "µs per MoE layer",
        "Extra per-layer cost of a mixture-of-experts layer: routing, top-k selection and one expert matmul per chosen expert.",
        source: "llama.cpp gpt-oss scoreboard (discussion 15396) and benches: MoE models decode 20–70 µs a layer slower than their bytes explain")
    public static let layerOverheadCPU = FitConstant(
        "τ_cpu", 10, "µs per layer",
        "Per-layer cost of a CPU decode step.",
        source: "assumption (fit-method §6.5)")

    // MARK: Links

    public static let hopLatencyPCIe = FitConstant(
        "α_pcie", 20, "µs per hop",
        "Latency of handing activations from one GPU to the next inside a machine.",
        source: "assumption (fit-method §6.5)")
    public static let hopLatencyTCP = FitConstant(
        "α_tcp", 300, "µs per hop",
        "Latency of one hop over TCP/IP (Ethernet or IP over Thunderbolt).",
        source: "Jeff Geerling, TCP over Thunderbolt ≈300 µs (fit-method §5)")
    public static let hopLatencyRDMA = FitConstant(
        "α_rdma", 50, "µs per hop",
        "Latency of one hop over RDMA (Thunderbolt 5, InfiniBand, RoCE).",
        source: "Jeff Geerling, RDMA over Thunderbolt 5 under 50 µs")
    public static let allReduceLatencyNVLink = FitConstant(
        "α_ar,nvlink", 5, "µs per all-reduce",
        "Latency of one all-reduce over NVLink or Infinity Fabric.",
        source: "assumption (fit-method §6.5)")
    public static let allReduceLatencyPCIe = FitConstant(
        "α_ar,pcie", 15, "µs per all-reduce",
        "Latency of one all-reduce between GPUs over PCIe (NCCL).",
        source: "assumption (fit-method §6.5)")
    public static let allReduceLatencyRDMA = FitConstant(
        "α_ar,rdma", 30, "µs per all-reduce",
        "Latency of one all-reduce across machines over RDMA.",
        source: "assumption, calibrated loosely on exo's claimed 3.2× on four Macs (fit-method §6.5)")
    public static let allReduceLatencyTCP = FitConstant(
        "α_ar,tcp", 300, "µs per all-reduce",
        "Latency of one all-reduce across machines over TCP/IP.",
        source: "Jeff Geerling, TCP over Thunderbolt ≈300 µs")
    public static let rpcOverheadPerDevice = FitConstant(
        "α_rpc", 1000, "µs per remote device per token",
        "Extra cost per token for each device reached through a TCP pipeline runtime (llama.cpp RPC, exo ring).",
        source: "llama.cpp PR 6829: 63 → 42 tokens/s for a 1.1B model over gigabit (fit-method §3.2)")
    public static let pcieEfficiency = FitConstant(
        "η_pcie", 0.8, "fraction of PCIe bandwidth",
        "Share of PCIe bandwidth a host-to-device copy reaches.",
        source: "fit-method §6.5 (Gen4 x16 ≈ 25 GB/s)")

    // MARK: Prefill

    public static let prefillTensorEfficiency = FitConstant(
        "K_pp", 0.45, "fraction of FP16 tensor throughput",
        "Share of dense FP16 tensor throughput prompt processing reaches when no measurement is recorded.",
        source: "llama.cpp CUDA scoreboard pp512 (RTX 3090 70 of 142, RTX 4090 199 of 330 TFLOPS)")
    public static let prefillShaderEfficiency = FitConstant(
        "K_pp,shader", 0.6, "fraction of FP32 shader throughput",
        "Share of shader throughput prompt processing reaches on GPUs without tensor figures (Apple before M5).",
        source: "llama.cpp Apple silicon table pp512 against Apple's FP32 figures (M1 Max 32 cores: 7.2 of 10.4 TFLOPS)")

    public static let prefillExpertEfficiency = FitConstant(
        "K_pp,moe", 0.5, "fraction of dense prefill throughput",
        "Share of a GPU's prompt-processing throughput that routed-expert matrix multiplications reach on CUDA and ROCm: each expert sees only the tokens routed to it, too few to fill the tensor cores. Shader-bound GPUs (Metal) do not lose it.",
        source: "llama.cpp DGX Spark benches (gpt-oss 20b and 120b, Qwen3-Coder 30B-A3B, pp2048) and the gpt-oss guide (discussion #15396), against dense models on the same GPUs")

    // MARK: Uncertainty

    public static let estimateBand = FitConstant(
        "band", 0.15, "fraction",
        "Half-width of the range shown around a speed estimate.",
        source: "spread of the calibration residuals on the single-device scoreboards")

    /// Every constant, for the methodology page.
    public static let all: [FitConstant] = [
        deviceOverheadCUDA, deviceOverheadMetal, deviceOverheadOther, safetyMargin, ubatchTokens,
        computeBufferBytesPerValue, hostProcessMemory, apuDefaultGPUShare, comfortableHeadroom,
        bandwidthEfficiencyGDDR, bandwidthEfficiencyHBM, bandwidthEfficiencyLPDDR, bandwidthEfficiencyMultiDie,
        bandwidthEfficiencyDDR, expertReadEfficiency, computeEfficiency,
        layerOverheadCUDA, layerOverheadCUDADatacenter, layerOverheadMetal, layerOverheadMetalMultiDie,
        layerOverheadVulkan, layerOverheadROCm, layerOverheadSYCL, layerOverheadMoE, layerOverheadCPU,
        hopLatencyPCIe, hopLatencyTCP, hopLatencyRDMA, allReduceLatencyNVLink, allReduceLatencyPCIe,
        allReduceLatencyRDMA, allReduceLatencyTCP, rpcOverheadPerDevice, pcieEfficiency,
        prefillTensorEfficiency, prefillShaderEfficiency, prefillExpertEfficiency, estimateBand,
    ]
}
