import ArgumentParser
import Catalog
import Fit
import Foundation

/// `combos fit`: one model on a combo, on hypothetical devices in one box, or on several machines
/// linked together; prints the per-device ledger, the speed and why.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Will a model fit, split how, at what speed, and why.",
        discussion: """
            Examples:
              combos fit --combo quad-mac-mini-m4-pro-exo --model qwen3-235b-a22b
              combos fit --device rtx-3090:2 --model llama-3.3-70b --quant Q4_K_M --context 32768
              combos fit --machine mac-mini-m4-pro-64gb:3 --link thunderbolt-5:80:rdma:full-mesh --model llama-3.3-70b --runtime exo
            """)

    @Option(name: .long, help: "A combo id: its machines, link, platform and first recommended runtime.")
    var combo: String?

    @Option(name: .long, help: ArgumentHelp("A device in one hypothetical machine, as ID or ID:COUNT (repeatable).", valueName: "id[:count]"))
    var device: [String] = []

    @Option(name: .long, help: ArgumentHelp("A machine from the catalog, as ID or ID:COUNT (repeatable); several machines need --link.", valueName: "id[:count]"))
    var machine: [String] = []

    @Option(name: .long, help: ArgumentHelp("The link between machines: INTERCONNECT:GBIT[:TRANSPORT[:SHAPE]], e.g. ethernet:10:tcp-ip:star.", valueName: "spec"))
    var link: String?

    @Option(name: .long, help: "The model id.")
    var model: String

    @Option(name: .long, help: "The quant by name (default: the runtime's 4-bit quant of the model).")
    var quant: String?

    @Option(name: .long, help: "Context length in tokens per sequence.")
    var context: Int = 8192

    @Option(name: .long, help: "The runtime id (default: the combo's first recommended runtime, else llama-cpp).")
    var runtime: String?

    @Option(name: .long, help: "The platform id (default: the combo's, else Linux for GPUs and macOS for Apple chips).")
    var platform: String?

    @Option(name: .customLong("kv-cache"), help: "KV cache type: f16, bf16, fp8, q8_0 or q4_0.")
    var kvCache: String = "f16"

    @Option(name: .long, help: "Sequences served at once, each with its own KV cache.")
    var parallel: Int = 1

    @Option(name: .long, help: "Prompt length for the prefill estimate (default: the context, at most 2,048).")
    var prompt: Int?

    @Option(name: .customLong("host-ram"), help: "System RAM of a hypothetical machine, in GB (default 64 for GPUs).")
    var hostRAM: Double?

    @Flag(name: .customLong("raised-wired-limit"), help: "macOS: assume the GPU wired limit was raised with sysctl.")
    var raisedWiredLimit = false

    @Flag(name: .long, help: "Print one JSON object instead of the ledger.")
    var json = false

    @Option(name: .long, help: "The content folder.")
    var content: String = "content"

    func validate() throws {
        let sources = [combo != nil, !device.isEmpty, !machine.isEmpty].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("give exactly one of --combo, --device or --machine") }
        guard context >= 1 else { throw ValidationError("--context must be at least 1") }
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
        guard KVCacheType(rawValue: kvCache) != nil else {
            throw ValidationError("--kv-cache must be one of \(KVCacheType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let loaded = CatalogLoader.load(from: content)
        if loaded.diagnostics.hasErrors {
            Terminal.printDiagnostics(loaded.diagnostics)
            throw ExitCode(1)
        }
        let catalog = loaded.catalog
        let (hardware, defaultRuntime, name) = try resolveHardware(catalog)
        let modelRecord = try lookup(model, in: catalog.models, kind: "model")
        let runtimeRecord = try runtime.map { try lookup($0, in: catalog.runtimes, kind: "runtime") }
            ?? defaultRuntime ?? pickRuntime(catalog, hardware, modelRecord)
        let quantRecord = try pickQuant(modelRecord, runtimeRecord)
        let request = FitRequest(
            model: modelRecord, quant: quantRecord, runtime: runtimeRecord, contextTokens: context,
            kvCacheType: KVCacheType(rawValue: kvCache)!, parallelSequences: parallel, promptTokens: prompt,
            raisedWiredLimit: raisedWiredLimit)
        let result = FitEngine.evaluate(request, on: hardware)
        // On a combo, suggest only runtimes the combo says work on it.
        let comboRuntimes = combo.flatMap { catalog[RecordID<Combo>($0)] }.map { FitChoices.supportedRuntimes(of: $0, in: catalog) }
        let fixes = FitEngine.fixes(for: request, on: hardware, result: result, catalog: catalog, runtimes: comboRuntimes)
        let measured = catalog.benchmarks(matching: request, hardware: hardware)
        if json {
            print(FitReport(request: request, result: result, fixes: fixes, measured: measured).json())
        } else {
            print(FitPrinter.text(request: request, hardware: hardware, name: name, result: result, fixes: fixes, measured: measured))
        }
    }

    // MARK: Resolving the arguments

    private func resolveHardware(_ catalog: Catalog) throws -> (Hardware, Runtime?, String) {
        if let combo {
            let record = try lookup(combo, in: catalog.combos, kind: "combo")
            let platformRecord = try platform.map { try lookup($0, in: catalog.platforms, kind: "platform") }
            guard let hardware = Hardware(combo: record, catalog: catalog, platform: platformRecord) else {
                throw ValidationError("combo \(combo) names records that do not resolve")
            }
            let runtime = record.recommendedRuntimes.first.flatMap { catalog[$0.id] }
            return (hardware, runtime, record.title)
        }
        if !device.isEmpty {
            var list: [(Device, Int)] = []
            for spec in device {
                let (id, count) = try countSpec(spec, option: "--device")
                list.append((try lookup(id, in: catalog.devices, kind: "device"), count))
            }
            let platformRecord = try platform.map { try lookup($0, in: catalog.platforms, kind: "platform") }
                ?? defaultPlatform(catalog, systems: list.map { Set($0.0.os) })
            let hardware = Hardware(devices: list, platform: platformRecord, hostRAMGB: hostRAM)
            return (hardware, nil, list.map { "\($0.1 > 1 ? "\($0.1)× " : "")\($0.0.name)" }.joined(separator: " + "))
        }
        var list: [(Machine, Int, String?)] = []
        for spec in machine {
            let (id, count) = try countSpec(spec, option: "--machine")
            list.append((try lookup(id, in: catalog.machines, kind: "machine"), count, nil))
        }
        let total = list.reduce(0) { $0 + $1.1 }
        var fitLink: FitLink?
        if total > 1 {
            guard let link else { throw ValidationError("several machines need --link INTERCONNECT:GBIT[:TRANSPORT[:SHAPE]]") }
            fitLink = try parseLink(link)
        }
        let systems = list.map { machine -> Set<OSFamily> in
            machine.0.devices.compactMap { catalog[$0.device.id] }.reduce(Set(OSFamily.allCases)) { $0.intersection($1.os) }
        }
        let platformRecord = try platform.map { try lookup($0, in: catalog.platforms, kind: "platform") }
            ?? defaultPlatform(catalog, systems: systems)
        let hardware = Hardware(machines: list, catalog: catalog, platform: platformRecord, link: fitLink)
        return (hardware, nil, list.map { "\($0.1 > 1 ? "\($0.1)× " : "")\($0.0.name)" }.joined(separator: " + "))
    }

    private func countSpec(_ spec: String, option: String) throws -> (String, Int) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, !parts[0].isEmpty else { throw ValidationError("\(option) takes ID or ID:COUNT, not \"\(spec)\"") }
        guard parts.count == 2 else { return (parts[0], 1) }
        guard let count = Int(parts[1]), count >= 1, count <= 1024 else {
            throw ValidationError("\(option) \(spec): the count must be a whole number from 1 to 1024")
        }
        return (parts[0], count)
    }

    private func parseLink(_ spec: String) throws -> FitLink {
        guard let link = FitLink(spec: spec) else {
            throw ValidationError("--link takes INTERCONNECT:GBIT[:TRANSPORT[:SHAPE]]: an interconnect from \(Interconnect.allCases.map(\.rawValue).joined(separator: ", ")), a speed in Gbit/s above zero, transport rdma or tcp-ip, shape ring, full-mesh or star; e.g. thunderbolt-5:80:rdma:full-mesh")
        }
        return link
    }

    private func defaultPlatform(_ catalog: Catalog, systems: [Set<OSFamily>]) throws -> Platform {
        if let platform = FitChoices.platform(for: systems, in: catalog) { return platform }
        throw ValidationError("no platform in the catalog runs these devices together; pass --platform")
    }

    private func pickRuntime(_ catalog: Catalog, _ hardware: Hardware, _ model: Model) throws -> Runtime {
        let candidates = FitChoices.runtimes(for: hardware, in: catalog).filter { runtime in
            model.quants.contains { runtime.formats.contains($0.format) }
        }
        if let preferred = candidates.first(where: { $0.id.raw == "llama-cpp" }) ?? candidates.first { return preferred }
        throw ValidationError("no runtime in the catalog runs \(model.id) on these devices; pass --runtime")
    }

    private func pickQuant(_ model: Model, _ runtime: Runtime) throws -> Quant {
        if let quant {
            guard let found = model.quant(named: quant) else {
                let names = model.quants.map(\.name)
                throw ValidationError("\(model.id) has no quant \"\(quant)\"" + (closestMatch(to: quant, in: names).map { "; did you mean \"\($0)\"?" } ?? "; it has \(names.joined(separator: ", "))"))
            }
            return found
        }
        guard let quant = FitChoices.referenceQuant(of: model, for: runtime) else {
            throw ValidationError("\(runtime.name) loads none of \(model.id)'s quants (\(model.quants.map(\.name).joined(separator: ", ")))")
        }
        return quant
    }

    private func lookup<R: Record>(_ id: String, in records: RecordSet<R>, kind: String) throws -> R {
        if let record = records[RecordID(id)] { return record }
        let hint = closestMatch(to: id, in: records.ids).map { "; did you mean \"\($0)\"?" } ?? ""
        throw ValidationError("no \(kind) \"\(id)\" in the catalog\(hint)")
    }
}
