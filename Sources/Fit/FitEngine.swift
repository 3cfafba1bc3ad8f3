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

/// A plan evaluated: the ledger, the verdict and the speeds.
struct Evaluation {
    var plan: Plan
    var ledger: [DeviceLedger]
    var verdict: Verdict
    var decodeSeconds: Double
    var decodeSecondsFullContext: Double
    var prefillSecondsPerToken: Double?

    var decodeTokensPerSecond: Double { 1 / decodeSeconds }
    var minimumHeadroom: Double { ledger.map(\.headroom).min() ?? -1 }
}

/// Everything computed once per request: the footprint, the devices the runtime can drive,
/// their backends and usable memory.
struct Context {
    let request: FitRequest
    let hardware: Hardware
    let footprint: ModelFootprint
    /// Devices the runtime can drive, with their backend and usable memory.
    let devices: [FitDevice]
    let backends: [Backend]
    let usable: [UsableMemory]
    let ubatch: Int
    let notes: [String]

    /// Backends in order of preference when a device and a runtime share several.
    static let backendPreference: [Backend] = [.cuda, .rocm, .metal, .vulkan, .sycl, .cpu]

    static func make(_ request: FitRequest, _ hardware: Hardware) -> Result<Context, Unsupported> {
        let runtime = request.runtime
        guard !hardware.devices.isEmpty else { return .failure(Unsupported(text: "there are no devices to run on")) }
        for host in hardware.hosts where !runtime.platforms.contains(host.platform.family) {
            return .failure(Unsupported(text:
                "\(runtime.name) runs on \(listing(runtime.platforms.map(\.label))), not \(host.platform.family.label)"))
        }
        guard runtime.formats.contains(request.quant.format) else {
            return .failure(Unsupported(text:
                "\(runtime.name) loads \(listing(runtime.formats.map(\.label))) weights, not \(request.quant.format.label) (\(request.quant.name))"))
        }
        guard runtime.fit.kvCacheTypes.contains(request.kvCacheType) else {
            return .failure(Unsupported(text:
                "\(runtime.name) stores its KV cache as \(listing(runtime.fit.kvCacheTypes.map(\.label))), not \(request.kvCacheType.label)"))
        }
        var devices: [FitDevice] = []
        var backends: [Backend] = []
        var notes: [String] = []
        for device in hardware.devices {
            if let wanted = request.backend, device.backends.contains(wanted), runtime.backends.contains(wanted) {
                devices.append(device)
                backends.append(wanted)
            } else if let backend = backendPreference.first(where: { device.backends.contains($0) && runtime.backends.contains($0) && $0 != .cpu })
                ?? (device.kind == .cpu && runtime.backends.contains(.cpu) ? .cpu : nil) {
                devices.append(device)
                backends.append(backend)
            } else {
                notes.append("\(runtime.name) has no backend for \(device.label) (\(device.name) uses \(listing(device.backends.map(\.label))))")
            }
        }
        guard !devices.isEmpty else {
            return .failure(Unsupported(text: notes.first ?? "\(runtime.name) cannot drive these devices"))
        }
        let usable = zip(devices, backends).map {
            UsableMemory.of($0, in: hardware, runtime: runtime, backend: $1, raisedWiredLimit: request.raisedWiredLimit)
        }
        if let host = hardware.hosts.first(where: \.ramAssumed) {
            notes.append("\(host.label): \(gibText(host.ramBytes / FitConstants.gibibyte)) of system RAM assumed")
        }
        return .success(Context(
            request: request, hardware: hardware,
            footprint: ModelFootprint(model: request.model, quant: request.quant, kvCacheType: request.kvCacheType),
            devices: devices, backends: backends, usable: usable,
            ubatch: runtime.fit.ubatchTokens ?? Int(FitConstants.ubatchTokens.value), notes: notes))
    }

    var runtime: Runtime { request.runtime }
    var model: Model { request.model }

    // MARK: Choosing

    func evaluate() -> FitResult {
        let (plans, refused) = candidatePlans()
        var evaluations = plans.map(evaluate)
        // Best verdict first; among plans that fit, the fastest; among plans that do not, the
        // closest to fitting.
        evaluations.sort { a, b in
            if a.verdict != b.verdict { return a.verdict < b.verdict }
            if a.verdict == .noFit { return a.minimumHeadroom > b.minimumHeadroom }
            return a.decodeSeconds < b.decodeSeconds
        }
        guard let best = evaluations.first else {
            return FitResult(
                verdict: .unsupported, strategy: nil,
                unsupportedReason: refused.first?.reason ?? "\(runtime.name) offers no strategy for this hardware",
                ledger: [], decode: nil, prefill: nil, runnerUp: nil, refused: refused, notes: notes, footprint: footprint)
        }
        let runnerUp = evaluations.dropFirst().first { $0.plan.strategy != best.plan.strategy }.map {
            FitResult.Alternative(strategy: $0.plan.strategy, verdict: $0.verdict, decodeTokensPerSecond: $0.decodeTokensPerSecond, reason: nil)
        }
        let factor = runtime.fit.decodeFactor ?? 1
        return FitResult(
            verdict: best.verdict, strategy: best.plan.strategy, unsupportedReason: nil, ledger: best.ledger,
            decode: SpeedEstimate(factor / best.decodeSeconds, atFullContext: factor / best.decodeSecondsFullContext),
            prefill: best.prefillSecondsPerToken.map { SpeedEstimate(1 / $0) },
            runnerUp: runnerUp, refused: refused, notes: notes + planNotes(best.plan), footprint: footprint)
    }

    private func planNotes(_ plan: Plan) -> [String] {
        var notes: [String] = []
        if let transport = plan.transport, let link = hardware.link, transport != link.transport {
            notes.append("\(runtime.name) carries this split over \(transport.label) on the \(link.interconnect.label) link, not \(link.transport.label)")
        }
        return notes
    }

    // MARK: Candidates

    /// The plans the runtime allows here, and the strategies it offers that cannot be used, with why.
    func candidatePlans() -> ([Plan], [FitResult.Alternative]) {
        var plans: [Plan] = []
        var refused: [FitResult.Alternative] = []
        func refuse(_ strategy: SplitStrategy, _ reason: String) {
            refused.append(FitResult.Alternative(strategy: strategy, verdict: .unsupported, decodeTokensPerSecond: nil, reason: reason))
        }
        let allowed = Set(runtime.splitStrategies)
        let hostCount = hardware.hostCount
        let all = Array(devices.indices)

        // One device alone: every runtime can do that. Each distinct device once.
        var seen: Set<String> = []
        for index in all where seen.insert(devices[index].id).inserted {
            plans.append(Plan(strategy: .singleDevice, devices: [index], layerCounts: [footprint.layers]))
        }

        let vendorsMixed = Set(devices.map(\.vendor)).count > 1 && !runtime.mixedVendors
        if hostCount == 1, devices.count > 1 {
            if allowed.contains(.layerSplit) {
                if vendorsMixed {
                    refuse(.layerSplit, "\(runtime.name) cannot mix \(listing(Set(devices.map(\.vendor)).sorted().map(\.label), conjunction: "and")) devices in one model")
                } else {
                    plans.append(layerSplitPlan(.layerSplit, all))
                }
            }
            if allowed.contains(.tensorParallel) {
                if let reason = tensorParallelRefusal(devices.count) ?? (vendorsMixed ? "it cannot mix vendors" : nil) {
                    refuse(.tensorParallel, reason)
                } else {
                    plans.append(Plan(strategy: .tensorParallel, devices: all, tensorParallel: true))
                }
            }
        }
        if hostCount == 1, !vendorsMixed {
            let gpus = all.filter { !devices[$0].isUnified }
            if allowed.contains(.cpuLayerOffload), !gpus.isEmpty {
                plans.append(offloadPlan(gpus))
            }
            if allowed.contains(.moeExpertOffload), !gpus.isEmpty {
                if model.isMixtureOfExperts {
                    plans.append(expertOffloadPlan(gpus))
                } else {
                    refuse(.moeExpertOffload, "\(model.name) is a dense model; only mixture-of-experts models can leave experts in system RAM")
                }
            }
        }
        if hostCount > 1 {
            let multiHost = runtime.multiHost
            if !multiHost.supported {
                refused.append(FitResult.Alternative(
                    strategy: .multiHostPipeline, verdict: .unsupported, decodeTokensPerSecond: nil,
                    reason: "\(runtime.name) runs a model within one machine; it cannot span these \(hostCount)"))
            }
            if multiHost.supported, allowed.contains(.multiHostPipeline) {
                if let transport = transport(forTensorParallel: false) {
                    var plan = layerSplitPlan(.multiHostPipeline, all)
                    plan.transport = transport
                    plans.append(plan)
                } else {
                    refuse(.multiHostPipeline, "\(runtime.name) cannot carry traffic over \(hardware.link.map { "\($0.interconnect.label) \($0.transport.label)" } ?? "this link")")
                }
            }
            if multiHost.supported, allowed.contains(.multiHostTensorParallel) {
                if let reason = tensorParallelRefusal(devices.count) {
                    refuse(.multiHostTensorParallel, reason)
                } else if let transport = transport(forTensorParallel: true) {
                    plans.append(Plan(strategy: .multiHostTensorParallel, devices: all, tensorParallel: true, transport: transport))
                } else {
                    refuse(.multiHostTensorParallel, "\(runtime.name) cannot carry tensor-parallel traffic over this link")
                }
            }
        }
        return (plans, refused)
    }

    /// Why tensor parallelism over `count` devices is refused, or nil when it is allowed.
    func tensorParallelRefusal(_ count: Int) -> String? {
        for dimension in runtime.fit.tensorParallelDivides {
            let value = switch dimension {
            case .attentionHeads: model.attentionHeads
            case .kvHeads: model.kvHeads
            case .hiddenSize: model.hiddenSize
            }
            if value % count != 0 {
                return "\(model.name) has \(value) \(dimension.label), which do not divide by \(count) devices"
            }
        }
        if !runtime.fit.tensorParallelKVCacheTypes.contains(request.kvCacheType) {
            return "\(runtime.name) allows only a \(listing(runtime.fit.tensorParallelKVCacheTypes.map(\.label))) KV cache with tensor parallelism"
        }
        return nil
    }

    /// The transport the runtime uses between machines: the link's own when the runtime and the
    /// platform support it, else TCP/IP over the same cables when the runtime can use that.
    func transport(forTensorParallel: Bool) -> Transport? {
        guard let link = hardware.link else { return nil }
        let supported = runtime.multiHost.transports
        if link.transport == .rdma, supported.contains(.rdma) {
            let meshOK = !runtime.multiHost.rdmaNeedsFullMesh || link.shape == .fullMesh
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
        if first, !runtime.fit.embeddingsOnHost, !(model.tiedEmbeddings && last) { weights += footprint.embeddingBytes }
        let hidden = Double(model.hiddenSize)
        var buffers = FitConstants.computeBufferBytesPerValue.value * Double(ubatch)
            * (last ? hidden + Double(model.vocabSize) : 4 * hidden)
        if !runtime.fit.flashAttention {
            // The attention scores of one ubatch against the whole context, for every query head.
            buffers += FitConstants.computeBufferBytesPerValue.value * Double(ubatch)
                * Double(request.contextTokens * request.parallelSequences) * Double(model.attentionHeads)
        }
        if holdsExperts, let experts = model.experts {
            buffers += FitConstants.computeBufferBytesPerValue.value * Double(ubatch) * Double(experts.active) * Double(experts.expertIntermediateSize)
        }
        return (weights, buffers)
    }

    /// KV cache of one layer at the request's full context for every sequence.
    var kvBytesPerLayerFull: Double {
        footprint.kvBytesPerLayer(tokens: request.contextTokens, ubatch: ubatch) * Double(request.parallelSequences)
    }

    /// A layer split over the given devices, by the runtime's rule, repaired so that no device
    /// holds more layers than fit while another has room.
    func layerSplitPlan(_ strategy: SplitStrategy, _ indices: [Int]) -> Plan {
        let layers = footprint.layers
        let perLayer = footprint.totalWeightBytes / Double(layers) + kvBytesPerLayerFull
        let room: [Double] = indices.enumerated().map { position, index in
            let fixed = fixedBytes(device: index, first: position == 0, last: position == indices.count - 1, holdsExperts: model.isMixtureOfExperts)
            return max(0, usable[index].capacityBytes - fixed.weights - fixed.buffers)
        }
        var counts: [Int]
        switch runtime.fit.layerSplit {
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
        return Int((offloadRoom(index, first: first, last: last, holdsExperts: model.isMixtureOfExperts) / perLayer).rounded(.down))
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

    private func ledgerEntry(_ index: Int, weights: Double, kv: Double, buffers: Double, first: Int, layers: Int, note: String? = nil) -> DeviceLedger {
        let device = devices[index]
        let memory = usable[index]
        return DeviceLedger(
            label: device.label, deviceName: device.name, isHostRAM: false, limitBytes: memory.limitBytes, rule: memory.rule,
            marginBytes: memory.marginBytes, overheadBytes: memory.overheadBytes, weightBytes: weights, kvBytes: kv,
            bufferBytes: buffers, firstLayer: first, layers: layers, note: note)
    }

    private func verdict(_ ledger: [DeviceLedger]) -> Verdict {
        let worst = ledger.map(\.headroom).min() ?? -1
        if worst < 0 { return .noFit }
        return worst >= FitConstants.comfortableHeadroom.value ? .fits : .tight
    }

    func evaluateLayerSplit(_ plan: Plan) -> Evaluation {
        var ledger: [DeviceLedger] = []
        let kvFullPerLayer = kvBytesPerLayerFull
        let kvStartPerLayer = footprint.kvBytesPerLayer(tokens: 1, ubatch: ubatch)
        let kvEndPerLayer = footprint.kvBytesPerLayer(tokens: request.contextTokens, ubatch: ubatch)
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
            var weights = 0.0
            var read = 0.0
            var expertsHere = false
            var moeHere = 0
            for l in layer..<(layer + count) {
                if footprint.isMoE(layer: l) { moeHere += 1 }
                let expertsOnCPU = footprint.isMoE(layer: l) && l < expertCutoff
                weights += expertsOnCPU ? footprint.denseBytesPerLayer : footprint.weightBytes(layer: l)
                read += expertsOnCPU ? footprint.denseBytesPerLayer : footprint.bytesReadPerToken(layer: l)
                if footprint.isMoE(layer: l), !expertsOnCPU { expertsHere = true }
            }
            let fixed = fixedBytes(device: index, first: first, last: last, holdsExperts: expertsHere)
            weights += fixed.weights
            if last { read += footprint.outputBytes }
            let kv = kvFullPerLayer * Double(count)
            let note = plan.cpuExpertLayers > 0 && count > 0 ? "experts of the first \(plan.cpuExpertLayers) MoE layers are in system RAM" : nil
            ledger.append(ledgerEntry(index, weights: weights, kv: kv, buffers: fixed.buffers, first: layer, layers: count, note: note))
            let active = footprint.activeParamsPerLayer * Double(count) + (last ? Double(model.vocabSize * model.hiddenSize) : 0)
            let device = devices[index]
            seconds += SpeedModel.decodeSeconds(
                device, backend: backends[index], runtime: runtime, weightBytesRead: read,
                kvBytesRead: kvStartPerLayer * Double(count), layers: count, moeLayers: moeHere, activeParams: active)
            secondsFull += SpeedModel.decodeSeconds(
                device, backend: backends[index], runtime: runtime, weightBytesRead: read,
                kvBytesRead: kvEndPerLayer * Double(count), layers: count, moeLayers: moeHere, activeParams: active)
            if let flops = SpeedModel.prefillFLOPS(device), let sum = prefill {
                prefill = sum + (prefillFLOPsPerLayer * Double(count) + (last ? 2 * Double(model.vocabSize * model.hiddenSize) : 0)) / flops
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
            if runtime.fit.embeddingsOnHost { weights += footprint.embeddingBytes }
            let onHost = devices.enumerated().filter { $0.element.host == hostIndex }
            let limit = UsableMemory.hostRAMForOffload(host, devicesOnHost: onHost.map(\.element), limits: onHost.map { usable[$0.offset].limitBytes })
            let unifiedUse = onHost.filter { $0.element.isUnified }.reduce(0.0) { $0 + usable[$1.offset].limitBytes }
            let kv = kvFullPerLayer * Double(plan.cpuLayers)
            ledger.insert(DeviceLedger(
                label: "System RAM", deviceName: host.label, isHostRAM: true, limitBytes: limit,
                rule: .hostRAM(platform: host.platform.name, memoryGiB: host.ramBytes / FitConstants.gibibyte,
                               reserveGiB: host.platform.osReserveGB, unifiedGiB: unifiedUse / FitConstants.gibibyte),
                marginBytes: 0, overheadBytes: 0, weightBytes: weights, kvBytes: kv, bufferBytes: 0,
                firstLayer: 0, layers: plan.cpuLayers,
                note: offloadedExperts > 0 ? "routed experts of \(offloadedExperts) MoE layers" : nil), at: 0)
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
            plan: plan, ledger: ledger, verdict: verdict(ledger), decodeSeconds: seconds,
            decodeSecondsFullContext: secondsFull, prefillSecondsPerToken: prefill)
    }

    func evaluateTensorParallel(_ plan: Plan) -> Evaluation {
        let n = Double(plan.devices.count)
        let layers = footprint.layers
        // KV heads shard across devices; with more devices than heads each keeps one head.
        let kvShare = Double(max(1, model.kvHeads / plan.devices.count)) / Double(model.kvHeads)
        let weights = (footprint.totalWeightBytes - (runtime.fit.embeddingsOnHost ? footprint.embeddingBytes : 0)) / n
        let kv = kvBytesPerLayerFull * Double(layers) * kvShare
        var ledger: [DeviceLedger] = []
        var seconds = 0.0
        var secondsFull = 0.0
        var prefill: Double? = 0
        let read = ((0..<layers).reduce(0.0) { $0 + footprint.bytesReadPerToken(layer: $1) } + footprint.outputBytes) / n
        let kvStart = footprint.kvBytesPerLayer(tokens: 1, ubatch: ubatch) * Double(layers) * kvShare
        let kvEnd = footprint.kvBytesPerLayer(tokens: request.contextTokens, ubatch: ubatch) * Double(layers) * kvShare
        let active = footprint.activeParams / n
        let prefillFLOPs = (prefillFLOPsPerLayer() * Double(layers) + 2 * Double(model.vocabSize * model.hiddenSize)) / n
        for index in plan.devices {
            let fixed = fixedBytes(device: index, first: false, last: true, holdsExperts: model.isMixtureOfExperts)
            ledger.append(ledgerEntry(index, weights: weights, kv: kv, buffers: fixed.buffers, first: 0, layers: layers,
                                      note: "1/\(plan.devices.count) of every layer"))
            let device = devices[index]
            seconds = max(seconds, SpeedModel.decodeSeconds(
                device, backend: backends[index], runtime: runtime, weightBytesRead: read, kvBytesRead: kvStart, layers: layers, moeLayers: footprint.moeLayers, activeParams: active))
            secondsFull = max(secondsFull, SpeedModel.decodeSeconds(
                device, backend: backends[index], runtime: runtime, weightBytesRead: read, kvBytesRead: kvEnd, layers: layers, moeLayers: footprint.moeLayers, activeParams: active))
            if let flops = SpeedModel.prefillFLOPS(device), let current = prefill {
                prefill = max(current, prefillFLOPs / flops)
            } else {
                prefill = nil
            }
        }
        // Two all-reduces per layer per token, over the machine's links or the network.
        let host = hardware.hostCount == 1 ? hardware.hosts[0] : nil
        let link = hardware.hostCount > 1 ? hardware.link : nil
        let allReduce = SpeedModel.allReduceSeconds(
            devices: plan.devices.count, hiddenSize: model.hiddenSize, inside: host, between: link, transport: plan.transport)
        seconds += 2 * Double(layers) * allReduce
        secondsFull += 2 * Double(layers) * allReduce
        if let current = prefill {
            // During prefill the all-reduces carry a ubatch of activations each.
            let bandwidth = link?.bytesPerSecond ?? (host?.deviceLink?.bandwidthGBs ?? 16) * FitConstants.gigabyte
            let payload = 2 * (n - 1) / n * Double(model.hiddenSize) * 2
            prefill = current + 2 * Double(layers) * (allReduce / Double(ubatch) + payload / bandwidth)
        }
        return Evaluation(
            plan: plan, ledger: ledger, verdict: verdict(ledger), decodeSeconds: seconds,
            decodeSecondsFullContext: secondsFull, prefillSecondsPerToken: prefill)
    }

    /// Prompt FLOPs per layer per token: 2 per active parameter, plus attention over the
    /// half-filled prompt (4 · heads · head dim per attended token), capped by a sliding window.
    func prefillFLOPsPerLayer() -> Double {
        let position = Double(request.promptTokens) / 2
        let attended = footprint.slidingWindowTokens.map { min(position, Double($0)) } ?? position
        let fullShare = Double(footprint.fullAttentionLayers) / Double(footprint.layers)
        let attentionPerToken = 4 * Double(model.attentionHeads * model.headDim)
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
                total += SpeedModel.hopSeconds(inside: hardware.hosts[hostA], between: nil, transport: nil, hiddenSize: model.hiddenSize)
            } else {
                total += SpeedModel.hopSeconds(inside: nil, between: hardware.link, transport: transport, hiddenSize: model.hiddenSize)
            }
        }
        return total
    }
}
