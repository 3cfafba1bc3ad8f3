/// The "Why this combo" body of a synthetic combo: five or six paragraphs, a table and a bullet
/// list, 350 to 600 words, each paragraph picked from several phrasings and filled with the
/// combo's own facts so that no two bodies read the same.
enum SyntheticBody {
    typealias P = SyntheticProse

    static func text(_ plan: ComboPlan, links: ComboLinks, rng: inout SplitMix64) -> String {
        var parts: [String] = []
        parts.append(intro(plan, &rng))
        parts.append(P.purposes[plan.purpose].sentence + " " + fit(plan, &rng))
        if rng.chance(0.5) {
            parts.append(modelTable(plan, &rng))
            parts.append(runtimes(plan, &rng))
        } else {
            parts.append(runtimes(plan, &rng))
            parts.append(partsTable(plan, &rng))
        }
        parts.append(wiring(plan, &rng))
        parts.append(bullets(plan, &rng))
        parts.append(comparison(plan, links, &rng))
        return parts.joined(separator: "\n\n") + "\n"
    }

    static func hardwareWords(_ plan: ComboPlan) -> String {
        P.list(plan.nodes.map { node in
            (node.count > 1 ? "\(node.count) " : "one ") + P.machineLink(node.info) + (node.count > 1 ? " machines" : "")
        })
    }

    static func intro(_ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        let memory = P.number(plan.memoryGB)
        let bandwidth = P.number(plan.nodes.map(\.info.bandwidthGBs).max() ?? 0)
        let devices = plan.deviceCount == 1 ? "a single accelerator" : "\(plan.deviceCount) accelerators"
        let price = plan.priceUSD.map { "Bought new or assembled today it comes to roughly \(P.dollars($0)), " } ?? "Its price depends on the market for parts, "
        let power = "and it draws up to \(P.number(plan.powerW)) W at the wall."
        let variants = [
            "This build puts \(hardwareWords(plan)) to work on local models: \(devices) with \(memory) GB of memory between them, each reading its weights at up to \(bandwidth) GB/s. \(price)\(power) It runs \(plan.platform.name), which decides how much of that memory a model may actually use.",
            "Take \(hardwareWords(plan)) and you have \(memory) GB for weights and cache, spread over \(devices). Memory bandwidth, up to \(bandwidth) GB/s per device, sets how fast each token comes out once the model is loaded. \(price)\(power)",
            "The idea is simple: \(memory) GB of fast memory for open-weight models, from \(hardwareWords(plan)). That is \(devices) under \(plan.platform.name), reading at up to \(bandwidth) GB/s each. \(price)\(power) Whether that is good value depends on which models you intend to run, which is where most buyers go wrong.",
        ]
        return rng.pick(variants)
    }

    static func fit(_ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        let largest = plan.fitting.first
        let second = plan.fitting.dropFirst().first
        var text = ""
        if let largest {
            text += rng.pick([
                "The largest catalog model that fits at 4-bit is \(P.modelLink(largest)), at roughly \(P.number(ComboPlan.size4Bit(largest))) GB with a modest cache.",
                "At 4-bit, \(P.modelLink(largest)) is the biggest model in the catalog that fits, needing about \(P.number(ComboPlan.size4Bit(largest))) GB before the cache.",
            ])
        }
        if let second {
            text += " " + rng.pick([
                "\(P.modelLink(second)) leaves more room for long contexts and is the better everyday choice.",
                "For daily use, \(P.modelLink(second)) is the more comfortable fit, with memory to spare for a long conversation.",
            ])
        }
        if let reference = plan.referenceModel {
            text += " The comparison table further down the page estimates every alternative on \(P.modelLink(reference)), so the numbers line up."
        }
        return text
    }

    static func modelTable(_ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        let models = Array(plan.fitting.prefix(rng.int(in: 3...5)))
        var rows = ["| Model | Parameters | Approx. 4-bit size | Share of memory |", "| --- | --- | --- | --- |"]
        for model in models {
            let size = ComboPlan.size4Bit(model)
            let share = Int((size / max(plan.memoryGB, 1) * 100).rounded())
            let params = model.activeParamsB.map { "\(P.number(model.paramsB))B (\(P.number($0))B active)" } ?? "\(P.number(model.paramsB))B"
            rows.append("| \(P.modelLink(model)) | \(params) | \(P.number(size)) GB | \(share)% |")
        }
        let lead = rng.pick([
            "How the catalog's larger models sit in this memory, at 4-bit and before the cache:",
            "Rough sizes at 4-bit, to see what is left for context:",
        ])
        return lead + "\n\n" + rows.joined(separator: "\n")
    }

    static func partsTable(_ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        var rows = ["| Part | Count | Memory each | Price each |", "| --- | --- | --- | --- |"]
        for node in plan.nodes {
            let price = node.info.machine.price.map { P.dollars($0.usd) } ?? "varies"
            rows.append("| \(P.machineLink(node.info)) | \(node.count) | \(P.number(node.info.memoryGB)) GB | \(price) |")
        }
        if let link = plan.link {
            let cables = plan.topology == .fullMesh ? plan.nodeCount * (plan.nodeCount - 1) / 2 : plan.nodeCount
            rows.append("| \(link.interconnect.label) cable | \(cables) | n/a | \(rng.pick(["$40", "$60", "$90"])) |")
            if plan.topology == .star { rows.append("| \(link.interconnect.label) switch | 1 | n/a | \(rng.pick(["$600", "$1,200", "$2,500"])) |") }
        }
        let total = plan.priceUSD.map { "The machines add up to about \(P.dollars($0)) before cables and storage." } ?? "Prices move with the used market, so check current listings."
        return rng.pick(["What goes into it:", "The parts list, at the prices the records give:"]) + "\n\n" + rows.joined(separator: "\n") + "\n\n" + total
    }

    static func runtimes(_ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        let first = plan.recommended[0]
        let others = plan.supported.filter { $0.id != first.id }
        var text = rng.pick([
            "Start with \(P.runtimeLink(first)): it is the runtime owners of this hardware reach for first, and it handles the splits this build needs.",
            "\(P.runtimeLink(first)) is the first runtime to install here, because it supports \(plan.platform.family.label) and the devices without extra work.",
            "On this hardware, \(P.runtimeLink(first)) is the sensible default.",
        ])
        if !others.isEmpty {
            text += " " + rng.pick([
                "\(P.list(others.map(P.runtimeLink))) also work, each with its own trade-offs in formats and batching.",
                "If it does not suit you, \(P.list(others.map(P.runtimeLink))) \(others.count == 1 ? "runs" : "run") here too.",
            ])
        }
        if let missing = plan.unsupported.first {
            text += " \(P.runtimeLink(missing.runtime)) is not an option on this build: " + missing.reason.prefix(1).lowercased() + missing.reason.dropFirst()
        }
        return text
    }

    static func wiring(_ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        if let link = plan.link {
            let shape = P.topologyWords(plan.topology)
            return rng.pick([
                "The \(plan.nodeCount) machines are wired as a \(shape) over \(link.interconnect.label) at \(P.number(link.gbit)) Gb/s using \(link.transport.label). Every token of a split model crosses that link, so its latency matters more than its bandwidth for a single conversation. A pipeline split adds memory without adding speed; only a tensor split across machines makes one request faster, and only on a link fast enough to keep up.",
                "Between the machines runs \(link.interconnect.label) at \(P.number(link.gbit)) Gb/s (\(link.transport.label)), cabled as a \(shape). That is an order of magnitude slower than memory, which is why the runtimes split models by layers across machines and keep the heavy traffic inside each one. Expect the cluster to hold bigger models than any single node, not to run small ones faster.",
            ])
        }
        if plan.deviceCount > 1 {
            return rng.pick([
                "Inside the box, the \(plan.deviceCount) devices share one PCIe root, so a layer split costs little and tensor parallelism pays off when the model's heads divide by \(plan.deviceCount). Keeping everything in one machine avoids the network entirely, which is the main reason to prefer this over a cluster of the same memory.",
                "With \(plan.deviceCount) devices in one machine, the split happens over internal links rather than a network. Layer splits are simple and robust; tensor parallel is faster for one stream but demands even head counts and a runtime that supports it.",
            ])
        }
        return rng.pick([
            "Everything runs on one device, so there is no split to tune and nothing to cable. What you see is what you get: the model either fits in memory or it does not, and speed is set almost entirely by memory bandwidth.",
            "A single device keeps things simple. There is no interconnect to debug, updates touch one machine, and the runtime's defaults usually work the first time.",
        ])
    }

    static func bullets(_ plan: ComboPlan, _ rng: inout SplitMix64) -> String {
        var items = [
            "Memory decides which models run at all; bandwidth decides how fast they answer.",
            "Leave headroom for the KV cache: a long context can need as much memory as a small model.",
            "Quantization below 4-bit saves memory but costs visible quality on reasoning tasks.",
            "Measure your own workload before buying more hardware; most slowdowns are configuration.",
        ]
        if plan.nodeCount > 1 { items.append("Every machine added is one more thing to update, cable and monitor.") }
        if plan.isApple { items.append("macOS limits how much unified memory the GPU may wire by default; raise it deliberately.") }
        if !plan.sharesHostMemory { items.append("Discrete cards bring real matrix throughput, so prompt processing is fast.") }
        if plan.priceUSD != nil { items.append("Prices in the records are estimates; used parts vary widely.") }
        let picked = rng.sample(items, rng.int(in: 4...5))
        let lead = rng.pick(["Before you buy, keep in mind:", "A few rules of thumb for this build:", "What owners of similar builds report:"])
        return lead + "\n\n" + picked.map { "- " + $0 }.joined(separator: "\n")
    }

    static func comparison(_ plan: ComboPlan, _ links: ComboLinks, _ rng: inout SplitMix64) -> String {
        let alternatives = links.alternatives.map { P.comboLink($0) }
        var text = rng.pick([
            "Compare it with \(P.list(alternatives)), which sit in the same memory class and answer the same question differently.",
            "The closest alternatives are \(P.list(alternatives)); the comparison table shows how each one fares on the same model.",
        ])
        if let related = links.related.first {
            text += " " + rng.pick([
                "For a different approach to similar work, see \(P.comboLink(related)).",
                "\(P.comboLink(related)) is worth a look if your priorities differ.",
            ])
        }
        return text
    }
}
