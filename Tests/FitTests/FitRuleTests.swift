import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Fit

/// Each rule of the engine against numbers worked out by hand (in the comments), on records
/// written for the test so that catalog edits cannot move them.
@Suite("Fit engine rules")
struct FitRuleTests {
    static let gib = 1_073_741_824.0

    /// The valid fixture plus the records these tests need.
    static let catalog: Catalog = {
        let site = FixtureSite()
        site.write("content/devices/card-24.yaml", """
            name: Card 24
            vendor: nvidia
            kind: discrete-gpu
            memory_gb: 24
            memory_technology: gddr6x
            bandwidth_gb_s: 936
            shader_tflops: 35.6
            fp16_tflops: 142
            backends: [cuda, vulkan]
            os: [linux, windows]
            sources: [{title: Fixture, url: "https://example.com/card"}]
            """)
        site.write("content/devices/radeon-24.yaml", """
            name: Radeon 24
            vendor: amd
            kind: discrete-gpu
            memory_gb: 24
            memory_technology: gddr6
            bandwidth_gb_s: 960
            backends: [rocm, vulkan]
            os: [linux, windows]
            sources: [{title: Fixture, url: "https://example.com/radeon"}]
            """)
        site.write("content/devices/mini-soc-16.yaml", """
            name: Mini SoC 16
            vendor: apple
            kind: unified-soc
            chip: Mini SoC
            memory_gb: 16
            memory_options_gb: [16, 64]
            memory_technology: lpddr5x
            bandwidth_gb_s: 120
            backends: [metal]
            os: [macos]
            sources: [{title: Fixture, url: "https://example.com/soc16"}]
            """)
        site.write("content/devices/apu-128.yaml", """
            name: APU 128
            vendor: amd
            kind: apu
            memory_gb: 128
            memory_technology: lpddr5x
            bandwidth_gb_s: 256
            backends: [vulkan, rocm]
            os: [linux, windows]
            sources: [{title: Fixture, url: "https://example.com/apu"}]
            """)
        site.write("content/platforms/windows-test.yaml", """
            name: Test Windows
            family: windows
            version: "11"
            summary: A desktop.
            display_reserve_gb: 1
            os_reserve_gb: 4
            sources: [{title: Fixture, url: "https://example.com/windows"}]
            """)
        site.replace(in: "content/platforms/macos-test.yaml", "raise_wired_limit:", with: "raised_limit_keeps_free_gb: 8\nraise_wired_limit:")
        site.write("content/models/dense-70b.yaml", """
            name: Dense 70B
            developer: Fixture
            license: MIT
            summary: Llama 3.3 70B's shape.
            params_b: 70.6
            layers: 80
            hidden_size: 8192
            attention_heads: 64
            kv_heads: 8
            head_dim: 128
            attention: gqa
            vocab_size: 128256
            max_context: 131072
            quants:
              - {name: Q4_K_M, format: gguf, file_size_gb: 42.5}
              - {name: Q2_K, format: gguf}
              - {name: MLX 4-bit, format: mlx}
            sources: [{title: Fixture, url: "https://example.com/dense"}]
            """)
        site.write("content/models/moe-235b.yaml", """
            name: MoE 235B
            developer: Fixture
            license: MIT
            summary: Qwen3 235B-A22B's shape.
            params_b: 235
            active_params_b: 22
            layers: 94
            hidden_size: 4096
            attention_heads: 64
            kv_heads: 4
            head_dim: 128
            attention: gqa
            experts: {total: 128, active: 8, expert_intermediate_size: 1536}
            vocab_size: 151936
            max_context: 131072
            quants:
              - {name: MLX 6-bit, format: mlx, bits_per_weight: 6.5}
              - {name: Q4_K_M, format: gguf}
            sources: [{title: Fixture, url: "https://example.com/moe"}]
            """)
        site.write("content/models/mla-model.yaml", """
            name: MLA model
            developer: Fixture
            license: MIT
            summary: DeepSeek V3's attention.
            params_b: 671
            active_params_b: 37
            layers: 61
            hidden_size: 7168
            attention_heads: 128
            kv_heads: 128
            head_dim: 192
            attention: mla
            kv_lora_rank: 512
            rope_head_dim: 64
            experts: {total: 256, active: 8, shared: 1, expert_intermediate_size: 2048, dense_layers: 3}
            vocab_size: 129280
            max_context: 163840
            quants: [{name: Q4_K_M, format: gguf}]
            sources: [{title: Fixture, url: "https://example.com/mla"}]
            """)
        site.write("content/models/window-model.yaml", """
            name: Window model
            developer: Fixture
            license: MIT
            summary: Gemma 3 27B's attention.
            params_b: 27
            layers: 62
            hidden_size: 5376
            attention_heads: 32
            kv_heads: 16
            head_dim: 128
            attention: sliding-window
            sliding_window: 1024
            full_attention_layers: 10
            vocab_size: 262144
            max_context: 131072
            quants: [{name: Q4_K_M, format: gguf}]
            sources: [{title: Fixture, url: "https://example.com/window"}]
            """)
        site.write("content/runtimes/split-only.md", """
            ---
            name: Split only
            summary: A GGUF runtime that splits by layers.
            license: MIT
            homepage: https://example.com/split
            version: "1"
            reviewed: 2026-11-25
            platforms: [linux, windows, macos]
            backends: [cuda, rocm, metal, vulkan, cpu]
            split_strategies: [single-device, layer-split, cpu-layer-offload, moe-expert-offload]
            formats: [gguf]
            mixed_vendors: false
            multi_host: {supported: false}
            fit:
              safety_margin_gib: 1
              ubatch_tokens: 512
              kv_cache_types: [f16, q8_0, q4_0]
              embeddings_on_host: true
            sources: [{title: Fixture, url: "https://example.com/split-docs"}]
            ---
            Review.
            """)
        site.write("content/runtimes/mesh.md", """
            ---
            name: Mesh
            summary: An MLX cluster runtime.
            license: MIT
            homepage: https://example.com/mesh
            version: "1"
            reviewed: 2026-11-25
            platforms: [macos]
            backends: [metal]
            split_strategies: [single-device, multi-host-pipeline, multi-host-tensor-parallel]
            formats: [mlx]
            mixed_vendors: false
            multi_host: {supported: true, transports: [tcp-ip, rdma], rdma_needs_full_mesh: true}
            fit:
              safety_margin_gib: 1
              ubatch_tokens: 2048
              tensor_parallel_divides: [kv_heads, hidden_size]
            sources: [{title: Fixture, url: "https://example.com/mesh-docs"}]
            ---
            Review.
            """)
        site.write("content/runtimes/server.md", """
            ---
            name: Server
            summary: A Linux serving engine.
            license: MIT
            homepage: https://example.com/server
            version: "1"
            reviewed: 2026-11-25
            platforms: [linux]
            backends: [cuda]
            split_strategies: [single-device, tensor-parallel]
            formats: [gguf]
            mixed_vendors: false
            multi_host: {supported: false}
            fit:
              memory_fraction: 0.9
              device_overhead_gib: 0.3
              safety_margin_gib: 0
              kv_cache_types: [f16, fp8]
              tensor_parallel_divides: [attention_heads]
            sources: [{title: Fixture, url: "https://example.com/server-docs"}]
            ---
            Review.
            """)
        site.write("content/runtimes/tp-limited.md", """
            ---
            name: TP limited
            summary: A tensor split that only some backends and models get.
            license: MIT
            homepage: https://example.com/tp-limited
            version: "1"
            reviewed: 2026-11-25
            platforms: [linux, macos]
            backends: [cuda, vulkan, metal]
            split_strategies: [single-device, layer-split, tensor-parallel]
            formats: [gguf, mlx]
            mixed_vendors: false
            multi_host: {supported: false}
            fit:
              tensor_parallel_backends: [cuda]
              tensor_parallel_excludes: [mla]
              format_backends: [{format: mlx, backends: [metal]}]
            sources: [{title: Fixture, url: "https://example.com/tp-limited-docs"}]
            ---
            Review.
            """)
        let result = site.load()
        precondition(!result.diagnostics.hasErrors, result.diagnostics.rendered())
        site.destroy()
        return result.catalog
    }()

    func record<R: Record>(_ id: String) -> R { Self.catalog.record(RecordID<R>(id))! }
    var catalog: Catalog { Self.catalog }

    func request(_ model: String, _ quant: String, _ runtime: String, context: Int = 8192, kv: KVCacheType = .f16, raised: Bool = false) -> FitRequest {
        let model: Model = record(model)
        return FitRequest(model: model, quant: model.quant(named: quant)!, runtime: record(runtime), contextTokens: context,
                          kvCacheType: kv, raisedWiredLimit: raised)
    }

    func box(_ device: String, _ count: Int, platform: String = "linux-test", ram: Double = 128) -> Hardware {
        Hardware(devices: [(record(device), count)], platform: record(platform), hostRAMGB: ram)
    }

    func minis(_ count: Int, shape: TopologyShape = .fullMesh, transport: Transport = .rdma) -> Hardware {
        let machine: Machine = record("mini-64")
        return Hardware(
            machines: [(machine, count, "mini")], catalog: catalog, platform: record("macos-test"),
            link: FitLink(interconnect: .thunderbolt5, transport: transport, bytesPerSecond: 10e9, shape: shape))
    }

    // MARK: Memory

    @Test("a 70B Q4_K_M at 32k context on 3× 24 GB cards: layers in proportion to room, each card's ledger")
    func seventyBOnThreeCards() throws {
        // Weights 42.5 GB. Tables: 128,256 × 8,192 = 1.0507B params at 0.60198 bytes a param
        // (42.5 GB / 70.6B) = 0.6325 GB each; per layer (42.5 − 1.265) / 80 = 0.51544 GB.
        // KV: 2 × 8 heads × 128 × 2 bytes = 4,096 bytes a token a layer → 0.125 GiB a layer at 32,768.
        // Usable: 24 GiB − 1 GiB margin = 23 GiB; capacity 24 − 0.45 − 1 = 22.55 GiB.
        // Buffers: 4 × 512 × 4 × 8,192 = 0.0625 GiB; the last card 4 × 512 × (8,192 + 128,256) = 0.2603 GiB.
        // Room: 22.4875, 22.4875 and 22.55 − 0.2603 − 0.5891 (output) = 21.7006 GiB → 80 layers as
        // 26.98, 26.98, 26.04 → 27, 27, 26.
        let result = FitEngine.evaluate(request("dense-70b", "Q4_K_M", "split-only", context: 32768), on: box("card-24", 3))
        #expect(result.verdict == .fits)
        #expect(result.strategy == .layerSplit)
        #expect(result.ledger.map(\.layers) == [27, 27, 26])
        let first = result.ledger[0]
        // Card 1: 27 × 0.51544 GB = 12.961 GiB of weights, 27 × 0.125 = 3.375 GiB of KV.
        #expect(abs(first.weightBytes / Self.gib - 12.961) < 0.01)
        #expect(abs(first.kvBytes / Self.gib - 3.375) < 0.001)
        #expect(abs(first.bufferBytes / Self.gib - 0.0625) < 0.0001)
        #expect(abs(first.usableBytes / Self.gib - 23) < 0.0001)
        // Need 12.961 + 3.375 + 0.0625 + 0.45 = 16.849 GiB → 6.151 GiB (26.7%) free.
        #expect(abs(first.headroomBytes / Self.gib - 6.151) < 0.01)
        let last = result.ledger[2]
        // Card 3: 26 × 0.51544 GB + 0.6325 GB output = 13.070 GiB; KV 3.25 GiB; buffers 0.2603 GiB.
        #expect(abs(last.weightBytes / Self.gib - 13.070) < 0.01)
        #expect(abs(last.kvBytes / Self.gib - 3.25) < 0.001)
        #expect(abs(last.bufferBytes / Self.gib - 0.2603) < 0.001)
    }

    @Test("the same 70B on 2× 24 GB cards: short by the KV cache; fixes are re-evaluated")
    func seventyBOnTwoCards() throws {
        // Per card: ~40 layers × (0.48 + 0.125) GiB ≈ 24.2 GiB > 22.5 GiB of room: a layer split does not fit.
        let request = request("dense-70b", "Q4_K_M", "split-only", context: 32768)
        let hardware = box("card-24", 2)
        let result = FitEngine.evaluate(request, on: hardware)
        let split = Context.make(request, hardware, explained: true).map { context in
            context.evaluate(context.layerSplitPlan(.layerSplit, [0, 1]))
        }
        #expect(try split.get().verdict == .noFit)
        // The engine falls back to offloading layers to the CPU, with comfortable headroom on the cards.
        #expect(result.strategy == .cpuLayerOffload)
        #expect(result.verdict == .fits)
        #expect(result.ledger.first?.isHostRAM == true)
        #expect(result.ledger.first!.layers > 0)
        let fixes = FitEngine.fixes(for: request, on: hardware, result: FitEngine.evaluate(request, on: hardware), catalog: catalog)
        #expect(fixes.isEmpty, "a comfortable fit needs no fixes")
    }

    @Test("a binding constraint names the device, the shortfall and what fills it")
    func bindingConstraint() throws {
        // One 24 GB card, no offload: 42.5 GB of weights cannot fit.
        var request = request("dense-70b", "Q4_K_M", "server", context: 8192)
        request.runtime = record("server")
        let result = FitEngine.evaluate(request, on: box("card-24", 1))
        #expect(result.verdict == .noFit)
        #expect(result.bindingConstraint.hasPrefix("Card 24 is "))
        #expect(result.bindingConstraint.contains(" short: weights 39.6 GiB, KV cache 2.5 GiB"))
        // The server claims 90% of the card: 21.6 GiB, no extra margin.
        #expect(result.bindingConstraint.hasSuffix("of 21.6 GiB usable"))
        #expect(result.ledger[0].rule.description == "Server claims 90% of 24 GiB")
    }

    @Test("a 235B MoE on four 64 GB Macs fits only at the raised wired limit")
    func moeOnMinisNeedsRaisedLimit() throws {
        // MLX 6-bit: 235e9 × 6.5 / 8 = 190.94 GB = 177.83 GiB; a quarter per mini = 44.46 GiB.
        // KV at 32k: 94 layers × 2 × 4 heads × 128 × 2 bytes × 32,768 = 5.875 GiB; 4 heads over 4
        // minis → 1.469 GiB each. Buffers (ubatch 2,048): 4 × 2,048 × (4,096 + 151,936) = 1.19 GiB,
        // plus experts 4 × 2,048 × 8 × 1,536 = 0.094 GiB. Overhead 0.5 GiB.
        // Need 47.71 GiB. Default limit 75% of 64 = 48 GiB − 1 margin = 47 usable: 0.71 GiB short.
        let request = request("moe-235b", "MLX 6-bit", "mesh", context: 32768)
        let result = FitEngine.evaluate(request, on: minis(4))
        #expect(result.verdict == .noFit)
        #expect(result.strategy == .multiHostTensorParallel)
        #expect(abs(result.ledger[0].neededBytes / Self.gib - 47.71) < 0.05)
        #expect(result.ledger[0].rule.description == "Test macOS 26.2 default GPU wired limit: 75% of 64 GiB")
        // Raised: 64 − 8 kept free = 56 GiB − 1 margin = 55 usable; 7.29 GiB (13%) free.
        let raised = FitEngine.evaluate(self.request("moe-235b", "MLX 6-bit", "mesh", context: 32768, raised: true), on: minis(4))
        #expect(raised.verdict == .fits)
        #expect(abs(raised.ledger[0].headroomBytes / Self.gib - 7.29) < 0.05)
        #expect(raised.ledger[0].rule.description.contains("sudo sysctl iogpu.wired_limit_mb=57344"))
        let fixes = FitEngine.fixes(for: request, on: minis(4), result: result, catalog: catalog)
        #expect(fixes.contains { if case .raiseWiredLimit = $0.change { true } else { false } })
        #expect(fixes.allSatisfy { $0.result.verdict < .noFit })
    }

    @Test("a fix suggests another runtime only from the list it is given (a combo's supported runtimes)")
    func fixRuntimesAreLimited() throws {
        let request = request("dense-70b", "Q4_K_M", "server", context: 32768)
        let hardware = box("card-24", 1)
        let result = FitEngine.evaluate(request, on: hardware)
        func runtimeFixes(_ fixes: [FitFix]) -> [String] {
            fixes.compactMap { if case .runtime(let id, _) = $0.change { id } else { nil } }
        }
        let any = runtimeFixes(FitEngine.fixes(for: request, on: hardware, result: result, catalog: catalog, limit: 20))
        #expect(!any.isEmpty, "some other runtime in the catalog does better")
        let only: [Runtime] = [record("server"), record(any[0])]
        let limited = runtimeFixes(FitEngine.fixes(for: request, on: hardware, result: result, catalog: catalog, runtimes: only, limit: 20))
        #expect(limited == [any[0]])
        #expect(runtimeFixes(FitEngine.fixes(for: request, on: hardware, result: result, catalog: catalog, runtimes: [], limit: 20)).isEmpty)
    }

    @Test("the reference 4-bit quant is in the format the runtime lists first")
    func referenceQuantFollowsTheRuntimesFormats() throws {
        let model: Model = record("dense-70b")
        var runtime: Runtime = record("tp-limited")
        #expect(runtime.formats == [.gguf, .mlx])
        #expect(FitChoices.referenceQuant(of: model, for: runtime)?.name == "Q4_K_M")
        runtime.formats = [.mlx, .gguf]
        #expect(FitChoices.referenceQuant(of: model, for: runtime)?.name == "MLX 4-bit")
        runtime.formats = [.awq]
        #expect(FitChoices.referenceQuant(of: model, for: runtime) == nil)
    }

    @Test("under tensor parallelism a latent (MLA) cache is whole on every device, a GQA cache is divided")
    func tensorParallelKVShare() throws {
        let mla = FitEngine.evaluate(request("mla-model", "Q4_K_M", "server"), on: box("card-24", 8))
        #expect(mla.strategy == .tensorParallel)
        let model: Model = record("mla-model")
        let whole = ModelFootprint(model: model, quant: model.quants[0], kvCacheType: .f16).kvBytesPerLayer(tokens: 8192, ubatch: 2048) * 61
        for device in mla.ledger where !device.isHostRAM {
            #expect(abs(device.kvBytes - whole) < 1, "\(device.kvBytes) vs \(whole)")
        }
        let gqa = FitEngine.evaluate(request("dense-70b", "Q4_K_M", "server"), on: box("card-24", 8))
        #expect(gqa.strategy == .tensorParallel)
        let dense: Model = record("dense-70b")
        let cache = ModelFootprint(model: dense, quant: dense.quants[0], kvCacheType: .f16).kvBytesPerLayer(tokens: 8192, ubatch: 2048) * 80
        #expect(abs(gqa.ledger[0].kvBytes - cache / 8) < 1, "8 KV heads over 8 cards: one each")
    }

    @Test("tensor parallelism over 3 nodes is refused: 4 KV heads do not divide by 3")
    func tensorParallelDivisibility() throws {
        let result = FitEngine.evaluate(request("moe-235b", "MLX 6-bit", "mesh", context: 8192), on: minis(3, shape: .ring))
        let refusal = try #require(result.refused.first { $0.strategy == .multiHostTensorParallel })
        #expect(refusal.reason == "MoE 235B has 4 KV heads, which do not divide by 3 devices")
        // Nothing fits three minis; the pipeline over all three comes closest.
        #expect(result.verdict == .noFit)
        #expect(result.strategy == .multiHostPipeline)
    }

    @Test("a runtime's tensor split can be limited to some backends and refused for some attention kinds")
    func tensorParallelLimits() throws {
        let cuda = FitEngine.evaluate(request("dense-70b", "Q4_K_M", "tp-limited"), on: box("card-24", 2))
        #expect(!cuda.refused.contains { $0.strategy == .tensorParallel })
        var onVulkan = request("dense-70b", "Q4_K_M", "tp-limited")
        onVulkan.backend = .vulkan
        let vulkan = FitEngine.evaluate(onVulkan, on: box("card-24", 2))
        let backend = try #require(vulkan.refused.first { $0.strategy == .tensorParallel })
        #expect(backend.reason == "TP limited splits by tensors only on CUDA, not Vulkan")
        #expect(vulkan.strategy != .tensorParallel)
        let mla = FitEngine.evaluate(request("mla-model", "Q4_K_M", "tp-limited"), on: box("card-24", 8))
        let attention = try #require(mla.refused.first { $0.strategy == .tensorParallel })
        #expect(attention.reason == "TP limited does not split MLA model by tensors: models with multi-head latent attention are on its exclusion list")
    }

    @Test("a format the runtime loads only on some backends: MLX weights on Metal, not on CUDA")
    func formatBackends() throws {
        let cuda = FitEngine.evaluate(request("dense-70b", "MLX 4-bit", "tp-limited"), on: box("card-24", 2))
        #expect(cuda.verdict == .unsupported)
        #expect(cuda.unsupportedReason == "TP limited loads MLX weights only on Metal, not CUDA")
        let mac = FitEngine.evaluate(
            request("dense-70b", "MLX 4-bit", "tp-limited"),
            on: Hardware(devices: [(record("mini-soc-16"), 1)], platform: record("macos-test"), hostRAMGB: nil))
        #expect(mac.verdict != .unsupported)
    }

    @Test("RDMA needs a full mesh for this runtime; otherwise the link carries TCP/IP")
    func rdmaNeedsMesh() throws {
        let mesh = FitEngine.evaluate(request("moe-235b", "MLX 6-bit", "mesh", context: 8192, raised: true), on: minis(4))
        #expect(mesh.strategy == .multiHostTensorParallel)
        // On a ring the same cables carry TCP/IP: tensor parallelism pays 300 µs per all-reduce,
        // 188 a token, and falls behind the pipeline.
        let ring = FitEngine.evaluate(request("moe-235b", "MLX 6-bit", "mesh", context: 8192, raised: true), on: minis(4, shape: .ring))
        #expect(ring.strategy == .multiHostPipeline)
        #expect(ring.notes.contains("Mesh carries this split over TCP/IP on the Thunderbolt 5 link, not RDMA"))
        let ringTensor = try #require(ring.runnerUp)
        #expect(ringTensor.strategy == .multiHostTensorParallel)
        let meshSpeed = try #require(mesh.decode).tokensPerSecond
        #expect(meshSpeed > 2 * (ringTensor.decodeTokensPerSecond ?? .infinity))
    }

    @Test("KV cache by attention kind: GQA, latent (MLA), sliding window, and quantized types")
    func kvCacheByAttention() throws {
        let dense = ModelFootprint(model: record("dense-70b"), quant: (record("dense-70b") as Model).quants[0], kvCacheType: .f16)
        // GQA: 2 × 8 × 128 × 2 = 4,096 bytes a token a layer.
        #expect(dense.kvBytesPerLayer(tokens: 1000, ubatch: 512) == 4_096_000)
        let q8 = ModelFootprint(model: record("dense-70b"), quant: (record("dense-70b") as Model).quants[0], kvCacheType: .q8_0)
        // q8_0 packs 32 values in 34 bytes: 2 × 8 × 128 × 34 / 32 = 2,176 bytes.
        #expect(q8.kvBytesPerLayer(tokens: 1000, ubatch: 512) == 2_176_000)
        let mla: Model = record("mla-model")
        let latent = ModelFootprint(model: mla, quant: mla.quants[0], kvCacheType: .f16)
        // MLA caches only the latent and the RoPE key: (512 + 64) × 2 = 1,152 bytes a token a layer.
        #expect(latent.kvBytesPerLayer(tokens: 1000, ubatch: 512) == 1_152_000)
        let window: Model = record("window-model")
        let capped = ModelFootprint(model: window, quant: window.quants[0], kvCacheType: .f16)
        // 10 full layers keep 32,768 tokens; 52 window layers keep 1,024 + 512; 2 × 16 × 128 × 2 = 8,192 bytes a token.
        let expected = (10.0 * 32768 + 52.0 * 1536) * 8192 / 62
        #expect(abs(capped.kvBytesPerLayer(tokens: 32768, ubatch: 512) - expected) < 1)
    }

    @Test("usable memory by platform: macOS tiers, display reserve, APU share, runtime claim")
    func usableMemoryRules() throws {
        let small = FitEngine.evaluate(
            request("dense-70b", "MLX 4-bit", "mesh"),
            on: Hardware(devices: [(record("mini-soc-16"), 1)], platform: record("macos-test"), hostRAMGB: nil))
        // 16 GB falls in the first tier: 66.7% → 10.67 GiB.
        #expect(abs(small.ledger[0].limitBytes / Self.gib - 10.672) < 0.001)
        let windows = FitEngine.evaluate(request("dense-70b", "Q4_K_M", "split-only"), on: box("card-24", 1, platform: "windows-test"))
        let card = try #require(windows.ledger.first { !$0.isHostRAM })
        #expect(card.limitBytes / Self.gib == 23)
        #expect(card.rule.description == "24 GiB minus 1 GiB the display keeps on Test Windows")
        let apu = FitEngine.evaluate(request("dense-70b", "Q4_K_M", "split-only"), on: box("apu-128", 1))
        #expect(apu.ledger[0].limitBytes / Self.gib == 64, "half of 128 GiB by default")
    }

    @Test("a combo's machines on another platform: the replacement sets the limits, the combo's own otherwise")
    func comboOnAnotherPlatform() throws {
        let combo: Combo = record("gpu-box")
        let own = try #require(Hardware(combo: combo, catalog: catalog))
        #expect(own.hosts.allSatisfy { $0.platform.id.raw == "linux-test" })
        let windows: Platform = record("windows-test")
        let moved = try #require(Hardware(combo: combo, catalog: catalog, platform: windows))
        #expect(moved.hosts.allSatisfy { $0.platform.id.raw == "windows-test" })
        let result = FitEngine.evaluate(request("dense-70b", "Q4_K_M", "split-only"), on: moved)
        let card = try #require(result.ledger.first { !$0.isHostRAM })
        #expect(card.rule.description.contains("the display keeps on Test Windows"), "the replacement platform's display reserve applies")
    }

    @Test("a device with no driver for the OS cannot be used there")
    func noDriver() throws {
        let result = FitEngine.evaluate(request("dense-70b", "Q4_K_M", "split-only"), on: box("card-24", 1, platform: "macos-test"))
        #expect(result.verdict == .unsupported)
        #expect(result.unsupportedReason == "Card 24 (Card 24) has no driver for macOS")
    }

    @Test("only the card that drives the display loses memory to it")
    func displayOnOneCard() throws {
        let hardware = box("card-24", 3, platform: "windows-test")
        let memory = FitEngine.usableMemory(on: hardware, runtime: record("split-only"))
        #expect(memory.map { $0.memory.limitBytes / Self.gib } == [23, 24, 24])
        #expect(memory[1].memory.rule.description == "all 24 GiB (the display is on another card)")
    }

    @Test("a runtime that claims a share of each card claims it of the total, less what the display holds")
    func runtimeClaimWithDisplay() throws {
        // 90% of 24 GiB = 21.6 GiB, less the 1 GiB display reserve on the first card: 20.6 GiB.
        let runtime: Runtime = record("server")
        #expect(runtime.fit.memoryFraction == 0.9)
        let memory = FitEngine.usableMemory(on: box("card-24", 2, platform: "windows-test"), runtime: runtime)
        #expect(memory.map { ($0.memory.limitBytes / Self.gib * 10).rounded() / 10 } == [20.6, 21.6])
        #expect(memory[0].memory.rule.description == "Server claims 90% of 24 GiB, less 1 GiB the display keeps")
    }

    @Test("a borderline fit in GPU memory is preferred to a comfortable one that offloads layers to system RAM")
    func borderlineBeatsOffload() throws {
        // Walk the context up on two cards: wherever the layer split alone is borderline, the
        // engine answers with it, not with a slower CPU offload that would fit comfortably.
        var borderline = 0
        for context in stride(from: 1024, through: 16384, by: 512) {
            let request = request("dense-70b", "Q4_K_M", "split-only", context: context)
            let hardware = box("card-24", 2)
            let engine = try Context.make(request, hardware, explained: true).get()
            let split = engine.evaluate(engine.layerSplitPlan(.layerSplit, engine.allIndices))
            let result = FitEngine.evaluate(request, on: hardware)
            if split.verdict == .tight {
                borderline += 1
                #expect(result.verdict == .tight)
                #expect(result.strategy == .layerSplit, "context \(context)")
            }
            if split.verdict == .noFit { #expect(result.strategy == .cpuLayerOffload, "context \(context)") }
        }
        #expect(borderline > 0)
    }

    // MARK: Strategies

    @Test("an MoE model leaves as few layers' experts in system RAM as make the rest fit")
    func expertOffload() throws {
        // Q4_K_M (4.85 bits): 142.5 GB; experts 227.1B params → 137.7 GB over 94 layers = 1.46 GB a layer.
        // Two 24 GiB cards hold 2 × (22.55 − 10% headroom − buffers) ≈ 40 GiB: the dense parts and
        // KV (≈ 4.8 GB + 0.75 GiB) and the experts of about 24 layers; the other ≈ 70 layers' experts
        // go to system RAM.
        let request = request("moe-235b", "Q4_K_M", "split-only", context: 8192)
        let context = try Context.make(request, box("card-24", 2, ram: 256), explained: true).get()
        let plan = context.expertOffloadPlan([0, 1])
        #expect(plan.cpuExpertLayers > 60 && plan.cpuExpertLayers < 80)
        let evaluation = context.evaluate(plan)
        #expect(evaluation.verdict == .fits)
        let host = try #require(context.ledger(plan).first { $0.isHostRAM })
        #expect(host.note == "routed experts of \(plan.cpuExpertLayers) MoE layers")
        #expect(abs(host.weightBytes - Double(plan.cpuExpertLayers) * context.footprint.expertBytesPerMoELayer - context.footprint.embeddingBytes) < 1)
        // One fewer layer's experts in RAM would leave a card under 10% headroom.
        var tighter = plan
        tighter.cpuExpertLayers -= 2
        #expect(context.evaluate(tighter).verdict != .fits)
    }

    @Test("a runtime that cannot mix vendors refuses to split over an NVIDIA and an AMD card")
    func mixedVendors() throws {
        let hardware = Hardware(devices: [(record("card-24"), 1), (record("radeon-24"), 1)], platform: record("linux-test"), hostRAMGB: 64)
        let result = FitEngine.evaluate(request("dense-70b", "Q4_K_M", "split-only"), on: hardware)
        #expect(result.refused.contains { $0.strategy == .layerSplit && $0.reason == "Split only cannot mix NVIDIA and AMD devices in one model" })
    }

    @Test("unsupported: wrong OS, wrong format, wrong KV type, no backend")
    func unsupported() throws {
        let linux = box("card-24", 1)
        #expect(FitEngine.evaluate(request("dense-70b", "MLX 4-bit", "mesh"), on: linux).bindingConstraint
            == "Mesh runs on macOS, not Linux")
        #expect(FitEngine.evaluate(request("dense-70b", "MLX 4-bit", "split-only"), on: linux).bindingConstraint
            == "Split only loads GGUF weights, not MLX (MLX 4-bit)")
        #expect(FitEngine.evaluate(request("dense-70b", "Q4_K_M", "server", kv: .q4_0), on: linux).bindingConstraint
            == "Server stores its KV cache as F16 or FP8, not q4_0")
        let result = FitEngine.evaluate(request("dense-70b", "Q4_K_M", "server"), on: box("radeon-24", 1))
        #expect(result.verdict == .unsupported)
        #expect(result.bindingConstraint == "Server has no backend for Radeon 24 (Radeon 24 uses ROCm or Vulkan)")
    }

    @Test("speed: a single stream over a layer split is no faster than one card; tensor parallel is")
    func splitSpeeds() throws {
        let server = request("dense-70b", "Q2_K", "server", context: 4096)
        // Q2_K: 70.6e9 × 3.35 / 8 = 29.6 GB: fits two cards with the server's 90% claim.
        let two = FitEngine.evaluate(server, on: box("card-24", 2))
        #expect(two.strategy == .tensorParallel)
        let split = FitEngine.evaluate(request("dense-70b", "Q2_K", "split-only", context: 4096), on: box("card-24", 2))
        #expect(split.strategy == .layerSplit)
        let tp = try #require(two.decode).tokensPerSecond
        let pipeline = try #require(split.decode).tokensPerSecond
        #expect(tp > 1.6 * pipeline)
        // Decode at the full context is slower than at the start: the KV cache is read every token.
        let long = FitEngine.evaluate(request("dense-70b", "Q2_K", "split-only", context: 65536), on: box("card-24", 3))
        let speed = try #require(long.decode)
        #expect(speed.atFullContext < speed.tokensPerSecond)
    }

    @Test("the longest context that fits, for the shorter-context fix")
    func longestContext() throws {
        let request = request("dense-70b", "Q4_K_M", "server", context: 131072)
        let hardware = box("card-24", 2)
        let tokens = try #require(FitEngine.longestFittingContext(request, hardware))
        var shorter = request
        shorter.contextTokens = tokens
        #expect(FitEngine.evaluate(shorter, on: hardware).verdict <= .tight)
        shorter.contextTokens = tokens + 1024
        #expect(FitEngine.evaluate(shorter, on: hardware).verdict == .noFit)
    }

    @Test("deterministic: the same request gives the same numbers")
    func deterministic() {
        let a = FitEngine.evaluate(request("moe-235b", "MLX 6-bit", "mesh"), on: minis(4))
        let b = FitEngine.evaluate(request("moe-235b", "MLX 6-bit", "mesh"), on: minis(4))
        #expect(a.decode?.tokensPerSecond == b.decode?.tokensPerSecond)
        #expect(a.ledger.map(\.headroomBytes) == b.ledger.map(\.headroomBytes))
    }
}
