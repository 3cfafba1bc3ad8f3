/// A new record to fill in (`combos new <kind> <id>`): every field of the kind's schema with its
/// meaning as a comment, required fields filled with placeholders that pass `combos check` (text
/// marked TODO, which `check` reports as a warning until it is replaced), optional fields
/// commented out. Written from the schema, so it never disagrees with what `check` accepts; ids
/// it must name (a platform, a machine, a runtime) are real ones from the catalog.
public enum RecordTemplate {
    public static func text(kind: RecordKind, id: String, catalog: Catalog, today: Day) -> String {
        let values = Values(catalog: catalog, today: today)
        var lines: [String] = []
        lines.append("# A new \(kind.singular), \"\(id)\". Replace every placeholder marked as still to do: `combos check` warns about each one left.")
        lines.append("# Every field is described in CONTRIBUTING.md (field reference); facts need a public source in `sources`.")
        let schema = schema(of: kind)
        let overrides = values.overrides(kind)
        let yaml = emit(schema, indent: "", overrides: overrides, values: values)
        switch kind.format {
        case .yaml:
            return (lines + yaml).joined(separator: "\n") + "\n"
        case .markdown:
            return (["---"] + lines + yaml + ["---", "", body(kind)]).joined(separator: "\n") + "\n"
        }
    }

    public static func schema(of kind: RecordKind) -> Schema {
        switch kind {
        case .device: Device.schema
        case .machine: Machine.schema
        case .platform: Platform.schema
        case .runtime: Runtime.schema
        case .model: Model.schema
        case .combo: Combo.schema
        case .stack: Stack.schema
        case .guide: Guide.schema
        case .benchmark: Benchmark.schema
        }
    }

    private static func body(_ kind: RecordKind) -> String {
        switch kind {
        case .combo: "TODO: why this combo, in your own words: who it is for, what it does well, and what it costs in money, noise and effort."
        case .runtime: "TODO: the operational review: what it is for, how to set it up, how it splits a model, what breaks, who should use it."
        case .stack: "TODO: the write-up: what the stack is for, how the parts fit together, how to set it up."
        case .guide: "TODO: the guide itself, in Markdown. Link catalog pages by their site path, for example [llama.cpp](/tools/llama-cpp/)."
        default: ""
        }
    }

    /// Field lines for a schema: a comment with the meaning and type, then the value.
    private static func emit(_ schema: Schema, indent: String, overrides: [String: String], values: Values) -> [String] {
        var lines: [String] = []
        for field in schema.fields {
            lines.append(indent + "# " + field.doc + " (" + field.type.summary + (field.required ? "" : "; optional") + ")")
            if let override = overrides[field.name] {
                lines += block(field.name, override, indent: indent)
            } else if field.required {
                lines += block(field.name, values.placeholder(field.type, indent: indent + "  "), indent: indent)
            } else {
                lines.append(indent + "# \(field.name): ")
            }
        }
        return lines
    }

    /// `key: value` for a scalar, `key:` and the value's lines below it for a list or mapping.
    private static func block(_ key: String, _ value: String, indent: String) -> [String] {
        if value.hasPrefix("\n") {
            return [indent + key + ":"] + value.dropFirst().split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        }
        return [indent + key + ": " + value]
    }

    /// Placeholder values, and the ids of real records to point at.
    struct Values {
        let catalog: Catalog
        let today: Day

        func placeholder(_ type: FieldType, indent: String) -> String {
            switch type {
            case .text, .markdown: return "\"TODO\""
            case .number(_, let range):
                if let maximum = range.maximum, maximum <= 1 { return "0.5" }
                return range.minimumIsExclusive || (range.minimum ?? 0) > 0 ? "1" : "0"
            case .integer(let minimum): return "\(max(minimum, 1))"
            case .bool: return "false"
            case .date: return today.description
            case .url: return "\"https://example.com/TODO\""
            case .choice(let vocabulary): return vocabulary.values.first ?? "\"TODO\""
            case .reference(let kind): return catalog.ids(of: kind).first ?? "TODO"
            case .list(let element, _):
                switch element {
                case .record(let schema):
                    let inner = emitRecord(schema, indent: indent + "  ")
                    return "\n" + indent + "- " + inner.dropFirst(indent.count + 2)
                default:
                    return "\n" + indent + "- " + placeholder(element, indent: indent + "  ")
                }
            case .record(let schema):
                return "\n" + emitRecord(schema, indent: indent)
            }
        }

        /// A nested mapping's required fields, one per line at `indent`.
        private func emitRecord(_ schema: Schema, indent: String) -> String {
            var lines: [String] = []
            for field in schema.fields where field.required {
                let value = placeholder(field.type, indent: indent + "  ")
                lines += RecordTemplate.block(field.name, value, indent: indent)
            }
            return lines.joined(separator: "\n")
        }

        /// Values the rules that span records need: real ids that go together.
        func overrides(_ kind: RecordKind) -> [String: String] {
            let gpu = catalog.devices.first { $0.kind == .discreteGPU && $0.os.contains(.linux) && $0.backends.contains(.cuda) }
                ?? catalog.devices.first { $0.kind == .discreteGPU }
            let linux = catalog.platforms.first { $0.family == .linux }
            switch kind {
            case .device:
                return [
                    "kind": "discrete-gpu", "vendor": "nvidia", "memory_gb": "24 # TODO: check", "bandwidth_gb_s": "936 # TODO: check",
                    "backends": "[cuda, vulkan]", "os": "[linux, windows]",
                    "sources": "\n  - title: \"TODO: the vendor's spec page or datasheet\"\n    url: \"https://example.com/TODO\"",
                ]
            case .machine:
                var values: [String: String] = [
                    "form_factor": "workstation",
                    "sources": "\n  - title: \"TODO: where the specs come from\"\n    url: \"https://example.com/TODO\"",
                ]
                if let gpu {
                    values["devices"] = "\n  - device: \(gpu.id.raw)\n    count: 1"
                    values["host_ram_gb"] = "64 # TODO"
                }
                return values
            case .combo:
                // A machine with one discrete GPU if there is one, else any; then an OS all its
                // devices run, a runtime for that OS and those devices, and a model it loads.
                let single = catalog.machines.first { machine in
                    machine.deviceCount == 1 && machine.devices.allSatisfy { catalog[$0.device.id]?.kind == .discreteGPU }
                }
                guard let machine = single ?? catalog.machines.all.first else { return [:] }
                let devices = machine.devices.compactMap { catalog[$0.device.id] }
                let families = [OSFamily.linux, .macos, .windows].filter { family in devices.allSatisfy { $0.os.contains(family) } }
                guard let platform = families.lazy.compactMap({ family in catalog.platforms.first { $0.family == family } }).first else { return [:] }
                let runs = { (runtime: Runtime) in
                    runtime.platforms.contains(platform.family)
                        && devices.allSatisfy { !Set($0.backends).isDisjoint(with: runtime.backends) }
                }
                guard let runtime = catalog.runtimes.first(where: { $0.id.raw == "llama-cpp" && runs($0) }) ?? catalog.runtimes.first(where: runs),
                      let model = catalog.models.first(where: { $0.quants.contains { runtime.formats.contains($0.format) } }),
                      let quant = model.quants.first(where: { runtime.formats.contains($0.format) }) else { return [:] }
                let alternative = catalog.combos.ids.first ?? "TODO"
                return [
                    "platform": platform.id.raw,
                    "topology": "single-box",
                    "nodes": "\n  - machine: \(machine.id.raw)",
                    "recommended_runtimes": "[\(runtime.id.raw)]",
                    "runtime_compatibility": "\n  - runtime: \(runtime.id.raw)\n    supported: true\n    note: \"TODO: how well it runs here\"",
                    "split_strategies": "\n  - strategy: single-device\n    note: \"TODO: how it behaves on this combo\"",
                    "alternatives": "[\(alternative)]",
                    "best_model_classes": "\n  - name: \"TODO\"\n    note: \"TODO\"\n    models: [\(model.id.raw)]",
                    "benchmark_targets": "\n  - model: \(model.id.raw)\n    quant: \"\(quant.name)\"\n    runtime: \(runtime.id.raw)\n    context: 8192\n    why: \"TODO: what a measurement would settle\"",
                ]
            case .benchmark:
                guard let gpu, let linux, let runtime = catalog.runtimes.first(where: { $0.id.raw == "llama-cpp" }) ?? catalog.runtimes.all.first,
                      let model = catalog.models.first(where: { $0.quants.contains { runtime.formats.contains($0.format) } }),
                      let quant = model.quants.first(where: { runtime.formats.contains($0.format) }) else { return [:] }
                return [
                    "devices": "\n  - device: \(gpu.id.raw)\n    count: 1", "platform": linux.id.raw, "runtime": runtime.id.raw,
                    "model": model.id.raw, "quant": "\"\(quant.name)\"", "depth_tokens": "0", "decode_tps": "1 # TODO",
                    "source": "\n  title: \"TODO: where it was published\"\n  url: \"https://example.com/TODO\"",
                ]
            case .model:
                return [
                    "params_b": "8 # TODO", "layers": "32 # TODO", "hidden_size": "4096 # TODO", "attention_heads": "32 # TODO",
                    "kv_heads": "8 # TODO", "head_dim": "128 # TODO", "attention": "gqa", "vocab_size": "128256 # TODO",
                    "max_context": "131072 # TODO",
                    "quants": "\n  - name: Q4_K_M\n    format: gguf\n    file_size_gb: 4.9 # TODO: the real file size",
                    "sources": "\n  - title: \"TODO: the model card or config.json\"\n    url: \"https://example.com/TODO\"",
                ]
            case .platform:
                return ["family": "linux", "os_reserve_gb": "2 # TODO",
                        "sources": "\n  - title: \"TODO\"\n    url: \"https://example.com/TODO\""]
            case .runtime:
                return [
                    "platforms": "[linux]", "backends": "[cuda]", "split_strategies": "[single-device]", "formats": "[gguf]",
                    "multi_host": "\n  supported: false",
                    "sources": "\n  - title: \"TODO: the project's README or docs\"\n    url: \"https://example.com/TODO\"",
                ]
            case .stack:
                guard let combo = catalog.combos.ids.first else { return [:] }
                return ["components": "\n  - combo: \(combo)\n    role: \"TODO: Hardware, Inference runtime...\"\n    note: \"TODO: the part it plays\""]
            case .guide:
                return [:]
            }
        }
    }
}
