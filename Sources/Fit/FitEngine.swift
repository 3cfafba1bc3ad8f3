import Catalog

/// The fit engine: for a model, a quant, a runtime and a configuration, which strategy places the
/// model, what every device holds, how fast it decodes and prefills, and why.
///
/// It enumerates the split strategies the runtime's record allows on this hardware, places the
/// model for each (per device, never a pooled sum), and keeps the fastest that fits, with the
/// runner-up. Pure and deterministic.
public enum FitEngine {
    public static func evaluate(_ request: FitRequest, on hardware: Hardware) -> FitResult {
        switch Context.make(request, hardware) {
        case .failure(let reason):
            return FitResult(
                verdict: .unsupported, strategy: nil, unsupportedReason: reason.text, ledger: [], decode: nil, prefill: nil,
                runnerUp: nil, refused: [], notes: [], footprint: nil)
        case .success(let context):
            return context.evaluate()
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
    /// Indices into the usable devices, in pipeline order.
    var devices: [Int]
    /// Whole layers per device (layer split); ignored for tensor parallelism.
    var layerCounts: [Int] = []
    /// Layers that run on the CPU from system RAM (host of the first device).
    var cpuLayers = 0
    /// MoE layers whose routed experts live in system RAM.
    var cpuExpertLayers = 0
    var tensorParallel = false
    var transport: Transport?
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

/// A plan evaluated: what each device holds, the verdict and the speeds.
struct Evaluation {
    var plan: Plan
    var loads: [Load]
    var verdict: Verdict
    var decodeSeconds: Double
    var decodeSecondsFullContext: Double
    var prefillSecondsPerToken: Double?

    var decodeTokensPerSecond: Double { 1 / decodeSeconds }
    var minimumHeadroom: Double {
        var worst = Double.infinity
        for load in loads where load.headroom < worst { worst = load.headroom }
        return loads.isEmpty ? -1 : worst
    }
}

/// Everything computed once per request: the footprint, the devices the runtime can drive,
/// their backends, usable memory and speed terms. A class, so that evaluating many plans never
/// copies the request's records.
final class Context {
    // What evaluation needs of the request, copied out once: copying the records themselves
    // (dozens of strings and arrays each) would dominate the cost of a verdict.
    let modelName: String
    let hiddenSize: Int
    let vocabSize: Int
    let attentionHeads: Int
    let kvHeads: Int
    let headDim: Int
    let tiedEmbeddings: Bool
    let isMoE: Bool
    let activeExperts: Int
    let expertIntermediateSize: Int
    let runtimeName: String
    let embeddingsOnHost: Bool
    let flashAttention: Bool
    let layerSplitRule: LayerSplitRule
    let tensorParallelDivides: [TensorParallelDimension]
    let tensorParallelKVCacheTypes: [KVCacheType]
    let decodeFactor: Double
    let splitStrategies: [SplitStrategy]
    let multiHostSupported: Bool
    let multiHostTransports: [Transport]
    let rdmaNeedsFullMesh: Bool
    let contextTokens: Int
    let parallelSequences: Int
    let promptTokens: Int
    let kvCacheType: KVCacheType
    let hardware: Hardware
    let footprint: ModelFootprint
    /// Devices the runtime can drive, with their backend and usable memory.
    let devices: [FitDevice]
    let backends: [Backend]
    let usable: [UsableMemory]
    let ubatch: Int
    let notes: [String]
    /// Per device: effective read bandwidth (bytes/s), per-layer cost (s), backend factor, prefill FLOP/s.
    let effectiveBandwidth: [Double]
    let layerSeconds: [Double]
    let backendFactor: [Double]
    let prefillFLOPS: [Double?]
    /// KV cache of one layer: at the full context for every sequence (memory), and for one
    /// sequence at the first token and at the full context (speed).
    let kvBytesPerLayerFull: Double
    let kvBytesPerLayerStart: Double
    let kvBytesPerLayerEnd: Double
    let vendorsMixed: Bool
    let mixedVendorsAllowed: Bool

    init(request: FitRequest, hardware: Hardware, devices: [FitDevice], backends: [Backend], usable: [UsableMemory], notes: [String]) {
        // Read field by field: binding the whole record would copy every string and array in it.
        modelName = request.records.model.name
        hiddenSize = request.records.model.hiddenSize
        vocabSize = request.records.model.vocabSize
        attentionHeads = request.records.model.attentionHeads
        kvHeads = request.records.model.kvHeads
        headDim = request.records.model.headDim
        tiedEmbeddings = request.records.model.tiedEmbeddings
        isMoE = request.records.model.isMixtureOfExperts
        activeExperts = request.records.model.experts?.active ?? 0
        expertIntermediateSize = request.records.model.experts?.expertIntermediateSize ?? 0
        runtimeName = request.records.runtime.name
        embeddingsOnHost = request.records.runtime.fit.embeddingsOnHost
        flashAttention = request.records.runtime.fit.flashAttention
        layerSplitRule = request.records.runtime.fit.layerSplit
        tensorParallelDivides = request.records.runtime.fit.tensorParallelDivides
        tensorParallelKVCacheTypes = request.records.runtime.fit.tensorParallelKVCacheTypes
        decodeFactor = request.records.runtime.fit.decodeFactor ?? 1
        splitStrategies = request.records.runtime.splitStrategies
        multiHostSupported = request.records.runtime.multiHost.supported
        multiHostTransports = request.records.runtime.multiHost.transports
        rdmaNeedsFullMesh = request.records.runtime.multiHost.rdmaNeedsFullMesh
        contextTokens = request.contextTokens
        parallelSequences = request.parallelSequences
        promptTokens = request.promptTokens
        kvCacheType = request.kvCacheType
        self.hardware = hardware
        footprint = ModelFootprint(model: request.records.model, quant: request.records.quant, kvCacheType: request.kvCacheType)
        self.devices = devices
        self.backends = backends
        self.usable = usable
        self.notes = notes
        ubatch = request.records.runtime.fit.ubatchTokens ?? Int(FitConstants.ubatchTokens.value)
        // Plain loops: closures here would capture (and copy) the whole request.
        var bandwidth: [Double] = []
        var layer: [Double] = []
        var factor: [Double] = []
        var prefill: [Double?] = []
        bandwidth.reserveCapacity(devices.count)
        layer.reserveCapacity(devices.count)
        factor.reserveCapacity(devices.count)
        prefill.reserveCapacity(devices.count)
        for index in devices.indices {
            let device = devices[index]
            bandwidth.append(device.bandwidthBytesPerSecond * SpeedModel.bandwidthEfficiency(device))
            layer.append(SpeedModel.layerOverhead(device, backend: backends[index], rules: request.records.runtime.fit))
            factor.append(SpeedModel.backendEfficiency(device, backend: backends[index], rules: request.records.runtime.fit))
            prefill.append(SpeedModel.prefillFLOPS(device))
        }
        effectiveBandwidth = bandwidth
        layerSeconds = layer
        backendFactor = factor
        prefillFLOPS = prefill
        kvBytesPerLayerFull = footprint.kvBytesPerLayer(tokens: request.contextTokens, ubatch: ubatch) * Double(request.parallelSequences)
        kvBytesPerLayerStart = footprint.kvBytesPerLayer(tokens: 1, ubatch: ubatch)
        kvBytesPerLayerEnd = footprint.kvBytesPerLayer(tokens: request.contextTokens, ubatch: ubatch)
        let firstVendor = devices[0].vendor
        vendorsMixed = !request.records.runtime.mixedVendors && devices.contains { $0.vendor != firstVendor }
        mixedVendorsAllowed = request.records.runtime.mixedVendors
    }

    /// Backends in order of preference when a device and a runtime share several.
    static let backendPreference: [Backend] = [.cuda, .rocm, .metal, .vulkan, .sycl, .cpu]

    static func make(_ request: FitRequest, _ hardware: Hardware) -> Result<Context, Unsupported> {
        guard !hardware.devices.isEmpty else { return .failure(Unsupported(text: "there are no devices to run on")) }
        for host in hardware.hosts where !request.records.runtime.platforms.contains(host.platform.family) {
            return .failure(Unsupported(text:
                "\(request.records.runtime.name) runs on \(listing(request.records.runtime.platforms.map(\.label))), not \(host.platform.family.label)"))
        }
        guard request.records.runtime.formats.contains(request.records.quant.format) else {
            return .failure(Unsupported(text:
                "\(request.records.runtime.name) loads \(listing(request.records.runtime.formats.map(\.label))) weights, not \(request.records.quant.format.label) (\(request.records.quant.name))"))
        }
        guard request.records.runtime.fit.kvCacheTypes.contains(request.kvCacheType) else {
            return .failure(Unsupported(text:
                "\(request.records.runtime.name) stores its KV cache as \(listing(request.records.runtime.fit.kvCacheTypes.map(\.label))), not \(request.kvCacheType.label)"))
        }
        var devices: [FitDevice] = []
        var backends: [Backend] = []
        var notes: [String] = []
        for device in hardware.devices {
            if let wanted = request.backend, device.backends.contains(wanted), request.records.runtime.backends.contains(wanted) {
                devices.append(device)
                backends.append(wanted)
            } else if let backend = backendPreference.first(where: { device.backends.contains($0) && request.records.runtime.backends.contains($0) && $0 != .cpu })
                ?? (device.kind == .cpu && request.records.runtime.backends.contains(.cpu) ? .cpu : nil) {
                devices.append(device)
                backends.append(backend)
            } else {
                notes.append("\(request.records.runtime.name) has no backend for \(device.label) (\(device.name) uses \(listing(device.backends.map(\.label))))")
            }
        }
        guard !devices.isEmpty else {
            return .failure(Unsupported(text: notes.first ?? "\(request.records.runtime.name) cannot drive these devices"))
        }
        var usable: [UsableMemory] = []
        usable.reserveCapacity(devices.count)
        for index in devices.indices {
            usable.append(UsableMemory.of(
                devices[index], in: hardware, rules: request.records.runtime.fit, runtimeName: request.records.runtime.name,
                backend: backends[index],
                raisedWiredLimit: request.raisedWiredLimit))
        }
        if let host = hardware.hosts.first(where: \.ramAssumed) {
            notes.append("\(host.label): \(gibText(host.ramBytes / FitConstants.gibibyte)) of system RAM assumed")
        }
        return .success(Context(request: request, hardware: hardware, devices: devices, backends: backends, usable: usable, notes: notes))
    }

    // MARK: Choosing

    func evaluate() -> FitResult {
        let (plans, refused, fallbacks) = candidatePlans()
        var unsorted = plans.map(evaluate)
        // Offloading to system RAM is only worth its slower speed when nothing fits without it.
        if !unsorted.contains(where: { $0.verdict == .fits }) {
            unsorted += fallbacks().map(evaluate)
        }
        // Best verdict first; among plans that fit, the fastest; among plans that do not, the
        // closest to fitting. (Indices are sorted, not the evaluations, to avoid copying them.)
        let headrooms = unsorted.map(\.minimumHeadroom)
        let verdicts = unsorted.map(\.verdict)
        let times = unsorted.map(\.decodeSeconds)
        let order = unsorted.indices.sorted { i, j in
            if verdicts[i] != verdicts[j] { return verdicts[i] < verdicts[j] }
            if verdicts[i] == .noFit { return headrooms[i] > headrooms[j] }
            return times[i] < times[j]
        }
        guard let bestIndex = order.first else {
            return FitResult(
                verdict: .unsupported, strategy: nil,
                unsupportedReason: refused.first?.reason ?? "\(runtimeName) offers no strategy for this hardware",
                ledger: [], decode: nil, prefill: nil, runnerUp: nil, refused: refused, notes: notes, footprint: footprint)
        }
        let best = unsorted[bestIndex]
        let runnerUp = order.dropFirst().lazy.map { unsorted[$0] }.first { $0.plan.strategy != best.plan.strategy }.map {
            FitResult.Alternative(strategy: $0.plan.strategy, verdict: $0.verdict, decodeTokensPerSecond: $0.decodeTokensPerSecond, refusal: nil)
        }
        let factor = decodeFactor
        return FitResult(
            verdict: best.verdict, strategy: best.plan.strategy, unsupportedReason: nil, ledger: ledger(best),
            decode: SpeedEstimate(factor / best.decodeSeconds, atFullContext: factor / best.decodeSecondsFullContext),
            prefill: best.prefillSecondsPerToken.map { SpeedEstimate(1 / $0) },
            runnerUp: runnerUp, refused: refused, notes: notes + planNotes(best.plan), footprint: footprint)
    }

    private func planNotes(_ plan: Plan) -> [String] {
        var notes: [String] = []
        if let transport = plan.transport, let link = hardware.link, transport != link.transport {
            notes.append("\(runtimeName) carries this split over \(transport.label) on the \(link.interconnect.label) link, not \(link.transport.label)")
        }
        return notes
    }

    // MARK: Candidates

    /// The plans the runtime allows here, and the strategies it offers that cannot be used, with why.
    /// The plans the runtime allows here, the strategies it offers that cannot be used (with
    /// why), and the offload plans, built only when asked for.
    func candidatePlans() -> ([Plan], [FitResult.Alternative], () -> [Plan]) {
        var plans: [Plan] = []
        var refused: [FitResult.Alternative] = []
        func refuse(_ strategy: SplitStrategy, _ refusal: Refusal) {
            refused.append(FitResult.Alternative(strategy: strategy, verdict: .unsupported, decodeTokensPerSecond: nil, refusal: refusal))
        }
        let allowed = splitStrategies
        let hostCount = hardware.hostCount
        let all = Array(devices.indices)

        // One device alone: every runtime can do that. Each distinct device once.
        for index in all where !all[..<index].contains(where: { devices[$0].id == devices[index].id }) {
            plans.append(Plan(strategy: .singleDevice, devices: [index], layerCounts: [footprint.layers]))
        }

        if hostCount == 1, devices.count > 1 {
            if allowed.contains(.layerSplit) {
                if vendorsMixed {
                    refuse(.layerSplit, .mixedVendors(runtime: runtimeName, vendors: Set(devices.map(\.vendor)).sorted()))
                } else {
                    plans.append(layerSplitPlan(.layerSplit, all))
                }
            }
            if allowed.contains(.tensorParallel) {
                if let refusal = tensorParallelRefusal(devices.count)
                    ?? (vendorsMixed ? Refusal.mixedVendors(runtime: runtimeName, vendors: Set(devices.map(\.vendor)).sorted()) : nil) {
                    refuse(.tensorParallel, refusal)
                } else {
                    plans.append(Plan(strategy: .tensorParallel, devices: all, tensorParallel: true))
                }
            }
        }
        var fallbackStrategies: [SplitStrategy] = []
        let gpus = hostCount == 1 && !vendorsMixed ? all.filter { !devices[$0].isUnified } : []
        if !gpus.isEmpty {
            if allowed.contains(.cpuLayerOffload) { fallbackStrategies.append(.cpuLayerOffload) }
            if allowed.contains(.moeExpertOffload) {
                if isMoE {
                    fallbackStrategies.append(.moeExpertOffload)
                } else {
                    refuse(.moeExpertOffload, .denseModel(model: modelName))
                }
            }
        }
        if hostCount > 1 {
            if !multiHostSupported {
                refuse(.multiHostPipeline, .singleMachine(runtime: runtimeName, machines: hostCount))
            }
            if multiHostSupported, allowed.contains(.multiHostPipeline) {
                if let transport = transport(forTensorParallel: false) {
                    var plan = layerSplitPlan(.multiHostPipeline, all)
                    plan.transport = transport
                    plans.append(plan)
                } else {
                    refuse(.multiHostPipeline, .link(
                        runtime: runtimeName, link: hardware.link.map { "\($0.interconnect.label) \($0.transport.label)" } ?? "this link"))
                }
            }
            if multiHostSupported, allowed.contains(.multiHostTensorParallel) {
                if let refusal = tensorParallelRefusal(devices.count) {
                    refuse(.multiHostTensorParallel, refusal)
                } else if let transport = transport(forTensorParallel: true) {
                    plans.append(Plan(strategy: .multiHostTensorParallel, devices: all, tensorParallel: true, transport: transport))
                } else {
                    refuse(.multiHostTensorParallel, .tensorParallelLink(runtime: runtimeName))
                }
            }
        }
        let fallbacks = { [self] in
            fallbackStrategies.map { $0 == .cpuLayerOffload ? self.offloadPlan(gpus) : self.expertOffloadPlan(gpus) }
        }
        return (plans, refused, fallbacks)
    }

    /// Why tensor parallelism over `count` devices is refused, or nil when it is allowed.
    func tensorParallelRefusal(_ count: Int) -> Refusal? {
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
        guard let link = hardware.link else { return nil }
        let supported = multiHostTransports
        if link.transport == .rdma, supported.contains(.rdma) {
            let meshOK = !rdmaNeedsFullMesh || link.shape == .fullMesh
            let platformOK = link.interconnect != .thunderbolt5 || hardware.hosts.allSatisfy { $0.platform.has(.rdmaOverThunderbolt5) }
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
                * Double(contextTokens * parallelSequences) * Double(attentionHeads)
        }
        if holdsExperts, isMoE {
            buffers += FitConstants.computeBufferBytesPerValue.value * Double(ubatch) * Double(activeExperts) * Double(expertIntermediateSize)
        }
        return (weights, buffers)
    }

    /// A layer split over the given devices, by the runtime's rule, repaired so that no device
    /// holds more layers than fit while another has room.
    func layerSplitPlan(_ strategy: SplitStrategy, _ indices: [Int]) -> Plan {
        let layers = footprint.layers
        let perLayer = footprint.totalWeightBytes / Double(layers) + kvBytesPerLayerFull
        let room: [Double] = indices.enumerated().map { position, index in
            let fixed = fixedBytes(device: index, first: position == 0, last: position == indices.count - 1, holdsExperts: isMoE)
            return max(0, usable[index].capacityBytes - fixed.weights - fixed.buffers)
        }
        var counts: [Int]
        switch layerSplitRule {
        case .even:
            counts = Placement.even(layers, over: indices.count)
        case .proportional:
            counts = Placement.proportional(layers, weights: room)
            counts = Placement.repair(counts, maximum: room.map { Int(($0 / max(perLayer, 1)).rounded(.down)) })
        }
        _ = perLayer
        return Plan(strategy: strategy, devices: indices, layerCounts: counts)
    }

    /// Room for layers on a device in an offload plan: its capacity after fixed costs, less
    /// the comfortable headroom, since an offload plan can always leave that much free.
    func offloadRoom(_ index: Int, first: Bool, last: Bool, holdsExperts: Bool) -> Double {
        let fixed = fixedBytes(device: index, first: first, last: last, holdsExperts: holdsExperts)
        let headroom = usable[index].usableBytesForVerdict * FitConstants.comfortableHeadroom.value
        return max(0, usable[index].capacityBytes - fixed.weights - fixed.buffers - headroom)
    }

    /// Whole layers a device can hold in an offload plan, at the average layer size.
    func maximumLayers(_ index: Int, first: Bool, last: Bool) -> Int {
        let perLayer = max(footprint.totalWeightBytes / Double(footprint.layers) + kvBytesPerLayerFull, 1)
        return Int((offloadRoom(index, first: first, last: last, holdsExperts: isMoE) / perLayer).rounded(.down))
    }

    /// GPUs take the layers that fit; the rest run on the CPU from system RAM (llama.cpp `-ngl`).
    func offloadPlan(_ gpus: [Int]) -> Plan {
        let maxima = gpus.enumerated().map { maximumLayers($0.element, first: false, last: $0.offset == gpus.count - 1) }
        let onGPU = min(footprint.layers, maxima.reduce(0, +))
        let counts = Placement.repair(Placement.proportional(onGPU, weights: maxima.map(Double.init)), maximum: maxima)
        return Plan(strategy: .cpuLayerOffload, devices: gpus, layerCounts: counts, cpuLayers: footprint.layers - counts.reduce(0, +))
    }

    /// Every layer's attention, norms and KV on the GPUs; the routed experts of the first MoE
    /// layers in system RAM, as few as make the rest fit (llama.cpp `--n-cpu-moe N`).
    func expertOffloadPlan(_ gpus: [Int]) -> Plan {
        var plan = layerSplitPlan(.moeExpertOffload, gpus)
        plan.strategy = .moeExpertOffload
        let capacity = gpus.enumerated().reduce(0.0) { sum, entry in
            sum + offloadRoom(entry.element, first: entry.offset == 0, last: entry.offset == gpus.count - 1, holdsExperts: true)
        }
        let everything = footprint.totalWeightBytes - footprint.embeddingBytes - footprint.outputBytes
            + kvBytesPerLayerFull * Double(footprint.layers)
        let excess = everything - capacity
        let expertLayer = max(footprint.expertBytesPerMoELayer, 1)
        let rooms = gpus.enumerated().map { offloadRoom($0.element, first: $0.offset == 0, last: $0.offset == gpus.count - 1, holdsExperts: true) }
        var offloaded = min(footprint.moeLayers, max(0, Int((excess / expertLayer).rounded(.up))))
        while true {
            // Layers whose experts stay in RAM are light: divide the layers by what each one costs.
            let cutoff = footprint.layers - footprint.moeLayers + offloaded
            let costs = (0..<footprint.layers).map { layer in
                footprint.denseBytesPerLayer + kvBytesPerLayerFull
                    + (footprint.isMoE(layer: layer) && layer >= cutoff ? footprint.expertBytesPerMoELayer : 0)
            }
            let counts = Placement.contiguous(costs: costs, capacities: rooms)
            plan.layerCounts = counts
            plan.cpuExpertLayers = offloaded
            // Whole layers do not split evenly; send one more layer's experts to RAM until every card has room.
            var start = 0
            var overflows = false
            for (device, count) in counts.enumerated() {
                if costs[start..<(start + count)].reduce(0, +) > rooms[device] { overflows = true }
                start += count
            }
            if !overflows || offloaded >= footprint.moeLayers { return plan }
            offloaded += 1
        }
    }

    // MARK: Evaluation

    func evaluate(_ plan: Plan) -> Evaluation {
        plan.tensorParallel ? evaluateTensorParallel(plan) : evaluateLayerSplit(plan)
    }

    private func load(_ index: Int, weights: Double, kv: Double, buffers: Double, first: Int, layers: Int) -> Load {
        let memory = usable[index]
        return Load(
            device: index, host: devices[index].host, limit: memory.limitBytes, margin: memory.marginBytes,
            overhead: memory.overheadBytes, weights: weights, kv: kv, buffers: buffers, first: first, layers: layers)
    }

    private func verdict(_ loads: [Load]) -> Verdict {
        var worst = Double.infinity
        for load in loads where load.headroom < worst { worst = load.headroom }
        if loads.isEmpty || worst < 0 { return .noFit }
        return worst >= FitConstants.comfortableHeadroom.value ? .fits : .tight
    }

    /// The ledger of an evaluated plan, in words: labels, the rules that set each limit, notes.
    func ledger(_ evaluation: Evaluation) -> [DeviceLedger] {
        let plan = evaluation.plan
        return evaluation.loads.map { load in
            if let index = load.device {
                let device = devices[index]
                var note: String?
                if plan.tensorParallel {
                    note = "1/\(plan.devices.count) of every layer"
                } else if plan.cpuExpertLayers > 0, load.layers > 0 {
                    note = "experts of the first \(plan.cpuExpertLayers) MoE layers are in system RAM"
                }
                return DeviceLedger(
                    label: device.label, deviceName: device.name, isHostRAM: false, limitBytes: load.limit, rule: usable[index].rule,
                    marginBytes: load.margin, overheadBytes: load.overhead, weightBytes: load.weights, kvBytes: load.kv,
                    bufferBytes: load.buffers, firstLayer: load.first, layers: load.layers, note: note)
            }
            let host = hardware.hosts[load.host]
            let unifiedUse = devices.indices.filter { devices[$0].host == load.host && devices[$0].isUnified }
                .reduce(0.0) { $0 + usable[$1].limitBytes }
            let experts = max(0, min(plan.cpuExpertLayers, footprint.moeLayers))
            return DeviceLedger(
                label: "System RAM", deviceName: host.label, isHostRAM: true, limitBytes: load.limit,
                rule: .hostRAM(platform: host.platform.name, memoryGiB: host.ramBytes / FitConstants.gibibyte,
                               reserveGiB: host.platform.osReserveGB, unifiedGiB: unifiedUse / FitConstants.gibibyte),
                marginBytes: 0, overheadBytes: 0, weightBytes: load.weights, kvBytes: load.kv, bufferBytes: 0,
                firstLayer: 0, layers: load.layers, note: experts > 0 ? "routed experts of \(experts) MoE layers" : nil)
        }
    }

    func evaluateLayerSplit(_ plan: Plan) -> Evaluation {
        var ledger: [Load] = []
        ledger.reserveCapacity(plan.devices.count + 1)
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
            let count = plan.layerCounts[position]
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
            ledger.append(load(index, weights: weights, kv: kv, buffers: fixed.buffers, first: layer, layers: count))
            let active = footprint.activeParamsPerLayer * Double(count) + (last ? Double(vocabSize * hiddenSize) : 0)
            seconds += decodeSeconds(index, read: read, kv: kvStartPerLayer * Double(count), layers: count, moeLayers: moeHere, active: active)
            secondsFull += decodeSeconds(index, read: read, kv: kvEndPerLayer * Double(count), layers: count, moeLayers: moeHere, active: active)
            if let flops = prefillFLOPS[index], let sum = prefill {
                prefill = sum + (prefillFLOPsPerLayer * Double(count) + (last ? 2 * Double(vocabSize * hiddenSize) : 0)) / flops
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
                unifiedUse += usable[index].limitBytes
            }
            let limit = max(0, host.ramBytes - (host.platform.osReserveGB + FitConstants.hostProcessMemory.value) * FitConstants.gibibyte - unifiedUse)
            let kv = kvFullPerLayer * Double(plan.cpuLayers)
            ledger.insert(Load(
                device: nil, host: hostIndex, limit: limit, margin: 0, overhead: 0, weights: weights, kv: kv, buffers: 0,
                first: 0, layers: plan.cpuLayers), at: 0)
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
            plan: plan, loads: ledger, verdict: verdict(ledger), decodeSeconds: seconds,
            decodeSecondsFullContext: secondsFull, prefillSecondsPerToken: prefill)
    }

    func evaluateTensorParallel(_ plan: Plan) -> Evaluation {
        let n = Double(plan.devices.count)
        let layers = footprint.layers
        // KV heads shard across devices; with more devices than heads each keeps one head.
        let kvShare = Double(max(1, kvHeads / plan.devices.count)) / Double(kvHeads)
        let weights = (footprint.totalWeightBytes - (embeddingsOnHost ? footprint.embeddingBytes : 0)) / n
        let kv = kvBytesPerLayerFull * Double(layers) * kvShare
        var ledger: [Load] = []
        ledger.reserveCapacity(plan.devices.count)
        var seconds = 0.0
        var secondsFull = 0.0
        var prefill: Double? = 0
        let read = (Double(layers) * footprint.denseBytesPerLayer
            + Double(footprint.moeLayers) * footprint.expertBytesPerMoELayer * footprint.expertActiveShare / FitConstants.expertReadEfficiency.value
            + footprint.outputBytes) / n
        let kvStart = kvBytesPerLayerStart * Double(layers) * kvShare
        let kvEnd = kvBytesPerLayerEnd * Double(layers) * kvShare
        let active = footprint.activeParams / n
        let prefillFLOPs = (prefillFLOPsPerLayer() * Double(layers) + 2 * Double(vocabSize * hiddenSize)) / n
        for index in plan.devices {
            let fixed = fixedBytes(device: index, first: false, last: true, holdsExperts: isMoE)
            ledger.append(load(index, weights: weights, kv: kv, buffers: fixed.buffers, first: 0, layers: layers))
            seconds = max(seconds, decodeSeconds(index, read: read, kv: kvStart, layers: layers, moeLayers: footprint.moeLayers, active: active))
            secondsFull = max(secondsFull, decodeSeconds(index, read: read, kv: kvEnd, layers: layers, moeLayers: footprint.moeLayers, active: active))
            if let flops = prefillFLOPS[index], let current = prefill {
                prefill = max(current, prefillFLOPs / flops)
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
            plan: plan, loads: ledger, verdict: verdict(ledger), decodeSeconds: seconds,
            decodeSecondsFullContext: secondsFull, prefillSecondsPerToken: prefill)
    }

    /// Seconds for one device's share of a decode step (`SpeedModel`'s formula, with this
    /// request's per-device terms).
    @inline(__always)
    func decodeSeconds(_ index: Int, read: Double, kv: Double, layers: Int, moeLayers: Int, active: Double) -> Double {
        var seconds = (read + kv) / effectiveBandwidth[index] + Double(layers) * layerSeconds[index]
            + Double(moeLayers) * FitConstants.layerOverheadMoE.value * 1e-6
        if let shader = devices[index].shaderFLOPS {
            seconds += 2 * active / (FitConstants.computeEfficiency.value * shader)
        }
        return seconds / backendFactor[index]
    }

    /// Prompt FLOPs per layer per token: 2 per active parameter, plus attention over the
    /// half-filled prompt (4 · heads · head dim per attended token), capped by a sliding window.
    func prefillFLOPsPerLayer() -> Double {
        let position = Double(promptTokens) / 2
        let attended = footprint.slidingWindowTokens.map { min(position, Double($0)) } ?? position
        let fullShare = Double(footprint.fullAttentionLayers) / Double(footprint.layers)
        let attentionPerToken = 4 * Double(attentionHeads * headDim)
            * (fullShare * position + (1 - fullShare) * (footprint.slidingWindowTokens == nil ? 0 : attended))
        return 2 * footprint.activeParamsPerLayer + attentionPerToken
    }

    /// Total hop time of a pipeline over these devices in order.
    func hopSeconds(_ indices: [Int], transport: Transport?) -> Double {
        var total = 0.0
        for (a, b) in zip(indices, indices.dropFirst()) {
            let hostA = devices[a].host
            let hostB = devices[b].host
            if hostA == hostB {
                total += SpeedModel.hopSeconds(inside: hardware.hosts[hostA], between: nil, transport: nil, hiddenSize: hiddenSize)
            } else {
                total += SpeedModel.hopSeconds(inside: nil, between: hardware.link, transport: transport, hiddenSize: hiddenSize)
            }
        }
        return total
    }
}
