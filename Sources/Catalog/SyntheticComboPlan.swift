/// What one synthetic combo is, before any prose: its machines and how they are wired, the OS,
/// the runtimes that work and the ones that do not (with why), the splits, the models that fit.
/// Each choice is made so that the rules of `CatalogRules` hold by construction: the platform
/// runs on every machine, the link uses ports every machine has at a rate they reach, a runtime
/// is marked supported only where its record says it works, a strategy only where a supported
/// runtime offers it and the hardware allows it.
struct ComboPlan {
    let index: Int
    let number: String
    let id: String
    let title: String
    let nodes: [(info: MachineInfo, count: Int)]
    let nodeCount: Int
    let link: (interconnect: Interconnect, transport: Transport, gbit: Double)?
    let topology: TopologyShape
    let platform: Platform
    let supported: [Runtime]
    let unsupported: [(runtime: Runtime, reason: String)]
    let recommended: [Runtime]
    let strategies: [SplitStrategy]
    let memoryGB: Double
    let deviceCount: Int
    let fitting: [Model]
    let classes: [(kind: ModelClassKind, models: [Model])]
    let referenceModel: Model?
    let benchmarks: [(model: Model, quant: Quant, runtime: Runtime, context: Int)]
    let difficulty: Difficulty
    let reviewed: String
    let purpose: Int

    var isApple: Bool { nodes.allSatisfy(\.info.isApple) }
    var sharesHostMemory: Bool { nodes.allSatisfy(\.info.sharesHostMemory) }
    var largestBox: Int { nodes.map(\.info.machine.deviceCount).max() ?? 0 }
    var vendors: Set<Vendor> { nodes.reduce(into: Set<Vendor>()) { $0.formUnion($1.info.vendors) } }
    var priceUSD: Double? {
        var total = 0.0
        for node in nodes {
            guard let usd = node.info.machine.price?.usd else { return nil }
            total += usd * Double(node.count)
        }
        return total
    }
    var powerW: Double { nodes.reduce(0) { $0 + $1.info.machine.powerW * Double($1.count) } }

    /// Memory buckets: alternatives are drawn from the same one, as a buyer would compare them.
    var tier: Int {
        switch memoryGB {
        case ..<32: 0
        case ..<64: 1
        case ..<128: 2
        case ..<256: 3
        case ..<512: 4
        default: 5
        }
    }

    /// 4-bit weights plus a little for the cache: the rough test the prose and the classes use.
    static func size4Bit(_ model: Model) -> Double { model.paramsB * 0.57 + 1 }

    static func make(index: Int, pool: HardwarePool, catalog: Catalog, seed: UInt64) -> ComboPlan {
        var rng = SplitMix64(seed: seed, stream: UInt64(index), salt: 1)

        // Machines, the link and the topology.
        var nodes: [(info: MachineInfo, count: Int)] = []
        var portKind: PortKind?
        var topology = TopologyShape.singleBox
        if rng.chance(0.45), !pool.clusterable.isEmpty {
            let first = rng.pick(pool.clusterable)
            var total = rng.pick([2, 2, 2, 3, 4, 4, 4, 5, 6, 8])
            var members = [first]
            if rng.chance(0.3) {
                // A mixed cluster: same vendor, a shared OS and a shared kind of port.
                let partners = pool.clusterable.filter { other in
                    other.id != first.id && other.vendors == first.vendors && !other.systems.isDisjoint(with: first.systems)
                        && !Set(other.linkPortKinds).isDisjoint(with: first.linkPortKinds)
                }
                if !partners.isEmpty { members.append(rng.pick(partners)) }
            }
            let kinds = first.linkPortKinds.filter { kind in members.allSatisfy { $0.machine.portCount(kind) > 0 } }
            let kind = kinds[rng.weighted(kinds.indices.map { $0 == 0 ? 3.0 : 1.0 })]
            portKind = kind
            let ports = members.map { $0.machine.portCount(kind) }.min() ?? 1
            switch kind {
            case .ethernet, .qsfp:
                topology = total == 2 && rng.chance(0.5) ? .fullMesh : .star
            case .thunderbolt5, .thunderbolt4, .usb4:
                if ports < 2 { total = 2 }
                if ports >= total - 1, rng.chance(0.75) {
                    topology = .fullMesh
                } else {
                    topology = total == 2 ? .fullMesh : .ring
                }
            }
            if members.count == 2 {
                let a = rng.int(in: 1...(total - 1))
                nodes = [(members[0], a), (members[1], total - a)]
            } else {
                nodes = [(first, total)]
            }
        } else {
            nodes = [(rng.pick(pool.machines), 1)]
        }
        let nodeCount = nodes.reduce(0) { $0 + $1.count }
        let infos = nodes.map(\.info)

        // The platform: one that runs on every machine, as the real combos choose it.
        let families = infos.dropFirst().reduce(infos[0].systems) { $0.intersection($1.systems) }
        let apple = infos.allSatisfy(\.isApple)
        let apu = !apple && infos.allSatisfy(\.sharesHostMemory)
        let candidates = pool.platforms.filter { families.contains($0.family) }
        let weights: [Double] = candidates.map { platform in
            if apple { return platform.has(.rdmaOverThunderbolt5) ? 4 : 1 }
            if platform.family == .windows { return nodeCount == 1 ? (apu ? 1 : 2) : 0 }
            if platform.sharedGPUMemoryFraction != nil { return apu ? 4 : 0 }
            if platform.displayReserveGB != nil { return nodeCount == 1 && !apu ? 2 : 0 }
            return 6
        }
        let platform = candidates.isEmpty ? pool.platforms[0]
            : weights.reduce(0, +) > 0 ? candidates[rng.weighted(weights)] : candidates[0]

        var link: (interconnect: Interconnect, transport: Transport, gbit: Double)?
        if let portKind {
            let gbit = infos.map { $0.fastestPort(portKind) }.min() ?? 1
            let transport: Transport = switch portKind {
            case .qsfp: .rdma
            case .thunderbolt5: platform.has(.rdmaOverThunderbolt5) && rng.chance(0.8) ? .rdma : .tcpIP
            case .ethernet: gbit >= 100 && rng.chance(0.5) ? .rdma : .tcpIP
            case .thunderbolt4, .usb4: .tcpIP
            }
            link = (Interconnect.forPort(portKind), transport, gbit)
        }

        // Runtimes: supported exactly where the records say they work.
        let backends = infos.reduce(into: Set<Backend>()) { $0.formUnion($1.backends) }.subtracting([.cpu])
        let vendors = infos.reduce(into: Set<Vendor>()) { $0.formUnion($1.vendors) }
        var working: [Runtime] = []
        var failing: [(runtime: Runtime, reason: String)] = []
        for runtime in pool.runtimes {
            if let reason = whyNot(runtime, platform: platform, backends: backends, vendors: vendors, nodeCount: nodeCount, apple: apple) {
                failing.append((runtime, reason))
            } else {
                working.append(runtime)
            }
        }
        working.sort { preference($0, apple: apple, cluster: nodeCount > 1) < preference($1, apple: apple, cluster: nodeCount > 1) }
        let supported = Array(working.prefix(rng.int(in: min(2, working.count)...min(5, max(working.count, 1)))))
        let unsupported = rng.sample(failing, rng.int(in: 1...3))
        let recommended = Array(supported.prefix(supported.count > 1 && rng.chance(0.6) ? 2 : 1))

        // Split strategies the hardware allows and a supported runtime offers.
        let largestBox = infos.map(\.machine.deviceCount).max() ?? 0
        let discrete = infos.contains { !$0.sharesHostMemory }
        let allowed = SplitStrategy.allCases.filter { strategy in
            guard supported.contains(where: { $0.supports(strategy) }) else { return false }
            switch strategy {
            case .multiHostPipeline, .multiHostTensorParallel: return nodeCount > 1
            case .layerSplit, .rowSplit, .tensorParallel, .expertParallel: return largestBox > 1
            case .cpuLayerOffload, .moeExpertOffload: return discrete && nodeCount == 1
            case .singleDevice: return true
            }
        }
        // The plan an owner would use first is always listed; others are sampled.
        let primary: SplitStrategy = nodeCount > 1 ? .multiHostPipeline : largestBox > 1 ? .layerSplit : .singleDevice
        var keep = rng.sample(allowed, rng.int(in: min(2, allowed.count)...min(4, allowed.count)))
        if allowed.contains(primary), !keep.contains(primary) { keep[0] = primary }
        let strategies = allowed.filter { strategy in keep.contains(strategy) }

        // Models: what fits in the pooled memory at 4-bit, biggest first.
        let memoryGB = nodes.reduce(0) { $0 + $1.info.memoryGB * Double($1.count) }
        let usable = memoryGB * (apple ? 0.72 : apu ? 0.85 : 0.9)
        let fitting = pool.models.filter { size4Bit($0) <= usable }
            .sorted { $0.paramsB != $1.paramsB ? $0.paramsB > $1.paramsB : $0.id.raw < $1.id.raw }
        let smallest = pool.models.min { $0.paramsB < $1.paramsB }
        let fits = fitting.isEmpty ? (smallest.map { [$0] } ?? []) : fitting
        var classes: [(kind: ModelClassKind, models: [Model])] = []
        let moe = fits.filter(\.isMixtureOfExperts)
        let dense = fits.filter { !$0.isMixtureOfExperts }
        if !moe.isEmpty { classes.append((.largeMoE, Array(moe.prefix(rng.int(in: 1...2))))) }
        if !dense.isEmpty { classes.append((.largestDense, Array(dense.prefix(rng.int(in: 1...2))))) }
        let eightBit = dense.filter { $0.paramsB * 1.07 + 1 <= usable && $0.paramsB >= 7 }
        if let first = eightBit.first, rng.chance(0.6), !(classes.last?.models.contains { $0.id == first.id } ?? false) {
            classes.append((.eightBit, [first]))
        }
        let small = fits.filter { $0.paramsB <= 14 }
        if !small.isEmpty, rng.chance(0.7) { classes.append((.smallFast, rng.sample(small, 2))) }
        if classes.count > 1, rng.chance(0.3) { classes.swapAt(0, 1) }

        let preferred = ["deepseek-v3", "qwen3-235b-a22b", "llama-3.3-70b", "qwen3-32b", "qwen3-8b"]
        let referenceModel = preferred.lazy.compactMap { id in fitting.first { $0.id.raw == id } }.first ?? fitting.first

        // Benchmark targets: a model, a quant of it and a supported runtime that loads it.
        var benchmarks: [(model: Model, quant: Quant, runtime: Runtime, context: Int)] = []
        let targetModels = ([referenceModel].compactMap { $0 } + classes.flatMap(\.models))
        var seen: Set<String> = []
        for model in targetModels where benchmarks.count < 3 {
            for runtime in supported {
                let loadable = model.quants.filter { runtime.formats.contains($0.format) }
                guard !loadable.isEmpty, seen.insert(model.id.raw + "/" + runtime.id.raw).inserted else { continue }
                let quant = loadable.first { $0.name.contains("4") } ?? loadable[0]
                let contexts = [4096, 8192, 16384, 32768, 65536].filter { $0 <= model.maxContext }
                benchmarks.append((model, quant, runtime, contexts.isEmpty ? model.maxContext : rng.pick(contexts)))
                break
            }
        }

        let difficulty: Difficulty = nodeCount > 2 || largestBox >= 4 ? .advanced
            : nodeCount == 2 || largestBox >= 2 ? .intermediate : .beginner
        let month = rng.int(in: 1...11)
        let day = rng.int(in: 1...28)
        let reviewed = "2026-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"

        let number = zeroPadded(index + 1, width: 5)
        let slug = nodes.map { node in
            (node.count > 1 ? countWord(node.count) + "-" : "") + node.info.id
        }.joined(separator: "-plus-")
        let purpose = rng.int(SyntheticProse.purposes.count)
        let title = titleFor(nodes: nodes, link: link, topology: topology, platform: platform, number: number, purpose: purpose)

        return ComboPlan(
            index: index, number: number, id: shortened("synth-\(number)-\(slug)"), title: title, nodes: nodes,
            nodeCount: nodeCount, link: link, topology: topology, platform: platform, supported: supported,
            unsupported: unsupported, recommended: recommended, strategies: strategies, memoryGB: memoryGB,
            deviceCount: nodes.reduce(0) { $0 + $1.info.machine.deviceCount * $1.count }, fitting: fits,
            classes: classes, referenceModel: referenceModel, benchmarks: benchmarks, difficulty: difficulty,
            reviewed: reviewed, purpose: purpose)
    }

    /// Why a runtime does not work on this hardware, or nil when it does. The first four are the
    /// rules `check` enforces; the last is practice: MLX-first runtimes are for Apple silicon.
    static func whyNot(
        _ runtime: Runtime, platform: Platform, backends: Set<Backend>, vendors: Set<Vendor>, nodeCount: Int, apple: Bool
    ) -> String? {
        if !runtime.platforms.contains(platform.family) {
            return "Does not run on \(platform.family.label); its record lists \(runtime.platforms.map(\.label).joined(separator: ", ")) only."
        }
        if backends.isDisjoint(with: Set(runtime.backends).subtracting([.cpu])) {
            let names = backends.sorted().map(\.label).joined(separator: " and ")
            return "None of its GPU backends drives these devices (\(names)), so it would fall back to the CPU."
        }
        if nodeCount > 1, !runtime.multiHost.supported {
            return "Runs one model inside one machine only, so it cannot span the \(nodeCount) machines here; use it per node."
        }
        if vendors.count > 1, !runtime.mixedVendors {
            return "Cannot mix devices of different vendors in one model."
        }
        if !apple, runtime.formats.first == .mlx {
            return "Built around MLX weights; outside Apple silicon its GPU support is too young to recommend here."
        }
        return nil
    }

    /// Best first: what an experienced owner of this hardware would start with.
    static func preference(_ runtime: Runtime, apple: Bool, cluster: Bool) -> Int {
        let order: [String] = switch (apple, cluster) {
        case (true, true): ["exo", "mlx-lm", "llama-cpp"]
        case (true, false): ["mlx-lm", "llama-cpp", "lm-studio", "ollama", "mlc-llm", "exo"]
        case (false, true): ["vllm", "llama-cpp", "sglang", "tensorrt-llm"]
        case (false, false): ["llama-cpp", "vllm", "exllama", "sglang", "ollama", "lm-studio", "ktransformers", "tensorrt-llm", "aphrodite", "mlc-llm"]
        }
        return order.firstIndex(of: runtime.id.raw) ?? order.count
    }

    /// Ids are at most 100 characters (`RecordID.isValid`); two long machine ids can exceed it.
    /// The number at the front keeps a cut id unique.
    static func shortened(_ id: String) -> String {
        guard id.count > 100 else { return id }
        var cut = String(id.prefix(101))
        if let dash = cut.lastIndex(of: "-") { cut = String(cut[..<dash]) }
        while cut.hasSuffix("-") || cut.hasSuffix(".") { cut.removeLast() }
        return cut
    }

    static func countWord(_ count: Int) -> String {
        ["", "single", "dual", "triple", "quad", "five", "six", "seven", "eight"][min(count, 8)]
    }

    static func titleFor(
        nodes: [(info: MachineInfo, count: Int)], link: (interconnect: Interconnect, transport: Transport, gbit: Double)?,
        topology: TopologyShape, platform: Platform, number: String, purpose: Int
    ) -> String {
        let machines = nodes.map { ($0.count > 1 ? "\($0.count)x " : "") + $0.info.shortName }.joined(separator: " + ")
        var title = machines
        if let link {
            title += " over \(link.interconnect.label) \(link.transport.label), \(SyntheticProse.topologyWords(topology))"
        } else {
            title += " on \(platform.family.label)"
        }
        return title + " for \(SyntheticProse.purposes[purpose].short) (synthetic \(number))"
    }
}

/// The kinds of model class a synthetic combo names.
enum ModelClassKind {
    case largeMoE, largestDense, eightBit, smallFast
}
