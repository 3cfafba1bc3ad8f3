/// Writes one synthetic combo file: YAML front matter in the order CONTRIBUTING.md shows, every
/// string double-quoted and escaped, then a body of a few hundred words.
enum SyntheticComboWriter {
    typealias P = SyntheticProse

    static func text(_ plan: ComboPlan, links: ComboLinks, guides: [String], rng: inout SplitMix64) -> String {
        var y = "---\n"
        y.reserveCapacity(9000)
        y += "title: \(P.quoted(plan.title))\n"
        y += "summary: \(P.quoted(summary(plan, &rng)))\n"
        y += "difficulty: \(plan.difficulty.rawValue)\n"
        y += "reviewed: \(plan.reviewed)\n"
        y += "platform: \(plan.platform.id.raw)\n"
        y += "topology: \(plan.topology.rawValue)\n"
        y += "nodes:\n"
        for node in plan.nodes {
            y += "  - machine: \(node.info.id)\n"
            if node.count > 1 { y += "    count: \(node.count)\n" }
            let label = node.info.shortName.split(separator: " ").first.map { String($0).lowercased() } ?? "node"
            y += "    name: \(P.quoted(plan.nodeCount > 1 ? label : node.info.shortName))\n"
        }
        if let link = plan.link {
            y += "link:\n"
            y += "  interconnect: \(link.interconnect.rawValue)\n"
            y += "  transport: \(link.transport.rawValue)\n"
            y += "  gbit_s: \(P.number(link.gbit))\n"
            y += "  note: \(P.quoted(linkNote(plan, link, &rng)))\n"
        }
        y += "recommended_runtimes: [\(plan.recommended.map(\.id.raw).joined(separator: ", "))]\n"
        y += "runtime_compatibility:\n"
        for runtime in plan.supported {
            y += "  - runtime: \(runtime.id.raw)\n    supported: true\n    note: \(P.quoted(supportedNote(runtime, plan, &rng)))\n"
        }
        for (runtime, reason) in plan.unsupported {
            y += "  - runtime: \(runtime.id.raw)\n    supported: false\n    note: \(P.quoted(reason))\n"
        }
        y += "split_strategies:\n"
        for strategy in plan.strategies {
            y += "  - strategy: \(strategy.rawValue)\n    note: \(P.quoted(strategyNote(strategy, plan, &rng)))\n"
        }
        y += "alternatives: [\(links.alternatives.map(\.id).joined(separator: ", "))]\n"
        if let model = plan.referenceModel { y += "reference_model: \(model.id.raw)\n" }
        y += "setup_notes:\n"
        for note in rng.sample(setupNotes(plan), rng.int(in: 2...4)) { y += "  - \(P.quoted(note))\n" }
        y += "best_model_classes:\n"
        for modelClass in plan.classes {
            let (name, note) = classText(modelClass.kind, modelClass.models, plan, &rng)
            y += "  - name: \(P.quoted(name))\n    note: \(P.quoted(note))\n"
            y += "    models: [\(modelClass.models.map(\.id.raw).joined(separator: ", "))]\n"
        }
        y += "bad_at:\n"
        for item in rng.sample(badAt(plan), rng.int(in: 2...3)) { y += "  - \(P.quoted(item))\n" }
        y += "avoid_if:\n"
        for item in rng.sample(avoidIf(plan, links), rng.int(in: 1...3)) { y += "  - \(P.quoted(item))\n" }
        y += "operations:\n"
        y += "  noise_and_thermals: \(P.quoted(noise(plan, &rng)))\n"
        y += "  reliability: \(P.quoted(reliability(plan, &rng)))\n"
        y += "  os: \(P.quoted(osUpkeep(plan, &rng)))\n"
        y += "failure_modes:\n"
        for mode in rng.sample(failureModes(plan), rng.int(in: 2...3)) {
            y += "  - symptom: \(P.quoted(mode.0))\n    cause: \(P.quoted(mode.1))\n    fix: \(P.quoted(mode.2))\n"
        }
        y += "related:\n"
        y += "  combos: [\(links.related.map(\.id).joined(separator: ", "))]\n"
        let relatedGuides = rng.sample(guides, rng.int(in: 0...2)).sorted()
        if !relatedGuides.isEmpty { y += "  guides: [\(relatedGuides.joined(separator: ", "))]\n" }
        y += "  tools: [\(plan.supported.map(\.id.raw).joined(separator: ", "))]\n"
        y += "benchmark_targets:\n"
        for target in plan.benchmarks {
            y += "  - model: \(target.model.id.raw)\n    quant: \(P.quoted(target.quant.name))\n"
            y += "    runtime: \(target.runtime.id.raw)\n    context: \(target.context)\n"
            y += "    why: \(P.quoted(benchmarkWhy(target.model, target.runtime, target.context, plan, &rng)))\n"
        }
        y += "---\n"
        y += SyntheticBody.text(plan, links: links, rng: &rng)
        return y
    }

    // MARK: Front matter prose

    static func summary(_ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        let memory = P.number(plan.memoryGB)
        let biggest = plan.fitting.first.map(\.name) ?? "small models"
        let hardware = plan.nodeCount > 1
            ? "\(plan.nodeCount) machines (\(P.list(plan.nodes.map { "\($0.count)x \($0.info.shortName)" }))) joined over \(plan.link.map(\.interconnect.label) ?? "a network")"
            : "One \(plan.nodes[0].info.shortName)"
        let openings = [
            "\(hardware) with \(memory) GB for models in total, built for \(P.purposes[plan.purpose].short).",
            "\(hardware): \(memory) GB of model memory aimed at \(P.purposes[plan.purpose].short).",
        ]
        let middles = [
            "It holds models up to \(biggest) at 4-bit and runs them with \(P.list(plan.recommended.map(\.name))).",
            "\(biggest) is the largest catalog model that fits at 4-bit; \(plan.recommended[0].name) is the runtime to start with.",
            "Start with \(plan.recommended[0].name); the largest model that fits comfortably at 4-bit is \(biggest).",
        ]
        let price = plan.priceUSD.map { " Expect about \(P.dollars($0)) and up to \(P.number(plan.powerW)) W at the wall." } ?? ""
        return rng.pick(openings) + " " + rng.pick(middles) + price
    }

    static func linkNote(_ plan: ComboPlan, _ link: (interconnect: Interconnect, transport: Transport, gbit: Double), _ rng: inout SplitMix64) -> String {
        let cables: String = switch plan.topology {
        case .fullMesh: "\(plan.nodeCount * (plan.nodeCount - 1) / 2) cables, one between every pair of machines"
        case .ring: "\(plan.nodeCount) cables, each machine linked to its two neighbours"
        case .star: "one cable from each machine to a switch"
        case .singleBox: "no cables"
        }
        let transport = link.transport == .rdma
            ? "RDMA carries the tensors without the kernel's network stack in the way."
            : "Traffic is plain TCP/IP, so expect well under the \(P.number(link.gbit)) Gb/s line rate in practice."
        let extra = rng.pick([
            " Label the cables; a swapped pair is the most common reason a node does not join.",
            " Keep a separate management network for SSH and downloads.",
            " Short, certified cables avoid link drops under sustained load.",
        ])
        return "\(link.interconnect.label) at \(P.number(link.gbit)) Gb/s: \(cables). \(transport)" + extra
    }

    static func supportedNote(_ runtime: Runtime, _ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        var notes = [
            "Works well here with \(runtime.formats.map(\.label).prefix(2).joined(separator: " and ")) weights; pin a release that works and upgrade deliberately.",
            "A solid choice on \(plan.platform.family.label) for this hardware; its defaults are sensible, but check the memory it reserves at start-up.",
            "Supported and tested by many owners of similar builds; read its log at load time to see how the model was placed.",
        ]
        if plan.nodeCount > 1, runtime.multiHost.supported {
            notes.append("Spans the \(plan.nodeCount) machines over \(runtime.multiHost.transports.map(\.label).joined(separator: " or ")); start every node with the same release.")
        }
        if plan.largestBox > 1, runtime.supports(.tensorParallel) {
            notes.append("Tensor parallel across the \(plan.largestBox) devices of one box makes a single request faster, as long as the head counts divide evenly.")
        }
        return rng.pick(notes)
    }

    static func strategyNote(_ strategy: SplitStrategy, _ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        switch strategy {
        case .singleDevice:
            return rng.pick([
                "The simplest plan: a model that fits one device runs there with no traffic between devices.",
                "Best for models well under one device's memory; keep the rest of the hardware free for a second model.",
            ])
        case .layerSplit:
            return "Each device holds a share of the layers: memory adds up across the \(plan.largestBox) devices, speed for one stream does not."
        case .rowSplit:
            return "Splits each weight matrix by rows; helps some models on fast links and hurts on slow PCIe slots, so measure before keeping it."
        case .tensorParallel:
            return "All \(plan.largestBox) devices work on every layer at once; the fastest single-stream plan when the attention heads divide by \(plan.largestBox)."
        case .expertParallel:
            return "Spreads the experts of a mixture-of-experts model across the devices instead of slicing each expert, which cuts all-reduce traffic."
        case .cpuLayerOffload:
            return "Layers that do not fit in VRAM run on the CPU from system RAM; it works, but decode drops to the pace of the RAM."
        case .moeExpertOffload:
            return "Keeps attention and the KV cache on the GPU and the routed experts in system RAM, the usual way to run a MoE model bigger than the cards."
        case .multiHostPipeline:
            return "Layers are placed machine by machine over the link: memory adds up, every token crosses the link once per hop, and one request is never faster than on one machine."
        case .multiHostTensorParallel:
            return rng.pick([
                "Every machine works on every layer; needs a fast, low-latency link and KV head counts divisible by the number of machines.",
                "The plan that makes one request faster across machines, at the price of an all-reduce per layer over the link.",
            ])
        }
    }

    static func setupNotes(_ plan: ComboPlan) -> [String] {
        var notes = [
            "Download weights to a local NVMe drive before the first run; loading from a network share adds minutes to every restart.",
            "Start with a short context, read how much memory the runtime reports for the KV cache, then raise it.",
            "Write down the exact runtime version and model file hash that work; rebuilds are easier with a known-good pair.",
            "Set up monitoring of temperatures and memory use before the first long run, not after the first crash.",
        ]
        if plan.isApple {
            notes.append("Raise the GPU wired-memory limit with `sudo sysctl iogpu.wired_limit_mb` when a model needs more than the default share, and leave at least 8 GB for macOS.")
        } else if plan.sharesHostMemory {
            notes.append("Check how much of the shared RAM the GPU may map under \(plan.platform.name); the default is often half.")
        } else {
            notes.append("Run headless where possible so no display server takes VRAM, and enable persistence mode on the cards.")
            notes.append("Cap board power slightly below stock; the speed lost is small and the power supply thanks you.")
        }
        if plan.nodeCount > 1 {
            notes.append("Give every machine a fixed address on the link and test bandwidth between each pair before starting a runtime.")
            notes.append("Install the same OS update and runtime release on all \(plan.nodeCount) machines; mixed versions fail in confusing ways.")
        }
        return notes
    }

    static func classText(_ kind: ModelClassKind, _ models: [Model], _ plan: ComboPlan, _ rng: inout SplitMix64) -> (String, String) {
        let names = P.list(models.map(P.modelLink))
        let sizes = models.map { "\(P.number(ComboPlan.size4Bit($0))) GB" }.joined(separator: " and ")
        switch kind {
        case .largeMoE:
            return (rng.pick(["Mixture-of-experts models up to \(P.number(models[0].paramsB))B", "Large MoE models at 4-bit"]),
                    "\(names) at 4-bit (roughly \(sizes)) fit in the \(P.number(plan.memoryGB)) GB; only the active experts are read per token, so decode stays usable.")
        case .largestDense:
            return (rng.pick(["Dense models around \(P.number(models[0].paramsB))B", "The largest dense models that fit"]),
                    "\(names) at 4-bit need about \(sizes), leaving room for a useful context on this hardware.")
        case .eightBit:
            return ("Mid-size dense models at 8-bit",
                    "\(names) at 8-bit keeps nearly all of the model's quality and still leaves memory for the cache.")
        case .smallFast:
            return (rng.pick(["Small, fast models", "Small models for quick answers"]),
                    "\(names) answer fast enough for autocomplete and tool calls, and can run beside a larger model.")
        }
    }

    static func badAt(_ plan: ComboPlan) -> [String] {
        var items = [
            "Models larger than about \(P.number(plan.memoryGB * 0.85)) GB at 4-bit: they do not fit without spilling to slower memory.",
            "Very long contexts on the largest model that fits: the KV cache competes with the weights for the same memory.",
        ]
        if plan.isApple || plan.sharesHostMemory {
            items.append("Prompt processing: the GPU has far less matrix throughput than a discrete card, so long prompts take a while to read.")
        } else {
            items.append("Power draw and heat: \(P.number(plan.powerW)) W at the wall under load is a space heater.")
        }
        if plan.nodeCount > 1 {
            items.append("Single-stream speed under a pipeline split, which adds memory, not speed.")
            items.append("Simplicity: \(plan.nodeCount) machines mean \(plan.nodeCount) sets of updates, cables and things to go wrong.")
        } else if plan.deviceCount == 1 {
            items.append("Growing later: one device is the ceiling, and the next step is a different build.")
        }
        return items
    }

    static func avoidIf(_ plan: ComboPlan, _ links: ComboLinks) -> [String] {
        var items = [
            "You need frontier-size models at full quality; no build of this memory class holds them, [\(links.alternatives[0].title)](/hardware-combos/\(links.alternatives[0].id)/) included.",
            "You would rather pay per token than maintain hardware.",
        ]
        if plan.difficulty == .advanced { items.append("You want something that works out of the box; this build takes real setup time.") }
        if !plan.isApple { items.append("The machine has to live somewhere quiet.") }
        if plan.platform.family == .windows { items.append("You need the Linux-only serving runtimes.") }
        return items
    }

    static func noise(_ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        if plan.isApple {
            return rng.pick(["Close to silent at idle and quiet under load; the machines stay warm to the touch.",
                             "Quiet enough for a desk; fans become audible only during long prompt processing."])
        }
        return rng.pick([
            "Audible under load and warm: about \(P.number(plan.powerW)) W leaves the case as heat.",
            "Loud during long runs; put it in a ventilated room and keep the intake filters clean.",
        ])
    }

    static func reliability(_ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        var parts = ["Few moving parts besides the fans; the weak points are power delivery and firmware updates."]
        if plan.nodeCount > 1 { parts.append("Cables and connectors are the usual suspects when one of the \(plan.nodeCount) machines drops out.") }
        if !plan.sharesHostMemory { parts.append("Watch memory temperatures on the cards; worn thermal pads show up as slowdowns before failures.") }
        return rng.pick(parts)
    }

    static func osUpkeep(_ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        rng.pick([
            "Stay on \(plan.platform.name) and update deliberately: read the runtime's release notes first.",
            "Keep \(plan.platform.name) and the drivers on a known-good pair; test updates on one machine before the rest.",
        ])
    }

    static func failureModes(_ plan: ComboPlan) -> [(String, String, String)] {
        var modes: [(String, String, String)] = [
            ("The model loads but generation is far slower than expected.",
             "Part of the model spilled to slower memory because the context was set larger than the memory allows.",
             "Lower the context or pick a smaller quant until the runtime reports every layer on the accelerator."),
            ("Out-of-memory error while the prompt is processed.",
             "Compute buffers for a long prompt come on top of the weights and the cache.",
             "Reduce the batch size for prompt processing, or leave a few more GB free."),
        ]
        if plan.nodeCount > 1 {
            modes.append(("One machine never joins the cluster.",
                          "A cable, an address or a firewall rule differs on that node.",
                          "Test the link between every pair, compare the network settings, and restart the runtime on all nodes."))
        }
        if !plan.sharesHostMemory {
            modes.append(("The machine switches off under load.",
                          "Short power spikes from the cards trip the power supply's protection.",
                          "Use a larger power supply or cap board power a little below stock."))
        }
        if plan.isApple {
            modes.append(("The Mac freezes when a large model loads.",
                          "The wired-memory limit was raised so far that macOS itself ran out of memory.",
                          "Leave at least 8 GB to macOS when raising `iogpu.wired_limit_mb`."))
        }
        return modes
    }

    static func benchmarkWhy(_ model: Model, _ runtime: Runtime, _ context: Int, _ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        rng.pick([
            "Decode and prefill of \(model.name) with \(runtime.name) at \(context) tokens, to check the estimate on this exact hardware.",
            "Whether \(runtime.name) keeps its speed on \(model.name) as the context grows to \(context) tokens.",
            "A measured number for \(model.name) on this build, the one buyers ask about first.",
        ])
    }
}
