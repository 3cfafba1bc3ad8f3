import Catalog

/// The fit engine: for a model, a quant, a runtime and a configuration, which strategy places the
/// model, what every device holds, how fast it decodes and prefills, and why.
///
/// It enumerates the split strategies the runtime's record allows on this hardware, places the
/// model for each (per device, never a pooled sum), and keeps the fastest that fits, with the
/// runner-up. Pure and deterministic.
public enum FitEngine {
    public static func evaluate(_ request: FitRequest, on hardware: Hardware) -> FitResult {
        switch Context.make(request, hardware, explained: true) {
        case .failure(let reason):
            return FitResult(
                verdict: .unsupported, strategy: nil, unsupportedReason: reason.text, ledger: [], decode: nil, prefill: nil,
                runnerUp: nil, refused: [], notes: [], footprint: nil)
        case .success(let context):
            return context.evaluate()
        }
    }

    /// The verdict, strategy and speeds alone, without the ledger and the reasons: what a table
    /// of many configurations needs. The same choice as `evaluate` makes.
    public static func summary(_ request: FitRequest, on hardware: Hardware) -> FitSummary {
        switch Context.make(request, hardware, explained: false) {
        case .failure:
            return FitSummary(verdict: .unsupported, strategy: nil, minimumHeadroom: -1, decodeTokensPerSecond: nil,
                              decodeTokensPerSecondAtFullContext: nil, prefillTokensPerSecond: nil)
        case .success(let context):
            return context.summarize()
        }
    }
}

/// Why a runtime cannot run a request at all.
struct Unsupported: Error {
    let text: String
}

/// One way of placing the model: which devices hold which layers.
struct Plan {
    var strategy: SplitStrategy
    /// Indices into the usable devices, in pipeline order (a slice of the context's index
    /// table, so that a plan allocates nothing for its devices).
    var devices: ArraySlice<Int>
    /// Whole layers per device (layer split); empty when a single device holds every layer
    /// it runs, and ignored for tensor parallelism.
    var layerCounts: [Int] = []
    /// Layers that run on the CPU from system RAM (host of the first device).
    var cpuLayers = 0
    /// MoE layers whose routed experts live in system RAM.
    var cpuExpertLayers = 0
    var tensorParallel = false
    var transport: Transport?

    func layers(at position: Int, total: Int) -> Int {
        layerCounts.isEmpty ? total - cpuLayers : layerCounts[position]
    }
}

/// Receives the plans a context makes, one at a time.
protocol PlanVisitor {
    mutating func visit(_ plan: Plan)
}

/// What a plan puts on one device, or on a host's system RAM, in numbers only: the ledger
/// with its words is built for the chosen plan alone.
struct Load {
    /// Index into the usable devices, or nil for system RAM.
    var device: Int?
    var host: Int
    var limit: Double
    var margin: Double
    var overhead: Double
    var weights: Double
    var kv: Double
    var buffers: Double
    var first: Int
    var layers: Int

    var usable: Double { max(0, limit - margin) }
    var headroom: Double { usable > 0 ? (usable - weights - kv - buffers - overhead) / usable : -1 }
}

/// A plan evaluated, in numbers: the verdict, the smallest headroom and the speeds. The loads
/// behind it are recomputed for the plan that is shown.
struct Evaluation {
    var strategy: SplitStrategy
    var verdict: Verdict
    var minimumHeadroom: Double
    var decodeSeconds: Double
    var decodeSecondsFullContext: Double
    var prefillSecondsPerToken: Double?

    var decodeTokensPerSecond: Double { 1 / decodeSeconds }

    /// Best verdict first; among plans that fit, the fastest; among plans that do not, the
    /// closest to fitting.
    func isBetter(than other: Evaluation) -> Bool {
        if verdict != other.verdict { return verdict < other.verdict }
        if verdict == .noFit { return minimumHeadroom > other.minimumHeadroom }
        return decodeSeconds < other.decodeSeconds
    }
}

/// Collects the per-device loads of a plan while it is evaluated, or only their smallest
/// headroom when the loads are not wanted.
struct LoadSink {
    let recording: Bool
    var loads: [Load] = []
    var minimumHeadroom = Double.infinity

    init(recording: Bool) { self.recording = recording }

    mutating func add(_ load: Load, atStart: Bool = false) {
        let headroom = load.headroom
        if headroom < minimumHeadroom { minimumHeadroom = headroom }
        guard recording else { return }
        if atStart { loads.insert(load, at: 0) } else { loads.append(load) }
    }

    var verdict: Verdict {
        if minimumHeadroom == .infinity || minimumHeadroom < 0 { return .noFit }
        return minimumHeadroom >= FitConstants.comfortableHeadroom.value ? .fits : .tight
    }
}

/// What the engine knows of one device under this request: its backend, usable memory and
/// speed terms. Numbers only (no strings), so that the many reads of a plan cost nothing.
struct DeviceTerms {
    let backend: Backend
    let usable: MemoryBudget
    /// Effective read bandwidth, bytes/s.
    let bandwidth: Double
    /// Per-layer dispatch cost, s.
    let layerSeconds: Double
    /// Share of the usual speed the backend reaches here.
    let backendFactor: Double
    /// Effective prefill FLOP/s.
    let prefillFLOPS: Double?
    // The device's own, copied here so that evaluating a plan reads one table.
    let shaderFLOPS: Double?
    let host: Int
}

/// Everything computed once per request and configuration: the footprint, the devices the
/// runtime can drive, their backends, usable memory and speed terms. A class, so that
/// evaluating many plans never copies it.
final class Context {
    let model: ModelFacts
    let runtime: RuntimeFacts
    var modelName: String { model.name }
    var hiddenSize: Int { model.hiddenSize }
    var vocabSize: Int { model.vocabSize }
    var attentionHeads: Int { model.attentionHeads }
    var kvHeads: Int { model.kvHeads }
    var headDim: Int { model.headDim }
    var tiedEmbeddings: Bool { model.tiedEmbeddings }
    var isMoE: Bool { model.isMoE }
    var activeExperts: Int { model.activeExperts }
    var expertIntermediateSize: Int { model.expertIntermediateSize }
    var runtimeName: String { runtime.name }
    var embeddingsOnHost: Bool { runtime.embeddingsOnHost }
    var flashAttention: Bool { runtime.flashAttention }
    var layerSplitRule: LayerSplitRule { runtime.layerSplit }
    var tensorParallelDivides: [TensorParallelDimension] { runtime.tensorParallelDivides }
    var tensorParallelKVCacheTypes: [KVCacheType] { runtime.tensorParallelKVCacheTypes }
    var decodeFactor: Double { runtime.decodeFactor }
    var splitStrategies: [SplitStrategy] { runtime.splitStrategies }
    var multiHostSupported: Bool { runtime.multiHostSupported }
    var multiHostTransports: [Transport] { runtime.multiHostTransports }
    var rdmaNeedsFullMesh: Bool { runtime.rdmaNeedsFullMesh }
    let contextTokens: Int
    let parallelSequences: Int
    let promptTokens: Int
    let cachedTokens: Int
    /// Prompt FLOPs per token of one MoE layer's routed experts.
    let expertFLOPsPerMoELayer: Double
    let kvCacheType: KVCacheType
    let hardware: Hardware
    let footprint: ModelFootprint
    /// Devices the runtime can drive, with their backend, usable memory and speed terms.
    let devices: [FitDevice]
    let terms: [DeviceTerms]
    /// The rule that set each device's memory limit, for the ledger: empty unless `make` was
    /// asked to explain (a summary has no ledger).
    let limitRules: [LimitRule]
    /// `0..<devices.count`, as a slice that plans take their device lists from.
    let allIndices: ArraySlice<Int>
    let ubatch: Int
    let notes: [String]
    /// KV cache of one layer: at the full context for every sequence (memory), and for one
    /// sequence at the first token and at the full context (speed).
    let kvBytesPerLayerFull: Double
    let kvBytesPerLayerStart: Double
    let kvBytesPerLayerEnd: Double
    let vendorsMixed: Bool

    init(request: FitRequest, hardware: Hardware, devices: [FitDevice], terms: [DeviceTerms], limitRules: [LimitRule], notes: [String]) {
        let records = request.records
        model = records.modelFacts
        runtime = records.runtimeFacts
        contextTokens = request.contextTokens
        parallelSequences = request.parallelSequences
        promptTokens = request.promptTokens
        cachedTokens = request.cachedTokens
        expertFLOPsPerMoELayer = 2 * Double(records.modelFacts.activeExperts) * 3
            * Double(records.modelFacts.hiddenSize) * Double(records.modelFacts.expertIntermediateSize)
        kvCacheType = request.kvCacheType
        self.hardware = hardware
        footprint = records.footprint(request.kvCacheType)
        self.devices = devices
        self.terms = terms
        self.limitRules = limitRules
        self.notes = notes
        allIndices = devices.count <= Context.indexTable.count ? Context.indexTable[0..<devices.count] : ArraySlice(0..<devices.count)
        ubatch = runtime.ubatchTokens
        kvBytesPerLayerFull = footprint.kvBytesPerLayer(tokens: request.contextTokens, ubatch: ubatch) * Double(request.parallelSequences)
        kvBytesPerLayerStart = footprint.kvBytesPerLayer(tokens: 1, ubatch: ubatch)
        kvBytesPerLayerEnd = footprint.kvBytesPerLayer(tokens: request.contextTokens, ubatch: ubatch)
        let firstVendor = devices[0].vendor
        var mixed = false
        if !records.runtimeFacts.mixedVendors {
            for device in devices where device.vendor != firstVendor { mixed = true }
        }
        vendorsMixed = mixed
    }

    /// Shared device indices, so that a plan's device list is a slice rather than a new array.
    static let indexTable = Array(0..<256)

    /// Backends in order of preference when a device and a runtime share several.
    static let backendPreference: [Backend] = [.cuda, .rocm, .metal, .vulkan, .sycl, .cpu]

    /// The context of a request on some hardware, or why the runtime cannot run it at all.
    /// `explained` keeps what only a full result shows: the rule behind each device's memory
    /// limit and the notes (a summary, asked for thousands of times, would build their words
    /// for nothing).
    static func make(_ request: FitRequest, _ hardware: Hardware, explained: Bool) -> Result<Context, Unsupported> {
        let records = request.records
        let runtime = records.runtimeFacts
        guard !hardware.devices.isEmpty else { return .failure(Unsupported(text: "there are no devices to run on")) }
        for host in hardware.hosts where !runtime.platforms.contains(host.family) {
            return .failure(Unsupported(text:
                "\(runtime.name) runs on \(listing(runtime.platforms.map(\.label))), not \(host.platform.family.label)"))
        }
        guard runtime.formats.contains(records.quant.format) else {
            return .failure(Unsupported(text:
                "\(runtime.name) loads \(listing(runtime.formats.map(\.label))) weights, not \(records.quant.format.label) (\(records.quant.name))"))
        }
        guard runtime.kvCacheTypes.contains(request.kvCacheType) else {
            return .failure(Unsupported(text:
                "\(runtime.name) stores its KV cache as \(listing(runtime.kvCacheTypes.map(\.label))), not \(request.kvCacheType.label)"))
        }
        // Usually every device is usable and the hardware's own list is kept as it is.
        var devices = hardware.devices
        var dropped = false
        var terms: [DeviceTerms] = []
        terms.reserveCapacity(devices.count)
        var notes: [String] = []
        var firstDropped: FitDevice?
        var limitRules: [LimitRule] = []
        if explained { limitRules.reserveCapacity(devices.count) }
        for (position, device) in hardware.devices.enumerated() {
            let family = hardware.hosts[device.host].family
            let backend = device.os.contains(family) ? backend(for: device, offered: runtime.backends, wanted: request.backend) : nil
            guard let backend else {
                if !dropped {
                    devices = Array(hardware.devices[..<position])
                    dropped = true
                }
                if firstDropped == nil { firstDropped = device }
                if explained { notes.append(droppedNote(device, family: family, runtime: runtime)) }
                continue
            }
            if dropped { devices.append(device) }
            let usable: MemoryBudget
            if explained {
                let memory = UsableMemory.of(
                    device, in: hardware, rules: records.rules, runtimeName: runtime.name, backend: backend,
                    raisedWiredLimit: request.raisedWiredLimit)
                limitRules.append(memory.rule)
                usable = memory.budget
            } else {
                usable = UsableMemory.budget(
                    device, in: hardware, rules: records.rules, runtimeName: runtime.name, backend: backend,
                    raisedWiredLimit: request.raisedWiredLimit)
            }
            terms.append(DeviceTerms(
                backend: backend,
                usable: usable,
                bandwidth: device.decodeBandwidth,
                layerSeconds: SpeedModel.layerOverhead(device, backend: backend, rules: records.rules),
                backendFactor: SpeedModel.backendEfficiency(device, backend: backend, rules: records.rules),
                prefillFLOPS: device.effectivePrefillFLOPS,
                shaderFLOPS: device.shaderFLOPS,
                host: device.host))
        }
        guard !devices.isEmpty else {
            return .failure(Unsupported(text: firstDropped.map {
                droppedNote($0, family: hardware.hosts[$0.host].family, runtime: runtime)
            } ?? "\(runtime.name) cannot drive these devices"))
        }
        let format = records.quant.format
        if let rule = records.rules.formatBackends.first(where: { $0.format == format }),
           let other = terms.first(where: { !rule.backends.contains($0.backend) })?.backend {
            return .failure(Unsupported(text:
                "\(runtime.name) loads \(format.label) weights only on \(listing(rule.backends.map(\.label))), not \(other.label)"))
        }
        if explained, request.contextTokens > records.model.maxContext {
            notes.append("\(records.model.name) was trained for \(records.model.maxContext) tokens of context; "
                + "longer needs RoPE scaling such as YaRN where the model supports it, and quality may drop")
        }
        for host in hardware.hosts where explained && host.ramAssumed {
            notes.append("\(host.label): \(gibText(host.ramBytes / FitConstants.gibibyte)) of system RAM assumed")
            break
        }
        return .success(Context(request: request, hardware: hardware, devices: devices, terms: terms, limitRules: limitRules, notes: notes))
    }

    /// Why a device is left out: the runtime has no backend for it, or it has no driver for the OS.
    static func droppedNote(_ device: FitDevice, family: OSFamily, runtime: RuntimeFacts) -> String {
        device.os.contains(family)
            ? "\(runtime.name) has no backend for \(device.label) (\(device.name) uses \(listing(device.backends.map(\.label))))"
            : "\(device.label) (\(device.name)) has no driver for \(family.label)"
    }

    /// The backend the runtime drives a device with: the one asked for when both have it, else
    /// the first native one both have, else the CPU backend for a CPU device.
    static func backend(for device: FitDevice, offered: [Backend], wanted: Backend?) -> Backend? {
        if let wanted, device.backends.contains(wanted), offered.contains(wanted) { return wanted }
        for backend in backendPreference where backend != .cpu && device.backends.contains(backend) && offered.contains(backend) {
            return backend
        }
        return device.kind == .cpu && offered.contains(.cpu) ? .cpu : nil
    }

    // MARK: Choosing

    /// The best plan and the runner-up (the best plan of another strategy), among the plans the
    /// runtime allows, with the offload plans added only when nothing fits (even tightly) without
    /// them. Plans are evaluated as they are made and not kept: the best is named by its
    /// position, and `plan(at:)` makes it again when its ledger is wanted.
    func choose(refusals: Bool) -> Choice {
        var chooser = Chooser(context: self)
        let refused = candidatePlans(refusals: refusals, &chooser)
        // Offloading to system RAM is only worth its slower speed when nothing fits without it:
        // a borderline fit in device memory runs several times faster than an offloaded one.
        let withFallbacks = chooser.best.map { $0.verdict == .noFit } ?? true
        if withFallbacks { fallbackPlans(&chooser) }
        return Choice(
            best: chooser.best, bestPosition: chooser.bestPosition, withFallbacks: withFallbacks,
            runnerUp: chooser.runnerUp, refused: refused)
    }

    struct Choice {
        let best: Evaluation?
        /// Where the best plan came in the order plans are made.
        let bestPosition: Int
        let withFallbacks: Bool
        let runnerUp: Evaluation?
        let refused: [FitResult.Alternative]
    }

    /// Keeps the best evaluation and the best of another strategy as plans come.
    struct Chooser: PlanVisitor {
        let context: Context
        var best: Evaluation?
        var bestPosition = 0
        var runnerUp: Evaluation?
        var position = 0

        mutating func visit(_ plan: Plan) {
            defer { position += 1 }
            let evaluation = context.evaluate(plan)
            guard let current = best else {
                best = evaluation
                return
            }
            if evaluation.isBetter(than: current) {
                // The old best was better than every earlier plan, so it is the runner-up unless
                // it has the new best's strategy (then the runner-up stands).
                if current.strategy != evaluation.strategy { runnerUp = current }
                best = evaluation
                bestPosition = position
            } else if evaluation.strategy != current.strategy, runnerUp.map({ evaluation.isBetter(than: $0) }) ?? true {
                runnerUp = evaluation
            }
        }
    }

    /// Finds the plan made at a position.
    struct PlanFinder: PlanVisitor {
        let position: Int
        var current = 0
        var found: Plan?

        mutating func visit(_ plan: Plan) {
            if current == position { found = plan }
            current += 1
        }
    }

    /// The plan `choose` made at `position`, made again.
    func plan(at position: Int, withFallbacks: Bool) -> Plan? {
        var finder = PlanFinder(position: position)
        _ = candidatePlans(refusals: false, &finder)
        if finder.found == nil, withFallbacks { fallbackPlans(&finder) }
        return finder.found
    }

    /// The verdict, strategy and speeds alone: what a table of many configurations needs.
    func summarize() -> FitSummary {
        guard let best = choose(refusals: false).best else {
            return FitSummary(verdict: .unsupported, strategy: nil, minimumHeadroom: -1, decodeTokensPerSecond: nil,
                              decodeTokensPerSecondAtFullContext: nil, prefillTokensPerSecond: nil)
        }
        return FitSummary(
            verdict: best.verdict, strategy: best.strategy, minimumHeadroom: best.minimumHeadroom,
            decodeTokensPerSecond: decodeFactor / best.decodeSeconds,
            decodeTokensPerSecondAtFullContext: decodeFactor / best.decodeSecondsFullContext,
            prefillTokensPerSecond: best.prefillSecondsPerToken.map { 1 / $0 })
    }

    func evaluate() -> FitResult {
        let choice = choose(refusals: true)
        guard let best = choice.best, let plan = plan(at: choice.bestPosition, withFallbacks: choice.withFallbacks) else {
            return FitResult(
                verdict: .unsupported, strategy: nil,
                unsupportedReason: choice.refused.first?.reason ?? "\(runtimeName) offers no strategy for this hardware",
                ledger: [], decode: nil, prefill: nil, runnerUp: nil, refused: choice.refused, notes: notes, footprint: footprint)
        }
        let factor = decodeFactor
        return FitResult(
            verdict: best.verdict, strategy: best.strategy, unsupportedReason: nil, ledger: ledger(plan),
            decode: SpeedEstimate(factor / best.decodeSeconds, atFullContext: factor / best.decodeSecondsFullContext),
            prefill: best.prefillSecondsPerToken.map { SpeedEstimate(1 / $0) },
            runnerUp: choice.runnerUp.map {
                FitResult.Alternative(strategy: $0.strategy, verdict: $0.verdict, decodeTokensPerSecond: $0.decodeTokensPerSecond, refusal: nil)
            },
            refused: choice.refused, notes: notes + planNotes(plan), footprint: footprint)
    }

    private func planNotes(_ plan: Plan) -> [String] {
        var notes: [String] = []
        if let transport = plan.transport, let link = hardware.link, transport != link.transport {
            notes.append("\(runtimeName) carries this split over \(transport.label) on the \(link.interconnect.label) link, not \(link.transport.label)")
        }
        return notes
    }

    // MARK: Candidates

    /// The plans the runtime allows here and, when asked, the strategies it offers that cannot
    /// be used, with why. Offload plans come from `fallbackPlans`, built only when needed.
    func candidatePlans(refusals: Bool, _ visitor: inout some PlanVisitor) -> [FitResult.Alternative] {
        var refused: [FitResult.Alternative] = []
        func refuse(_ strategy: SplitStrategy, _ refusal: @autoclosure () -> Refusal) {
            guard refusals else { return }
            refused.append(FitResult.Alternative(strategy: strategy, verdict: .unsupported, decodeTokensPerSecond: nil, refusal: refusal()))
        }
        let allowed = splitStrategies
        let hostCount = hardware.hostCount
        let all = allIndices
        let vendors = { Set(self.devices.map(\.vendor)).sorted() }

        // One device alone: every runtime can do that. Each distinct device once.
        for index in all where !all[..<index].contains(where: { devices[$0].id == devices[index].id }) {
            visitor.visit(Plan(strategy: .singleDevice, devices: all[index...index]))
        }

        if hostCount == 1, devices.count > 1 {
            if allowed.contains(.layerSplit) {
                if vendorsMixed {
                    refuse(.layerSplit, .mixedVendors(runtime: runtimeName, vendors: vendors()))
                } else {
                    visitor.visit(layerSplitPlan(.layerSplit, all))
                }
            }
            if allowed.contains(.tensorParallel) {
                if let refusal = tensorParallelRefusal(devices.count)
                    ?? (vendorsMixed ? Refusal.mixedVendors(runtime: runtimeName, vendors: vendors()) : nil) {
                    refuse(.tensorParallel, refusal)
                } else {
                    visitor.visit(Plan(strategy: .tensorParallel, devices: all, tensorParallel: true))
                }
            }
        }
        if hostCount == 1, !vendorsMixed, allowed.contains(.moeExpertOffload), !isMoE, devices.contains(where: { !$0.isUnified }) {
            refuse(.moeExpertOffload, .denseModel(model: modelName))
        }
        if hostCount > 1 {
            if !multiHostSupported {
                refuse(.multiHostPipeline, .singleMachine(runtime: runtimeName, machines: hostCount))
            }
            if multiHostSupported, allowed.contains(.multiHostPipeline) {
                if let transport = transport(forTensorParallel: false) {
                    var plan = layerSplitPlan(.multiHostPipeline, all)
                    plan.transport = transport
                    visitor.visit(plan)
                } else {
                    refuse(.multiHostPipeline, .link(
                        runtime: runtimeName, link: hardware.link.map { "\($0.interconnect.label) \($0.transport.label)" } ?? "this link"))
                }
            }
            if multiHostSupported, allowed.contains(.multiHostTensorParallel) {
                if let refusal = tensorParallelRefusal(devices.count) {
                    refuse(.multiHostTensorParallel, refusal)
                } else if let transport = transport(forTensorParallel: true) {
                    visitor.visit(Plan(strategy: .multiHostTensorParallel, devices: all, tensorParallel: true, transport: transport))
                } else {
                    refuse(.multiHostTensorParallel, .tensorParallelLink(runtime: runtimeName))
                }
            }
        }
        return refused
    }

    /// Plans that put part of the model in system RAM: CPU layers, or the experts of MoE layers.
    /// Only for one machine of discrete GPUs of one vendor.
    func fallbackPlans(_ visitor: inout some PlanVisitor) {
        guard hardware.hostCount == 1, !vendorsMixed else { return }
        let gpus = devices.allSatisfy { !$0.isUnified } ? allIndices : ArraySlice(allIndices.filter { !devices[$0].isUnified })
        guard !gpus.isEmpty else { return }
        if splitStrategies.contains(.cpuLayerOffload) { visitor.visit(offloadPlan(gpus)) }
        if splitStrategies.contains(.moeExpertOffload), isMoE { visitor.visit(expertOffloadPlan(gpus)) }
    }

    /// Why tensor parallelism over `count` devices is refused, or nil when it is allowed.
    func tensorParallelRefusal(_ count: Int) -> Refusal? {
        if runtime.tensorParallelExcludes.contains(model.attention) {
            return .attentionForTensorParallel(runtime: runtimeName, model: modelName, attention: model.attention)
        }
        let backends = runtime.tensorParallelBackends
        if !backends.isEmpty, let other = terms.first(where: { !backends.contains($0.backend) })?.backend {
            return .backendForTensorParallel(runtime: runtimeName, backend: other, backends: backends)
        }
        for dimension in tensorParallelDivides {
            let value = switch dimension {
            case .attentionHeads: attentionHeads
            case .kvHeads: kvHeads
            case .hiddenSize: hiddenSize
            }
            if value % count != 0 {
                return .indivisible(model: modelName, value: value, dimension: dimension, devices: count)
            }
        }
        if !tensorParallelKVCacheTypes.contains(kvCacheType) {
            return .kvCacheForTensorParallel(runtime: runtimeName, types: tensorParallelKVCacheTypes)
        }
        return nil
    }

    /// The transport the runtime uses between machines: the link's own when the runtime and the
    /// platform support it, else TCP/IP over the same cables when the runtime can use that.
    func transport(forTensorParallel: Bool) -> Transport? {
        // A link that carries nothing (a bandwidth of zero or less, which no record or option
        // accepts but the API does) carries no split: speeds over it came out zero or negative.
        guard let link = hardware.link, link.bytesPerSecond > 0 else { return nil }
        let supported = multiHostTransports
        if link.transport == .rdma, supported.contains(.rdma) {
            let meshOK = !rdmaNeedsFullMesh || link.shape == .fullMesh
            let platformOK = link.interconnect != .thunderbolt5 || hardware.hosts.allSatisfy(\.rdmaOverThunderbolt5)
            if meshOK, platformOK { return .rdma }
        }
        if link.transport == .tcpIP || [.thunderbolt4, .thunderbolt5, .usb4, .ethernet].contains(link.interconnect),
           supported.contains(.tcpIP) {
            return .tcpIP
        }
        return nil
    }

    // MARK: Placement

    /// Fixed costs a device carries besides its layers: runtime overhead, compute buffers, and
    /// the output layer (last device) or embedding (first device, unless kept in system RAM).
    func fixedBytes(device index: Int, first: Bool, last: Bool, holdsExperts: Bool) -> (weights: Double, buffers: Double) {
        var weights = 0.0
        if last { weights += footprint.outputBytes }
        if first, !embeddingsOnHost, !(tiedEmbeddings && last) { weights += footprint.embeddingBytes }
        let hidden = Double(hiddenSize)
        var buffers = FitConstants.computeBufferBytesPerValue.value * Double(ubatch)
            * (last ? hidden + Double(vocabSize) : 4 * hidden)
        if !flashAttention {
            // The attention scores of one ubatch against the whole context, for every query head.
            buffers += FitConstants.computeBufferBytesPerValue.value * Double(ubatch)
                * Double(contextTokens) * Double(parallelSequences) * Double(attentionHeads)
        }
        if holdsExperts, isMoE {
            buffers += FitConstants.computeBufferBytesPerValue.value * Double(ubatch) * Double(activeExperts) * Double(expertIntermediateSize)
        }
        return (weights, buffers)
    }

    /// A layer split over the given devices, by the runtime's rule, repaired so that no device
    /// holds more layers than fit while another has room.
    func layerSplitPlan(_ strategy: SplitStrategy, _ indices: ArraySlice<Int>) -> Plan {
        let layers = footprint.layers
        let perLayer = footprint.totalWeightBytes / Double(layers) + kvBytesPerLayerFull
        if layerSplitRule == .even {
            return Plan(strategy: strategy, devices: indices, layerCounts: Placement.even(layers, over: indices.count))
        }
        // Each device's room, in a scratch buffer rather than an array (see `Placement`).
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: indices.count) { room in
            for (position, index) in indices.enumerated() {
                let fixed = fixedBytes(device: index, first: position == 0, last: position == indices.count - 1, holdsExperts: isMoE)
                room.initializeElement(at: position, to: max(0, terms[index].usable.capacityBytes - fixed.weights - fixed.buffers))
            }
            var counts = Placement.proportional(layers, weights: room)
            let layerBytes = max(perLayer, 1)
            Placement.repair(&counts) { wholeCount(room[$0] / layerBytes) }
            return Plan(strategy: strategy, devices: indices, layerCounts: counts)
        }
    }

    /// Room for layers on a device in an offload plan: its capacity after fixed costs, less
    /// the comfortable headroom, since an offload plan can always leave that much free.
    func offloadRoom(_ index: Int, first: Bool, last: Bool, holdsExperts: Bool) -> Double {
        let fixed = fixedBytes(device: index, first: first, last: last, holdsExperts: holdsExperts)
        let headroom = terms[index].usable.usableBytesForVerdict * FitConstants.comfortableHeadroom.value
        return max(0, terms[index].usable.capacityBytes - fixed.weights - fixed.buffers - headroom)
    }

    /// Whole layers a device can hold in an offload plan, at the average layer size.
    func maximumLayers(_ index: Int, first: Bool, last: Bool) -> Int {
        let perLayer = max(footprint.totalWeightBytes / Double(footprint.layers) + kvBytesPerLayerFull, 1)
        return wholeCount(offloadRoom(index, first: first, last: last, holdsExperts: isMoE) / perLayer)
    }

    /// GPUs take the layers that fit; the rest run on the CPU from system RAM (llama.cpp `-ngl`).
    func offloadPlan(_ gpus: ArraySlice<Int>) -> Plan {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: gpus.count) { maxima in
            for (position, index) in gpus.enumerated() {
                maxima.initializeElement(at: position, to: maximumLayers(index, first: false, last: position == gpus.count - 1))
            }
            let onGPU = min(footprint.layers, maxima.reduce(0, +))
            var counts = Placement.proportional(onGPU, weights: maxima.lazy.map(Double.init))
            Placement.repair(&counts) { maxima[$0] }
            return Plan(strategy: .cpuLayerOffload, devices: gpus, layerCounts: counts, cpuLayers: footprint.layers - counts.reduce(0, +))
        }
    }

    /// Every layer's attention, norms and KV on the GPUs; the routed experts of the first MoE
    /// layers in system RAM, as few as make the rest fit (llama.cpp `--n-cpu-moe N`).
    func expertOffloadPlan(_ gpus: ArraySlice<Int>) -> Plan {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: gpus.count) { rooms in
            for (position, index) in gpus.enumerated() {
                rooms.initializeElement(
                    at: position, to: offloadRoom(index, first: position == 0, last: position == gpus.count - 1, holdsExperts: true))
            }
            return expertOffloadPlan(gpus, rooms: UnsafeBufferPointer(rooms))
        }
    }

    private func expertOffloadPlan(_ gpus: ArraySlice<Int>, rooms: UnsafeBufferPointer<Double>) -> Plan {
        // What the layers hold (the per-layer costs below add up to it): the weights less the
        // tables the devices' fixed costs carry, one table when embeddings are tied. The first
        // guess of experts to move is a lower bound; the loop moves more until every card fits.
        let tables = tiedEmbeddings ? footprint.embeddingBytes : footprint.embeddingBytes + footprint.outputBytes
        let everything = footprint.totalWeightBytes - tables + kvBytesPerLayerFull * Double(footprint.layers)
        let excess = everything - rooms.reduce(0, +)
        let expertLayer = max(footprint.expertBytesPerMoELayer, 1)
        var offloaded = min(footprint.moeLayers, wholeCount(excess / expertLayer, .up))
        // Layers whose experts stay in RAM are light: divide the layers by what each one costs.
        var cutoff = footprint.layers - footprint.moeLayers + offloaded
        var costs = [Double](repeating: footprint.denseBytesPerLayer + kvBytesPerLayerFull, count: footprint.layers)
        for layer in cutoff..<footprint.layers { costs[layer] += footprint.expertBytesPerMoELayer }
        var counts = [Int](repeating: 0, count: rooms.count)
        while true {
            Placement.contiguous(costs: costs, capacities: rooms, into: &counts)
            // Whole layers do not split evenly; send one more layer's experts to RAM until every card has room.
            var start = 0
            var overflows = false
            for (device, count) in counts.enumerated() {
                if costs[start..<(start + count)].reduce(0, +) > rooms[device] { overflows = true }
                start += count
            }
            if !overflows || offloaded >= footprint.moeLayers {
                return Plan(strategy: .moeExpertOffload, devices: gpus, layerCounts: counts, cpuExpertLayers: offloaded)
            }
            offloaded += 1
            costs[cutoff] -= footprint.expertBytesPerMoELayer
            cutoff += 1
        }
    }

    // MARK: Evaluation

    /// Evaluates a plan in numbers.
    func evaluate(_ plan: Plan) -> Evaluation {
        var sink = LoadSink(recording: false)
        return evaluate(plan, sink: &sink)
    }

    /// Evaluates a plan, recording in `sink` what it puts on each device.
    func evaluate(_ plan: Plan, sink: inout LoadSink) -> Evaluation {
        plan.tensorParallel ? evaluateTensorParallel(plan, &sink) : evaluateLayerSplit(plan, &sink)
    }

    private func load(_ index: Int, weights: Double, kv: Double, buffers: Double, first: Int, layers: Int) -> Load {
        let memory = terms[index].usable
        return Load(
            device: index, host: terms[index].host, limit: memory.limitBytes, margin: memory.marginBytes,
            overhead: memory.overheadBytes, weights: weights, kv: kv, buffers: buffers, first: first, layers: layers)
    }

    /// The ledger of a plan, in words: labels, the rules that set each limit, notes.
    func ledger(_ plan: Plan) -> [DeviceLedger] {
        var sink = LoadSink(recording: true)
        _ = evaluate(plan, sink: &sink)
        return sink.loads.map { load in
            if let index = load.device {
                let device = devices[index]
                var note: String?
                if plan.tensorParallel {
                    note = "1/\(plan.devices.count) of every layer"
                } else if plan.cpuExpertLayers > 0, load.layers > 0 {
                    note = "experts of the first \(plan.cpuExpertLayers) MoE layers are in system RAM"
                }
                return DeviceLedger(
                    label: device.label, deviceName: device.name, isHostRAM: false, limitBytes: load.limit, rule: limitRules[index],
                    marginBytes: load.margin, overheadBytes: load.overhead, weightBytes: load.weights, kvBytes: load.kv,
                    bufferBytes: load.buffers, firstLayer: load.first, layers: load.layers, note: note)
            }
            let host = hardware.hosts[load.host]
            let unifiedUse = devices.indices.filter { devices[$0].host == load.host && devices[$0].isUnified }
                .reduce(0.0) { $0 + terms[$1].usable.limitBytes }
            let experts = max(0, min(plan.cpuExpertLayers, footprint.moeLayers))
            return DeviceLedger(
                label: "System RAM", deviceName: host.label, isHostRAM: true, limitBytes: load.limit,
                rule: .hostRAM(platform: host.platform.name, memoryGiB: host.ramBytes / FitConstants.gibibyte,
                               reserveGiB: host.platform.osReserveGB, unifiedGiB: unifiedUse / FitConstants.gibibyte),
                marginBytes: 0, overheadBytes: 0, weightBytes: load.weights, kvBytes: load.kv, bufferBytes: 0,
                firstLayer: 0, layers: load.layers, note: experts > 0 ? "routed experts of \(experts) MoE layers" : nil)
        }
    }

    func evaluateLayerSplit(_ plan: Plan, _ sink: inout LoadSink) -> Evaluation {
        let kvFullPerLayer = kvBytesPerLayerFull
        let kvStartPerLayer = kvBytesPerLayerStart
        let kvEndPerLayer = kvBytesPerLayerEnd
        var layer = plan.cpuLayers
        var seconds = 0.0
        var secondsFull = 0.0
        var prefill: Double? = 0
        let expertCutoff = footprint.layers - footprint.moeLayers + plan.cpuExpertLayers
        let prefillFLOPsPerLayer = prefillFLOPsPerLayer()

        for (position, index) in plan.devices.enumerated() {
            let count = plan.layers(at: position, total: footprint.layers)
            let first = position == 0 && plan.cpuLayers == 0
            let last = position == plan.devices.count - 1
            // MoE layers are the last `moeLayers`; those below the cutoff keep their experts in RAM.
            let moeStart = footprint.layers - footprint.moeLayers
            let moeHere = max(0, (layer + count) - max(layer, moeStart))
            let expertsOnGPU = max(0, (layer + count) - max(layer, moeStart, expertCutoff))
            let expertsHere = expertsOnGPU > 0
            var weights = Double(count) * footprint.denseBytesPerLayer + Double(expertsOnGPU) * footprint.expertBytesPerMoELayer
            var read = Double(count) * footprint.denseBytesPerLayer
                + Double(expertsOnGPU) * footprint.expertBytesPerMoELayer * footprint.expertActiveShare / FitConstants.expertReadEfficiency.value
            let fixed = fixedBytes(device: index, first: first, last: last, holdsExperts: expertsHere)
            weights += fixed.weights
            if last { read += footprint.outputBytes }
            let kv = kvFullPerLayer * Double(count)
            sink.add(load(index, weights: weights, kv: kv, buffers: fixed.buffers, first: layer, layers: count))
            let active = footprint.activeParamsPerLayer * Double(count) + (last ? Double(vocabSize) * Double(hiddenSize) : 0)
            seconds += decodeSeconds(index, read: read, kv: kvStartPerLayer * Double(count), layers: count, moeLayers: moeHere, active: active)
            secondsFull += decodeSeconds(index, read: read, kv: kvEndPerLayer * Double(count), layers: count, moeLayers: moeHere, active: active)
            if let flops = terms[index].prefillFLOPS, let sum = prefill {
                prefill = sum + (prefillFLOPsPerLayer * Double(count) + (last ? 2 * Double(vocabSize) * Double(hiddenSize) : 0)
                    + expertPrefillPenalty(index) * Double(moeHere)) / flops
            } else {
                prefill = nil
            }
            layer += count
        }

        // System RAM: CPU layers and offloaded experts, when there are any.
        if plan.cpuLayers > 0 || plan.cpuExpertLayers > 0, let firstDevice = plan.devices.first {
            let hostIndex = devices[firstDevice].host
            let host = hardware.hosts[hostIndex]
            var weights = 0.0
            var read = 0.0
            for l in 0..<plan.cpuLayers {
                weights += footprint.weightBytes(layer: l)
                read += footprint.bytesReadPerToken(layer: l)
            }
            let moeStart = footprint.layers - footprint.moeLayers
            let offloadedExperts = max(0, min(plan.cpuExpertLayers, footprint.moeLayers))
            for l in moeStart..<(moeStart + offloadedExperts) where l >= plan.cpuLayers {
                weights += footprint.expertBytesPerMoELayer
                read += footprint.expertBytesPerMoELayer * footprint.expertActiveShare / FitConstants.expertReadEfficiency.value
            }
            if embeddingsOnHost { weights += footprint.embeddingBytes }
            var unifiedUse = 0.0
            for index in devices.indices where devices[index].host == hostIndex && devices[index].isUnified {
                unifiedUse += terms[index].usable.limitBytes
            }
            let limit = max(0, host.ramBytes - (host.osReserveGB + FitConstants.hostProcessMemory.value) * FitConstants.gibibyte - unifiedUse)
            let kv = kvFullPerLayer * Double(plan.cpuLayers)
            sink.add(Load(
                device: nil, host: hostIndex, limit: limit, margin: 0, overhead: 0, weights: weights, kv: kv, buffers: 0,
                first: 0, layers: plan.cpuLayers), atStart: true)
            let cpuSeconds = SpeedModel.cpuDecodeSeconds(host, bytesRead: read + kvStartPerLayer * Double(plan.cpuLayers), layers: plan.cpuLayers)
            seconds += cpuSeconds
            secondsFull += SpeedModel.cpuDecodeSeconds(host, bytesRead: read + kvEndPerLayer * Double(plan.cpuLayers), layers: plan.cpuLayers)
            // Prompt processing copies offloaded weights to the GPU once per ubatch.
            if let sum = prefill, let gpu = plan.devices.first {
                let copyBandwidth = (devices[gpu].hostLinkBytesPerSecond ?? 16e9) * FitConstants.pcieEfficiency.value
                prefill = sum + weights / copyBandwidth / Double(ubatch)
            }
        }

        // Hops between consecutive devices: inside a machine, or across the link.
        let hops = hopSeconds(plan.devices, transport: plan.transport)
        seconds += hops
        secondsFull += hops
        return Evaluation(
            strategy: plan.strategy, verdict: sink.verdict, minimumHeadroom: sink.minimumHeadroom, decodeSeconds: seconds,
            decodeSecondsFullContext: secondsFull, prefillSecondsPerToken: prefill)
    }

    func evaluateTensorParallel(_ plan: Plan, _ sink: inout LoadSink) -> Evaluation {
        let n = Double(plan.devices.count)
        let layers = footprint.layers
        // KV heads shard across devices; with more devices than heads each keeps one head. A
        // latent (MLA) cache belongs to no head: every device keeps all of it (vLLM and SGLang
        // replicate it under tensor parallelism; only data-parallel attention divides it).
        let kvShare = model.attention == .mla ? 1 : Double(max(1, kvHeads / plan.devices.count)) / Double(kvHeads)
        let weights = (footprint.totalWeightBytes - (embeddingsOnHost ? footprint.embeddingBytes : 0)) / n
        let kv = kvBytesPerLayerFull * Double(layers) * kvShare
        var seconds = 0.0
        var secondsFull = 0.0
        var prefill: Double? = 0
        let read = (Double(layers) * footprint.denseBytesPerLayer
            + Double(footprint.moeLayers) * footprint.expertBytesPerMoELayer * footprint.expertActiveShare / FitConstants.expertReadEfficiency.value
            + footprint.outputBytes) / n
        let kvStart = kvBytesPerLayerStart * Double(layers) * kvShare
        let kvEnd = kvBytesPerLayerEnd * Double(layers) * kvShare
        let active = footprint.activeParams / n
        let prefillFLOPs = (prefillFLOPsPerLayer() * Double(layers) + 2 * Double(vocabSize) * Double(hiddenSize)) / n
        let expertFLOPs = Double(footprint.moeLayers) / n
        for index in plan.devices {
            let fixed = fixedBytes(device: index, first: false, last: true, holdsExperts: isMoE)
            sink.add(load(index, weights: weights, kv: kv, buffers: fixed.buffers, first: 0, layers: layers))
            seconds = max(seconds, decodeSeconds(index, read: read, kv: kvStart, layers: layers, moeLayers: footprint.moeLayers, active: active))
            secondsFull = max(secondsFull, decodeSeconds(index, read: read, kv: kvEnd, layers: layers, moeLayers: footprint.moeLayers, active: active))
            if let flops = terms[index].prefillFLOPS, let current = prefill {
                prefill = max(current, (prefillFLOPs + expertFLOPs * expertPrefillPenalty(index)) / flops)
            } else {
                prefill = nil
            }
        }
        // Two all-reduces per layer per token, over the machine's links or the network.
        let host = hardware.hostCount == 1 ? hardware.hosts[0] : nil
        let link = hardware.hostCount > 1 ? hardware.link : nil
        let allReduce = SpeedModel.allReduceSeconds(
            devices: plan.devices.count, hiddenSize: hiddenSize, inside: host, between: link, transport: plan.transport)
        seconds += 2 * Double(layers) * allReduce
        secondsFull += 2 * Double(layers) * allReduce
        if let current = prefill {
            // During prefill the all-reduces carry a ubatch of activations each.
            let bandwidth = link?.bytesPerSecond ?? (host?.deviceLink?.bandwidthGBs ?? 16) * FitConstants.gigabyte
            let payload = 2 * (n - 1) / n * Double(hiddenSize) * 2
            prefill = current + 2 * Double(layers) * (allReduce / Double(ubatch) + payload / bandwidth)
        }
        return Evaluation(
            strategy: plan.strategy, verdict: sink.verdict, minimumHeadroom: sink.minimumHeadroom, decodeSeconds: seconds,
            decodeSecondsFullContext: secondsFull, prefillSecondsPerToken: prefill)
    }

    /// Seconds for one device's share of a decode step (`SpeedModel`'s formula, with this
    /// request's per-device terms).
    @inline(__always)
    func decodeSeconds(_ index: Int, read: Double, kv: Double, layers: Int, moeLayers: Int, active: Double) -> Double {
        let terms = terms[index]
        var seconds = (read + kv) / terms.bandwidth + Double(layers) * terms.layerSeconds
            + Double(moeLayers) * FitConstants.layerOverheadMoE.value * 1e-6
        if let shader = terms.shaderFLOPS {
            seconds += 2 * active / (FitConstants.computeEfficiency.value * shader)
        }
        return seconds / terms.backendFactor
    }

    /// Extra FLOP-equivalents per MoE layer per prompt token on this device: its routed-expert
    /// FLOPs run at `K_pp,moe` of its throughput on tensor-core backends.
    func expertPrefillPenalty(_ index: Int) -> Double {
        guard isMoE, terms[index].backend == .cuda || terms[index].backend == .rocm else { return 0 }
        return expertFLOPsPerMoELayer * (1 / FitConstants.prefillExpertEfficiency.value - 1)
    }

    /// Prompt FLOPs per layer per token: 2 per active parameter, plus attention over what is
    /// already cached and the half-filled prompt (4 · heads · head dim per attended token),
    /// capped by a sliding window.
    func prefillFLOPsPerLayer() -> Double {
        let position = Double(cachedTokens) + Double(promptTokens) / 2
        let attended = footprint.slidingWindowTokens.map { min(position, Double($0)) } ?? position
        let fullShare = Double(footprint.fullAttentionLayers) / Double(footprint.layers)
        let attentionPerToken = 4 * Double(attentionHeads) * Double(headDim)
            * (fullShare * position + (1 - fullShare) * (footprint.slidingWindowTokens == nil ? 0 : attended))
        return 2 * footprint.activeParamsPerLayer + attentionPerToken
    }

    /// Total hop time of a pipeline over these devices in order.
    func hopSeconds(_ indices: ArraySlice<Int>, transport: Transport?) -> Double {
        var total = 0.0
        // Consecutive pairs by position (zipping the slice with itself retained it for each pair).
        var position = indices.startIndex
        while position + 1 < indices.endIndex {
            let hostA = devices[indices[position]].host
            let hostB = devices[indices[position + 1]].host
            position += 1
            if hostA == hostB {
                total += SpeedModel.hopSeconds(inside: hardware.hosts[hostA], between: nil, transport: nil, hiddenSize: hiddenSize)
            } else {
                total += SpeedModel.hopSeconds(inside: nil, between: hardware.link, transport: transport, hiddenSize: hiddenSize)
            }
        }
        return total
    }
}
