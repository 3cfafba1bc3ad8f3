/// The words of a synthetic combo: its front matter as YAML and its "Why this combo" body,
/// composed from phrase banks so that bodies vary the way real ones do (several paragraphs,
/// a table, a list, links to models, runtimes and other combos) and weigh what a real page
/// weighs when the build renders, indexes and link-checks it.
enum SyntheticProse {
    struct Purpose {
        let short: String
        let sentence: String
    }

    /// What a buyer builds the combo for; part of the title, so titles read differently.
    static let purposes: [Purpose] = [
        Purpose(short: "a coding assistant", sentence: "The owner wants a private coding assistant that keeps a large repository in context and answers while they are still reading the diff."),
        Purpose(short: "a home lab", sentence: "It is a home-lab build: one person, many experiments, and a strong preference for trying the newest open-weight release the week it lands."),
        Purpose(short: "team serving", sentence: "It serves a small team through one OpenAI-compatible endpoint, so concurrency and steady latency matter more than the last token per second of a single stream."),
        Purpose(short: "agent pipelines", sentence: "It runs agent pipelines that fire many short requests in parallel, where prompt processing and batching decide how long a task takes."),
        Purpose(short: "long documents", sentence: "It reads long documents, contracts and research papers, so the context window and the memory left for the KV cache decide more than raw decode speed."),
        Purpose(short: "private chat", sentence: "It is a private chat machine for a household or a small office, where quiet operation and a setup that survives updates matter most."),
        Purpose(short: "model evaluation", sentence: "It is an evaluation bench: the same prompts against many models and quants, so loading speed and disk space matter as much as generation speed."),
        Purpose(short: "large MoE models", sentence: "It exists to hold the largest mixture-of-experts models the memory allows, accepting slower prompt processing in exchange for room."),
    ]

    static func topologyWords(_ topology: TopologyShape) -> String {
        switch topology {
        case .singleBox: "single box"
        case .ring: "ring"
        case .fullMesh: "full mesh"
        case .star: "switched star"
        }
    }

    /// 64 -> "64", 1.5 -> "1.5": one decimal at most, without Foundation's locale-dependent formatting.
    static func number(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(abs(tenths % 10))"
    }

    /// 12400 -> "$12,400".
    static func dollars(_ value: Double) -> String {
        var digits = String(Int(value.rounded()))
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return "$" + groups.joined(separator: ",")
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func modelLink(_ model: Model) -> String { "[\(model.name)](/models/\(model.id.raw)/)" }
    static func runtimeLink(_ runtime: Runtime) -> String { "[\(runtime.name)](/tools/\(runtime.id.raw)/)" }
    static func comboLink(_ plan: ComboPlan, _ text: String? = nil) -> String {
        "[\(text ?? plan.title)](/hardware-combos/\(plan.id)/)"
    }
    static func machineLink(_ info: MachineInfo) -> String { "[\(info.shortName)](/machines/\(info.id)/)" }

    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        case 2: items[0] + " and " + items[1]
        default: items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
        }
    }

    /// A short guide for a guide id the copied records link to.
    static func guide(_ id: String, plans: [ComboPlan], rng: inout SplitMix64) -> String {
        let words = id.split(separator: "-").joined(separator: " ")
        let title = "Synthetic guide: " + words.prefix(1).uppercased() + words.dropFirst()
        let picks = rng.sample(Array(plans.indices.prefix(200)), min(4, plans.count)).sorted().map { plans[$0] }
        var text = "---\n"
        text += "title: \(quoted(title))\n"
        text += "summary: \(quoted("A stand-in for the guide the copied records link to, so that every link in the synthetic catalog resolves."))\n"
        text += "published: 2026-11-25\n"
        text += "related:\n  combos: [\(picks.map(\.id).joined(separator: ", "))]\n"
        text += "---\n"
        text += "This guide stands in for the real one about \(words). The synthetic catalog keeps the real runtime reviews byte for byte, and they link here, so the page exists for their links to resolve.\n\n"
        text += "Builds that show the topic in practice: " + list(picks.map { comboLink($0) }) + ".\n"
        return text
    }
}

/// The other synthetic combos a combo points at: alternatives of similar memory, and related
/// ones. Chosen from the whole list of plans, so they are the only part of a combo that
/// depends on how many combos there are.
struct ComboLinks {
    let alternatives: [ComboPlan]
    let related: [ComboPlan]

    static func choose(for plan: ComboPlan, among plans: [ComboPlan], byTier: [[Int]], rng: inout SplitMix64) -> ComboLinks {
        precondition(plans.count >= 2, "a synthetic catalog needs at least two combos to compare")
        var taken: [Int] = [plan.index]
        // `bucket` nil draws from every combo, without building a list of them all.
        func draw(from bucket: [Int]?, _ count: Int) -> [Int] {
            var chosen: [Int] = []
            var attempts = 0
            let size = bucket?.count ?? plans.count
            while chosen.count < count, attempts < count * 6, size > 0 {
                attempts += 1
                let pick = rng.int(size)
                let candidate = bucket?[pick] ?? pick
                if !taken.contains(candidate) {
                    chosen.append(candidate)
                    taken.append(candidate)
                }
            }
            // Too few of the same size: the neighbours in the list, which always exist.
            var step = 1
            while chosen.count < count, step < plans.count {
                let candidate = (plan.index + step) % plans.count
                if !taken.contains(candidate) {
                    chosen.append(candidate)
                    taken.append(candidate)
                }
                step += 1
            }
            return chosen
        }
        let alternatives = draw(from: byTier[plan.tier], rng.int(in: 2...3))
        let related = draw(from: rng.chance(0.5) ? byTier[plan.tier] : nil, rng.int(in: 1...3))
        return ComboLinks(alternatives: alternatives.map { plans[$0] }, related: related.map { plans[$0] })
    }
}
