import Catalog
import FixtureSupport
import Foundation
import PropertyBased
import Testing
@testable import Fit

/// The fit engine on inputs no page asks about: no devices, a thousand, a model larger than any
/// in the catalog, one token of context and ten million, every runtime on every platform with
/// every quant and KV cache type. Whatever the input, the answer is a verdict with finite,
/// non-negative numbers, or `unsupported` with a reason: never a crash, a NaN, an infinity, a
/// negative speed or a negative amount of memory.
@Suite("Fit engine edge cases")
struct FitEdgeCaseTests {
    /// The shipped catalog: the devices, machines, models and runtimes people ask about.
    static let catalog: Catalog = {
        let loaded = CatalogLoader.load(from: FixtureSite.packageRoot + "/content")
        return loaded.catalog
    }()

    // MARK: The property

    @Test("generated configurations get a verdict or a refusal with a reason, with finite, non-negative numbers")
    func generatedConfigurations() async throws {
        let catalog = Self.catalog
        try #require(!catalog.devices.all.isEmpty && !catalog.runtimes.all.isEmpty && !catalog.models.all.isEmpty)
        // Twelve numbers decide a scenario (see `Scenario.init`); shrinking takes them towards
        // zero: no devices, the first record of each kind, the shortest context.
        let numbers = Gen.int(in: 0...Int(Int32.max)).array(of: Scenario.numbers)
        await propertyCheck(count: 1500, input: numbers.map { Scenario($0) }) { scenario in
            Self.check(scenario, catalog: catalog)
        }
    }

    /// Every runtime on every platform with every KV cache type and every quant of a few
    /// models, on one card, two cards, a Mac and a cluster: the cross product, not a sample.
    @Test("every runtime on every platform with every quant and KV cache type")
    func everyRuntimeOnEveryPlatform() throws {
        let catalog = Self.catalog
        let card = try #require(catalog[RecordID<Device>("rtx-3090")])
        let mac = try #require(catalog.machines.all.first { $0.devices.contains { catalog[$0.device.id]?.vendor == .apple } })
        let cluster = try #require(catalog.combos.all.first { $0.nodes.reduce(0) { $0 + $1.count } > 1 })
        // A dense model, a mixture of experts, and a model of another attention kind when there is one.
        var models: [Model] = []
        models += catalog.models.all.first { !$0.isMixtureOfExperts }.map { [$0] } ?? []
        models += catalog.models.all.first { $0.isMixtureOfExperts }.map { [$0] } ?? []
        models += catalog.models.all.first { $0.attention == .mla }.map { [$0] } ?? []
        models += catalog.models.all.first { $0.attention == .slidingWindow || $0.attention == .hybridLinear }.map { [$0] } ?? []
        var verdicts: Set<Verdict> = []
        var answered = 0
        for platform in catalog.platforms {
            var configurations: [Hardware] = [
                Hardware(devices: [(card, 1)], platform: platform, hostRAMGB: nil),
                Hardware(devices: [(card, 2)], platform: platform, hostRAMGB: 128),
                Hardware(machines: [(mac, 1, nil)], catalog: catalog, platform: platform, link: nil),
            ]
            if let hardware = Hardware(combo: cluster, catalog: catalog, platform: platform) { configurations.append(hardware) }
            for runtime in catalog.runtimes {
                for model in models {
                    for quant in model.quants {
                        for kv in KVCacheType.allCases {
                            for hardware in configurations {
                                let request = FitRequest(model: model, quant: quant, runtime: runtime, contextTokens: 8192, kvCacheType: kv)
                                let result = FitEngine.evaluate(request, on: hardware)
                                Self.checkResult(result, request: request, hardware: hardware, scenario: "\(runtime.id.raw) on \(platform.id.raw), \(model.id.raw) \(quant.name), KV \(kv.rawValue)")
                                verdicts.insert(result.verdict)
                                answered += 1
                            }
                        }
                    }
                }
            }
        }
        #expect(answered > 1000)
        #expect(verdicts.isSuperset(of: [.fits, .noFit, .unsupported]), "the cross product reaches every kind of answer: \(verdicts)")
    }

    // MARK: The named edge cases, one each

    @Test("no devices at all: unsupported, with the reason")
    func noDevices() throws {
        let catalog = Self.catalog
        let model = try #require(catalog.models.all.first)
        let runtime = try #require(catalog[RecordID<Runtime>("llama-cpp")])
        let quant = try #require(FitChoices.referenceQuant(of: model, for: runtime))
        let linux = try #require(catalog.platforms.all.first { $0.family == .linux })
        let request = FitRequest(model: model, quant: quant, runtime: runtime)
        for hardware in [Hardware(devices: [], platform: linux, hostRAMGB: nil),
                         Hardware(machines: [], catalog: catalog, platform: linux, link: nil)] {
            let result = FitEngine.evaluate(request, on: hardware)
            #expect(result.verdict == .unsupported)
            #expect(result.unsupportedReason == "there are no devices to run on")
            #expect(FitEngine.summary(request, on: hardware).verdict == .unsupported)
            #expect(FitEngine.fixes(for: request, on: hardware, result: result, catalog: catalog).isEmpty)
            #expect(FitEngine.longestFittingContext(request, hardware) == nil)
            #expect(FitReport(request: request, result: result, fixes: []).json() != "{}")
        }
    }

    /// Found probing the public API: `Hardware` trapped on a negative count (`0..<count`).
    /// `combos fit` refuses such counts before it gets here; other callers need not.
    @Test("zero and negative device and machine counts are no devices, not a trap")
    func negativeCounts() throws {
        let catalog = Self.catalog
        let linux = try #require(catalog.platforms.all.first { $0.family == .linux })
        let card = try #require(catalog[RecordID<Device>("rtx-3090")])
        let machine = try #require(catalog.machines.all.first)
        #expect(Hardware(devices: [(card, -3)], platform: linux, hostRAMGB: nil).devices.isEmpty)
        #expect(Hardware(devices: [(card, 0), (card, 2)], platform: linux, hostRAMGB: nil).devices.count == 2)
        let machines = Hardware(machines: [(machine, -2, "node"), (machine, 1, nil)], catalog: catalog, platform: linux, link: nil)
        #expect(machines.hosts.count == 1)
        let model = try #require(catalog.models.all.first)
        let runtime = try #require(catalog[RecordID<Runtime>("llama-cpp")])
        let request = FitRequest(model: model, quant: try #require(FitChoices.referenceQuant(of: model, for: runtime)), runtime: runtime)
        let result = FitEngine.evaluate(request, on: Hardware(devices: [(card, Int.min)], platform: linux, hostRAMGB: nil))
        #expect(result.verdict == .unsupported && result.unsupportedReason == "there are no devices to run on")
    }

    /// Found by the generated configurations once they included links of no bandwidth: a
    /// pipeline over machines joined by a 0 Gbit/s link decoded at 0 tokens/s (and a negative
    /// bandwidth at negative speeds). Such a link now carries no split: the multi-host
    /// strategies are refused with the reason, and one machine alone still answers.
    @Test("machines joined by a link of no bandwidth: the split is refused, never a zero or negative speed", arguments: [0.0, -10])
    func linkWithoutBandwidth(gbit: Double) throws {
        let catalog = Self.catalog
        let mac = try #require(catalog.machines.all.first { $0.devices.contains { catalog[$0.device.id]?.vendor == .apple } })
        let macos = try #require(catalog.platforms.all.first { $0.family == .macos })
        for transport in Transport.allCases {
            let link = FitLink(interconnect: .thunderbolt5, transport: transport, bytesPerSecond: gbit * 1e9 / 8, shape: .fullMesh)
            let hardware = Hardware(machines: [(mac, 4, "mini")], catalog: catalog, platform: macos, link: link)
            for runtime in catalog.runtimes where runtime.multiHost.supported {
                for model in catalog.models {
                    guard let quant = FitChoices.referenceQuant(of: model, for: runtime) else { continue }
                    let request = FitRequest(model: model, quant: quant, runtime: runtime)
                    let result = FitEngine.evaluate(request, on: hardware)
                    Self.checkResult(result, request: request, hardware: hardware, scenario: "\(model.id.raw) with \(runtime.id.raw) over a \(gbit) Gbit/s link")
                    #expect(result.strategy != .multiHostPipeline && result.strategy != .multiHostTensorParallel)
                }
            }
        }
    }

    /// Found by the generated configurations once they included absurd sizes: a record's
    /// integers have no maximum, and products of them (vocabulary × width, heads × head size,
    /// context × sequences) overflowed a 64-bit integer, which traps; so did converting a huge
    /// size to a count of layers or to whole GiB in the explanation. The engine now multiplies
    /// in floating point and clamps its counts.
    @Test("a link is read from INTERCONNECT:GBIT[:TRANSPORT[:SHAPE]], and refused with a speed that is not a finite number above zero")
    func linkSpecs() throws {
        let link = try #require(FitLink(spec: "thunderbolt-5:80:rdma:full-mesh"))
        #expect(link.interconnect == .thunderbolt5 && link.transport == .rdma && link.shape == .fullMesh)
        #expect(link.bytesPerSecond == 10e9)
        let plain = try #require(FitLink(spec: "ethernet:2.5"))
        #expect(plain.transport == .tcpIP && plain.shape == .star && plain.bytesPerSecond == 2.5e9 / 8)
        for spec in ["thunderbolt-5:inf", "thunderbolt-5:Infinity", "thunderbolt-5:nan", "thunderbolt-5:0", "thunderbolt-5:-5",
                     "thunderbolt-5:1e309", "thunderbolt-5", "warp-drive:80", "thunderbolt-5:80:pigeon", "thunderbolt-5:80:rdma:single-box",
                     "thunderbolt-5:80:", ""] {
            #expect(FitLink(spec: spec) == nil, "\(spec.debugDescription) was read as a link")
        }
    }

    @Test("sizes whose products overflow an integer, and a context of 2^63 tokens: an answer, not a trap")
    func overflowingSizes() throws {
        let catalog = Self.catalog
        let linux = try #require(catalog.platforms.all.first { $0.family == .linux })
        let card = try #require(catalog[RecordID<Device>("rtx-3090")])
        let hardware = [Hardware(devices: [(card, 1)], platform: linux, hostRAMGB: nil), Hardware(devices: [(card, 3)], platform: linux, hostRAMGB: 64)]
        for base in [catalog.models.all.first { !$0.isMixtureOfExperts }, catalog.models.all.first { $0.isMixtureOfExperts }, catalog.models.all.first { $0.attention == .mla }].compactMap({ $0 }) {
            let huge = Scenario.reshaped(base, layers: 1000, hidden: 4_000_000_000, heads: 4_000_000_000, headDim: 4_000_000_000,
                                         vocab: 4_000_000_000, context: Int.max, window: Int.max / 2)
            for runtime in catalog.runtimes {
                for (model, context, sequences) in [(huge, 8192, 1), (base, Int.max, 1024), (huge, Int.max, 1024)] {
                    guard let quant = FitChoices.referenceQuant(of: model, for: runtime) else { continue }
                    let request = FitRequest(model: model, quant: quant, runtime: runtime, contextTokens: context, parallelSequences: sequences)
                    for configuration in hardware {
                        let result = FitEngine.evaluate(request, on: configuration)
                        let scenario = "\(model.id.raw)\(model.hiddenSize > 1_000_000 ? " at absurd sizes" : "") with \(runtime.id.raw), context \(context), \(sequences) sequences"
                        #expect(result.verdict == .noFit || result.verdict == .unsupported, "\(scenario)")
                        #expect(!result.bindingConstraint.isEmpty)
                        _ = FitEngine.summary(request, on: configuration)
                        if configuration.devices.count == 1 {
                            _ = FitEngine.fixes(for: request, on: configuration, result: result, catalog: catalog)
                        }
                        _ = FitReport(request: request, result: result, fixes: []).json()
                        for entry in result.ledger {
                            #expect(!entry.weightBytes.isNaN && entry.weightBytes >= 0 && !entry.kvBytes.isNaN && entry.kvBytes >= 0, "\(scenario)")
                        }
                    }
                }
            }
        }
    }

    @Test("a thousand cards of several kinds in one box: an answer, with the layers placed once each")
    func thousandDevices() throws {
        let catalog = Self.catalog
        let linux = try #require(catalog.platforms.all.first { $0.family == .linux })
        let cards = catalog.devices.all.filter { $0.kind == .discreteGPU && $0.os.contains(.linux) }
        try #require(cards.count >= 4)
        let list = [(cards[0], 400), (cards[1], 300), (cards[2], 200), (cards[3], 100)]
        let hardware = Hardware(devices: list, platform: linux, hostRAMGB: 2048)
        #expect(hardware.devices.count == 1000)
        let runtime = try #require(catalog[RecordID<Runtime>("llama-cpp")])
        let model = try #require(catalog.models.all.max { $0.paramsB < $1.paramsB })
        let quant = try #require(FitChoices.referenceQuant(of: model, for: runtime))
        let request = FitRequest(model: model, quant: quant, runtime: runtime, contextTokens: 32768)
        let result = FitEngine.evaluate(request, on: hardware)
        Self.checkResult(result, request: request, hardware: hardware, scenario: "1000 cards")
        #expect(result.verdict != .unsupported)
        Self.checkSummary(FitEngine.summary(request, on: hardware), result, scenario: "1000 cards")
    }

    @Test("a model of ten trillion parameters: no fit anywhere in the catalog, with finite numbers")
    func modelBiggerThanTheCatalog() throws {
        let catalog = Self.catalog
        let runtime = try #require(catalog[RecordID<Runtime>("llama-cpp")])
        let base = try #require(catalog.models.all.first { !$0.isMixtureOfExperts })
        let model = Scenario.scaled(base, toParams: 1e13)
        let quant = try #require(FitChoices.referenceQuant(of: model, for: runtime))
        for combo in catalog.combos {
            guard let hardware = Hardware(combo: combo, catalog: catalog) else { continue }
            let request = FitRequest(model: model, quant: quant, runtime: runtime)
            let result = FitEngine.evaluate(request, on: hardware)
            Self.checkResult(result, request: request, hardware: hardware, scenario: "10T model on \(combo.id.raw)")
            #expect(result.verdict == .noFit || result.verdict == .unsupported, "\(combo.id.raw)")
            #expect(FitEngine.longestFittingContext(request, hardware) == nil)
        }
    }

    @Test("one token of context and ten million", arguments: [1, 10_000_000])
    func extremeContexts(tokens: Int) throws {
        let catalog = Self.catalog
        for combo in catalog.combos.all.prefix(12) {
            guard let hardware = Hardware(combo: combo, catalog: catalog) else { continue }
            for runtime in FitChoices.supportedRuntimes(of: combo, in: catalog) {
                for model in catalog.models {
                    guard let quant = FitChoices.referenceQuant(of: model, for: runtime) else { continue }
                    for kv in runtime.fit.kvCacheTypes {
                        let request = FitRequest(model: model, quant: quant, runtime: runtime, contextTokens: tokens, kvCacheType: kv)
                        let result = FitEngine.evaluate(request, on: hardware)
                        let scenario = "\(model.id.raw) with \(runtime.id.raw) on \(combo.id.raw) at \(tokens) tokens, KV \(kv.rawValue)"
                        Self.checkResult(result, request: request, hardware: hardware, scenario: scenario)
                        Self.checkSummary(FitEngine.summary(request, on: hardware), result, scenario: scenario)
                    }
                }
            }
        }
    }

    /// Found by the generated configurations: a model whose vocabulary table holds more than
    /// its whole parameter count (a record written with too small a `params_b`; the loader lets
    /// it through) gave each device a negative amount of weights under tensor parallelism with
    /// a runtime that keeps the embeddings in system RAM (weights = (file − embeddings) / n).
    @Test("a model smaller than its own vocabulary table: no negative weights on any device")
    func tablesLargerThanTheModel() throws {
        let catalog = Self.catalog
        let linux = try #require(catalog.platforms.all.first { $0.family == .linux })
        let card = try #require(catalog[RecordID<Device>("rtx-3090")])
        for base in catalog.models {
            let tables = Double(base.vocabSize) * Double(base.hiddenSize)
            // A tenth of the table, so the table is ten times the model.
            let model = Scenario.scaled(base, toParams: tables / 10)
            for runtime in catalog.runtimes {
                guard let quant = FitChoices.referenceQuant(of: model, for: runtime) else { continue }
                let footprint = ModelFootprint(model: model, quant: quant, kvCacheType: .f16)
                let held = model.tiedEmbeddings ? footprint.embeddingBytes : footprint.embeddingBytes + footprint.outputBytes
                #expect(held <= footprint.totalWeightBytes * (1 + 1e-12), "\(model.id.raw): the tables outweigh the file")
                for count in [1, 2, 4] {
                    let hardware = Hardware(devices: [(card, count)], platform: linux, hostRAMGB: 64)
                    let request = FitRequest(model: model, quant: quant, runtime: runtime)
                    let result = FitEngine.evaluate(request, on: hardware)
                    Self.checkResult(result, request: request, hardware: hardware, scenario: "\(model.id.raw) shrunk below its table, \(runtime.id.raw) on \(count) cards")
                }
            }
        }
    }

    /// Found probing the public API: `FitRequest.init` holds the context, sequences and prompt
    /// to at least 1, but setting them afterwards (as fixes and the longest-context search do)
    /// skipped that, and zero or negative counts gave a negative KV cache on every device.
    @Test("counts set on a request after it is made keep the floors init gives them", arguments: [
        (0, 1, 1, 0), (-100, 1, 1, 0), (8192, 0, 1, 0), (8192, -3, 1, 0), (8192, 1, -5, 0), (8192, 1, 1, -100), (Int.min, Int.min, Int.min, Int.min),
    ])
    func countsSetLater(context: Int, parallel: Int, prompt: Int, cached: Int) throws {
        let catalog = Self.catalog
        let card = try #require(catalog[RecordID<Device>("rtx-3090")])
        let linux = try #require(catalog.platforms.all.first { $0.family == .linux })
        let runtime = try #require(catalog[RecordID<Runtime>("llama-cpp")])
        let model = try #require(catalog.models.all.first)
        var request = FitRequest(model: model, quant: try #require(FitChoices.referenceQuant(of: model, for: runtime)), runtime: runtime)
        request.contextTokens = context
        request.parallelSequences = parallel
        request.promptTokens = prompt
        request.cachedTokens = cached
        #expect(request.contextTokens >= 1 && request.parallelSequences >= 1 && request.promptTokens >= 1 && request.cachedTokens >= 0)
        for hardware in [Hardware(devices: [(card, 1)], platform: linux, hostRAMGB: nil), Hardware(devices: [(card, 2)], platform: linux, hostRAMGB: 0)] {
            let result = FitEngine.evaluate(request, on: hardware)
            Self.checkResult(result, request: request, hardware: hardware, scenario: "context \(context), \(parallel) sequences, prompt \(prompt), cached \(cached)")
        }
    }

    // MARK: Checking one answer

    static func check(_ scenario: Scenario, catalog: Catalog) {
        let hardware = scenario.hardware(in: catalog)
        let request = scenario.request(in: catalog)
        let result = FitEngine.evaluate(request, on: hardware)
        checkResult(result, request: request, hardware: hardware, scenario: scenario.description)
        checkSummary(FitEngine.summary(request, on: hardware), result, scenario: scenario.description)
        // The brief copy a page keeps.
        let brief = result.brief()
        #expect(brief.verdict == result.verdict && brief.ledgerCount == result.ledger.count, "\(scenario)")
        // Fixes and the longest context evaluate the request many times over; on a few hundred
        // devices that is slow in a debug build, so only on smaller configurations.
        guard hardware.devices.count <= 64 else { return }
        let fixes = FitEngine.fixes(for: request, on: hardware, result: result, catalog: catalog)
        #expect(fixes.count <= 3, "\(scenario)")
        for fix in fixes {
            #expect(!fix.description.isEmpty, "\(scenario)")
            #expect(fix.result.verdict != .unsupported, "a fix that does not run is no fix: \(scenario)")
            #expect(fix.result.verdict <= result.verdict, "a fix never makes it worse: \(scenario)")
            checkNumbers(fix.result, scenario: "\(scenario), fix \(fix.description)")
        }
        if let tokens = FitEngine.longestFittingContext(request, hardware) {
            #expect(tokens >= 1024 && tokens % 1024 == 0, "\(scenario)")
        }
        #expect(FitReport(request: request, result: result, fixes: fixes).json() != "{}", "the JSON report encodes (no NaN or infinity): \(scenario)")
    }

    /// The answer is a verdict with its numbers, or unsupported with a reason.
    static func checkResult(_ result: FitResult, request: FitRequest, hardware: Hardware, scenario: String) {
        if result.verdict == .unsupported {
            #expect(!(result.unsupportedReason ?? "").isEmpty, "unsupported without a reason: \(scenario)")
            #expect(result.decode == nil && result.strategy == nil, "\(scenario)")
        } else {
            #expect(result.unsupportedReason == nil, "\(scenario)")
            #expect(result.strategy != nil, "a verdict names its strategy: \(scenario)")
            #expect(result.decode != nil, "a verdict has a decode speed: \(scenario)")
            #expect(!result.ledger.isEmpty, "a verdict has a ledger: \(scenario)")
            if let strategy = result.strategy, strategy != .tensorParallel, strategy != .multiHostTensorParallel {
                // A pipeline places every layer once, on a device or in system RAM.
                let placed = result.ledger.reduce(0) { $0 + $1.layers }
                #expect(placed == request.model.layers, "\(placed) of \(request.model.layers) layers placed: \(scenario)")
            }
            #expect(!result.bindingConstraint.isEmpty, "\(scenario)")
        }
        for refusal in result.refused {
            #expect(!(refusal.reason ?? "").isEmpty, "a refused strategy says why: \(scenario)")
        }
        for note in result.notes { #expect(!note.isEmpty, "\(scenario)") }
        checkNumbers(result, scenario: scenario)
        #expect(FitReport(request: request, result: result, fixes: []).json() != "{}", "the JSON report encodes (no NaN or infinity): \(scenario)")
    }

    static func checkNumbers(_ result: FitResult, scenario: String) {
        for speed in [result.decode, result.prefill].compactMap({ $0 }) {
            for value in [speed.tokensPerSecond, speed.atFullContext, speed.low, speed.high] {
                #expect(value.isFinite && value > 0, "speed \(value): \(scenario)")
            }
            #expect(speed.low <= speed.tokensPerSecond && speed.tokensPerSecond <= speed.high, "\(scenario)")
        }
        if let runnerUp = result.runnerUp?.decodeTokensPerSecond {
            #expect(runnerUp.isFinite && runnerUp > 0, "runner-up speed \(runnerUp): \(scenario)")
        }
        for entry in result.ledger {
            for (name, value) in [("limit", entry.limitBytes), ("margin", entry.marginBytes), ("overhead", entry.overheadBytes),
                                  ("weights", entry.weightBytes), ("KV cache", entry.kvBytes), ("buffers", entry.bufferBytes),
                                  ("usable", entry.usableBytes)] {
                #expect(value.isFinite && value >= 0, "\(entry.label) \(name) \(value): \(scenario)")
            }
            #expect(entry.headroomBytes.isFinite && entry.headroom.isFinite, "\(entry.label) headroom: \(scenario)")
            #expect(entry.layers >= 0 && entry.firstLayer >= 0, "\(entry.label) layers \(entry.firstLayer)+\(entry.layers): \(scenario)")
        }
        if result.verdict != .unsupported {
            #expect(result.minimumHeadroom.isFinite, "\(scenario)")
            if result.verdict == .fits || result.verdict == .tight { #expect(result.minimumHeadroom >= 0, "\(scenario)") }
        }
        if let footprint = result.footprint {
            for value in [footprint.totalWeightBytes, footprint.bitsPerWeight, footprint.embeddingBytes, footprint.outputBytes,
                          footprint.denseBytesPerLayer, footprint.expertBytesPerMoELayer, footprint.activeParams,
                          footprint.activeParamsPerLayer, footprint.kvBytesPerTokenFullLayer, footprint.linearStateBytesPerSequence] {
                #expect(value.isFinite && value >= 0, "footprint \(value): \(scenario)")
            }
        }
    }

    /// The summary makes the same choice as the full evaluation, with the same finite numbers.
    static func checkSummary(_ summary: FitSummary, _ result: FitResult, scenario: String) {
        #expect(summary.verdict == result.verdict, "\(scenario)")
        #expect(summary.strategy == result.strategy, "\(scenario)")
        #expect(summary.decodeTokensPerSecond == result.decode?.tokensPerSecond, "\(scenario)")
        for value in [summary.decodeTokensPerSecond, summary.decodeTokensPerSecondAtFullContext, summary.prefillTokensPerSecond].compactMap({ $0 }) {
            #expect(value.isFinite && value > 0, "summary speed \(value): \(scenario)")
        }
        #expect(!summary.minimumHeadroom.isNaN, "\(scenario)")
    }
}

/// One generated question: hardware, model, quant, runtime, context, cache, sequences, all
/// picked from the shipped catalog by twelve numbers.
struct Scenario: Sendable, CustomStringConvertible {
    static let numbers = 12

    enum Shape: Sendable { case box, machines, combo }

    /// How many devices, and which.
    let shape: Shape
    let deviceCount: Int
    let deviceKinds: Int
    let deviceSeed: Int
    let platform: Int
    let runtime: Int
    let model: Int
    let quant: Int
    /// 0 as it is; 1 its parameters multiplied up to 10^13; 2 down a thousand times; 3 every
    /// size at the smallest a record allows; 4 every size far beyond any model; 5 sizes whose
    /// products overflow a 64-bit integer (a record can hold them: the loader sets no maximum).
    let scale: Int
    let kv: Int
    let context: Int
    let parallel: Int
    let hostRAMGB: Double?
    let raisedWiredLimit: Bool
    let link: Int

    init(_ n: [Int]) {
        // Device counts: none, a few, dozens, up to a thousand (shrinking goes to none).
        let bucket = n[0] % 10
        deviceCount = switch bucket {
        case 0: 0
        case 1...5: 1 + n[1] % 8
        case 6...8: 9 + n[1] % 56
        default: 65 + n[1] % 936
        }
        shape = switch n[2] % 3 { case 0: .box; case 1: .machines; default: .combo }
        deviceKinds = 1 + n[2] / 3 % 6
        deviceSeed = n[3]
        platform = n[4]
        runtime = n[5]
        model = n[6]
        quant = n[7] / 6
        scale = n[7] % 6
        kv = n[8] % KVCacheType.allCases.count
        let contexts = [1, 2, 1023, 4096, 131_072, 1_000_000, 10_000_000, Int.max]
        context = n[9] % 2 == 0 ? contexts[n[9] / 2 % contexts.count] : 1 + n[9] / 2 % 10_000_000
        parallel = [1, 1, 1, 2, 4, 64, 1024][n[10] % 7]
        hostRAMGB = [nil, -1, 0, 0.5, 16, 64, 512, 4096][n[10] / 7 % 8]
        raisedWiredLimit = n[10] / 56 % 2 == 1
        link = n[11]
    }

    var description: String {
        "\(deviceCount) devices (\(shape), \(deviceKinds) kinds, seed \(deviceSeed)), platform \(platform), runtime \(runtime), model \(model) quant \(quant) scale \(scale), "
            + "KV \(KVCacheType.allCases[kv].rawValue), context \(context), \(parallel) sequences, host RAM \(hostRAMGB.map { "\($0) GB" } ?? "default"), raised limit \(raisedWiredLimit), link \(link)"
    }

    func pick<T>(_ list: [T], _ seed: Int) -> T { list[seed % list.count] }

    func hardware(in catalog: Catalog) -> Hardware {
        let platform = pick(catalog.platforms.all, self.platform)
        switch shape {
        case .box:
            // Several kinds of device, any kind (cards, SoCs, APUs, CPUs), sharing the count.
            let kinds = min(deviceKinds, max(deviceCount, 1))
            var list: [(Device, Int)] = []
            for k in 0..<kinds {
                let count = deviceCount / kinds + (k < deviceCount % kinds ? 1 : 0)
                guard count > 0 else { continue }
                let device = pick(catalog.devices.all, deviceSeed / (k + 1) &+ k * 7919)
                list.append((device, count))
            }
            return Hardware(devices: list, platform: platform, hostRAMGB: hostRAMGB)
        case .machines:
            // Catalog machines, linked by any interconnect, transport and shape.
            var list: [(Machine, Int, String?)] = []
            var devices = 0
            var k = 0
            while devices < deviceCount {
                let machine = pick(catalog.machines.all, deviceSeed / (k + 1) &+ k * 104_729)
                let each = max(1, machine.deviceCount)
                let count = max(1, min(8, (deviceCount - devices) / each))
                list.append((machine, count, k % 2 == 0 ? "node" : nil))
                devices += count * each
                k += 1
            }
            let link = FitLink(
                interconnect: pick(Interconnect.allCases, self.link), transport: pick(Transport.allCases, self.link / 11),
                bytesPerSecond: pick([1.0, 10, 40, 80, 400, 0, -10], self.link / 23) * 1e9 / 8, shape: pick(TopologyShape.allCases, self.link / 131))
            return Hardware(machines: list, catalog: catalog, platform: platform, link: link)
        case .combo:
            guard deviceCount > 0 else { return Hardware(devices: [], platform: platform, hostRAMGB: hostRAMGB) }
            let combo = pick(catalog.combos.all, deviceSeed)
            return Hardware(combo: combo, catalog: catalog, platform: platform)
                ?? Hardware(devices: [], platform: platform, hostRAMGB: hostRAMGB)
        }
    }

    func request(in catalog: Catalog) -> FitRequest {
        let runtime = pick(catalog.runtimes.all, self.runtime)
        var model = pick(catalog.models.all, self.model)
        switch scale {
        case 1: model = Self.scaled(model, toParams: 1e13)
        case 2: model = Self.scaled(model, toParams: model.paramsB * 1e9 / 1000)
        case 3: model = Self.reshaped(model, layers: 1, hidden: 1, heads: 1, headDim: 1, vocab: 1, context: 1, window: 1)
        case 4: model = Self.reshaped(model, layers: 1000, hidden: 65536, heads: 512, headDim: 1024, vocab: 2_000_000, context: 100_000_000, window: 1_000_000)
        case 5: model = Self.reshaped(model, layers: 1000, hidden: 4_000_000_000, heads: 4_000_000_000, headDim: 4_000_000_000, vocab: 4_000_000_000, context: Int.max, window: Int.max / 2)
        default: break
        }
        return FitRequest(
            model: model, quant: pick(model.quants, quant), runtime: runtime, contextTokens: context,
            kvCacheType: KVCacheType.allCases[kv], parallelSequences: parallel, raisedWiredLimit: raisedWiredLimit)
    }

    /// The model with every size changed, kept as the loader's checks require (experts fewer
    /// than the layers, KV heads no more than heads, the experts within the parameters).
    static func reshaped(_ model: Model, layers: Int, hidden: Int, heads: Int, headDim: Int, vocab: Int, context: Int, window: Int) -> Model {
        var model = model
        model.layers = layers
        model.hiddenSize = hidden
        model.attentionHeads = heads
        model.kvHeads = min(model.kvHeads, heads)
        model.headDim = headDim
        model.vocabSize = vocab
        model.maxContext = context
        model.slidingWindow = model.slidingWindow.map { _ in window }
        model.fullAttentionLayers = model.fullAttentionLayers.map { min($0, layers) }
        model.kvLoraRank = model.kvLoraRank.map { _ in headDim }
        model.ropeHeadDim = model.ropeHeadDim.map { _ in max(1, headDim / 8) }
        if var experts = model.experts {
            experts.denseLayers = min(experts.denseLayers, layers - 1)
            experts.expertIntermediateSize = max(1, hidden / 4)
            model.experts = experts
        }
        // Parameters at least the tables and experts hold, so the record would load.
        let floor = (Double(vocab) * Double(hidden) * 2) / 1e9 + (model.routedExpertParamsB ?? 0) * 1.01
        if model.paramsB < floor { model = scaled(model, toParams: floor * 1.1 * 1e9) }
        return model
    }

    /// The model with `params` parameters, its file sizes and active parameters scaled alike.
    static func scaled(_ model: Model, toParams params: Double) -> Model {
        var model = model
        let factor = params / (model.paramsB * 1e9)
        model.paramsB *= factor
        model.activeParamsB = model.activeParamsB.map { $0 * factor }
        model.quants = model.quants.map { quant in
            var quant = quant
            quant.fileSizeGB = quant.fileSizeGB.map { $0 * factor }
            return quant
        }
        return model
    }
}
