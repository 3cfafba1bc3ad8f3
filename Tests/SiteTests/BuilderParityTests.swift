import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Fit
@testable import Site

/// The builder's script (`templates/assets/fit.js`) is a port of the Swift fit engine. Over a
/// thousand generated configurations (mixed cards, clusters, MoE and dense models, every
/// platform and runtime) are evaluated in Swift and in headless Chromium: verdicts, strategies
/// and the binding constraint must be the same, speeds within 0.5%, and so must the fixes.
@Suite("Builder parity")
struct BuilderParityTests {
    /// One configuration, as the harness page reads it.
    struct Case: Encodable {
        var devices: [[Item]]?
        var hostRAMGB: Double?
        var machines: [[Item]]?
        var link: Link?
        var platform: String
        var runtime: String
        var model: String
        var quant: String
        var context: Int
        var kv: String
        var parallel: Int
        var prompt: Int?
        var cached: Int
        var raised: Bool
        var fixes: Bool
    }

    struct Link: Encodable {
        let interconnect: String
        let transport: String
        let bytesPerSecond: Double
        let shape: String
    }

    enum Item: Encodable {
        case text(String)
        case number(Int)
        case none

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .none: try container.encodeNil()
            }
        }
    }

    /// What the script answered for one case.
    struct Answer: Decodable {
        let verdict: String
        let strategy: String?
        let decode: Double?
        let full: Double?
        let prefill: Double?
        let constraint: String
        let ledger: [[Double]]
        let labels: [String]
        let runnerUp: String?
        let refused: [String]
        let notes: [String]
        let fixes: [String]?
    }

    /// A small deterministic generator, so a failure can be reproduced.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }
    }

    static func cases(_ catalog: Catalog, count: Int) -> [Case] {
        var random = Generator(state: 20261125)
        let devices = catalog.devices.all
        let gpus = devices.filter { $0.kind == .discreteGPU }
        let unified = devices.filter { $0.kind != .discreteGPU }
        let platforms = catalog.platforms.all
        let runtimes = catalog.runtimes.all
        let models = catalog.models.all
        var cases: [Case] = []
        while cases.count < count {
            var item = Case(
                platform: "", runtime: "", model: "", quant: "", context: random.pick([512, 2048, 8192, 32768, 131072]),
                kv: random.chance(75) ? "f16" : random.pick(["q8_0", "q4_0", "fp8", "bf16"]),
                parallel: random.chance(85) ? 1 : 4, prompt: random.chance(80) ? nil : 512, cached: random.chance(85) ? 0 : 4096,
                raised: random.chance(20), fixes: cases.count % 8 == 0)
            var systems: [Set<OSFamily>] = []
            if random.chance(30), !catalog.machines.all.isEmpty {
                // Machines, linked: clusters of Macs, workstations, mixes.
                let kinds = Int(random.next() % 2) + 1
                var list: [[Item]] = []
                for _ in 0..<kinds {
                    let machine = random.pick(catalog.machines.all)
                    list.append([.text(machine.id.raw), .number(Int(random.next() % 4) + 1), random.chance(50) ? .text("node") : .none])
                    systems.append(machine.devices.compactMap { catalog[$0.device.id] }.reduce(Set(OSFamily.allCases)) { $0.intersection($1.os) })
                }
                item.machines = list
                let gbit = random.pick([10.0, 40, 80, 100])
                item.link = Link(
                    interconnect: random.pick(["thunderbolt-5", "thunderbolt-4", "ethernet", "infiniband"]),
                    transport: random.pick(["rdma", "tcp-ip"]), bytesPerSecond: gbit * 1e9 / 8,
                    shape: random.pick(["ring", "full-mesh", "star"]))
            } else {
                // One machine: one to three kinds of device, mixed freely.
                let kinds = random.chance(60) ? 1 : Int(random.next() % 2) + 2
                var list: [[Item]] = []
                for _ in 0..<kinds {
                    let device = random.chance(70) ? random.pick(gpus) : random.pick(unified)
                    if list.contains(where: { if case .text(device.id.raw) = $0[0] { return true } else { return false } }) { continue }
                    list.append([.text(device.id.raw), .number(Int(random.next() % 4) + 1)])
                    systems.append(Set(device.os))
                }
                item.devices = list
                item.hostRAMGB = random.chance(50) ? nil : random.pick([32.0, 128, 256])
            }
            // Mostly a platform, runtime and quant that go together; sometimes anything.
            let coherent = random.chance(80)
            let shared = systems.reduce(Set(OSFamily.allCases)) { $0.intersection($1) }
            let platform = coherent ? (platforms.filter { shared.contains($0.family) }.first.map { _ in
                random.pick(platforms.filter { shared.contains($0.family) }) } ?? random.pick(platforms)) : random.pick(platforms)
            item.platform = platform.id.raw
            let runtime = coherent ? (runtimes.filter { $0.platforms.contains(platform.family) }.isEmpty ? random.pick(runtimes)
                : random.pick(runtimes.filter { $0.platforms.contains(platform.family) })) : random.pick(runtimes)
            item.runtime = runtime.id.raw
            let model = random.pick(models)
            item.model = model.id.raw
            let loadable = model.quants.filter { runtime.formats.contains($0.format) }
            item.quant = (coherent && !loadable.isEmpty ? random.pick(loadable) : random.pick(model.quants)).name
            cases.append(item)
        }
        return cases
    }

    static func hardware(_ item: Case, _ catalog: Catalog) -> Hardware? {
        guard let platform = catalog[RecordID<Platform>(item.platform)] else { return nil }
        func text(_ value: Item) -> String? { if case .text(let text) = value { return text } else { return nil } }
        func number(_ value: Item) -> Int? { if case .number(let number) = value { return number } else { return nil } }
        if let machines = item.machines {
            var list: [(Machine, Int, String?)] = []
            for entry in machines {
                guard let id = text(entry[0]), let machine = catalog[RecordID<Machine>(id)], let count = number(entry[1]) else { return nil }
                list.append((machine, count, text(entry[2])))
            }
            let link = item.link.flatMap { link in
                Interconnect(rawValue: link.interconnect).flatMap { interconnect in
                    Transport(rawValue: link.transport).flatMap { transport in
                        TopologyShape(rawValue: link.shape).map {
                            FitLink(interconnect: interconnect, transport: transport, bytesPerSecond: link.bytesPerSecond, shape: $0)
                        }
                    }
                }
            }
            return Hardware(machines: list, catalog: catalog, platform: platform, link: link)
        }
        var list: [(Device, Int)] = []
        for entry in item.devices ?? [] {
            guard let id = text(entry[0]), let device = catalog[RecordID<Device>(id)], let count = number(entry[1]) else { return nil }
            list.append((device, count))
        }
        return Hardware(devices: list, platform: platform, hostRAMGB: item.hostRAMGB)
    }

    /// The harness: the shipped engine and data, the cases, and a loop writing the answers.
    static let harness = """
        <!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out"></pre>
        <script src="../will-it-run/custom/fit-data.js"></script>
        <script src="../assets/fit.js"></script>
        <script src="cases.js"></script>
        <script>
        var data = window.COMBOS_FIT_DATA, engine = new CombosFit.Engine(data), answers = [];
        window.PARITY_CASES.forEach(function (c) {
          var hardware = c.machines ? engine.hardwareOfMachines(c.machines, c.platform, c.link)
            : engine.hardwareOfDevices(c.devices, c.platform, c.hostRAMGB, null);
          var model = data.models[c.model];
          var quant = model.quants.filter(function (q) { return q.name === c.quant; })[0];
          var request = engine.request(model, quant, data.runtimes[c.runtime], { contextTokens: c.context, kvCacheType: c.kv,
            parallelSequences: c.parallel, promptTokens: c.prompt, cachedTokens: c.cached, raisedWiredLimit: c.raised });
          var r = engine.evaluate(request, hardware);
          answers.push({ verdict: r.verdict, strategy: r.strategy, decode: r.decode && r.decode.tokensPerSecond,
            full: r.decode && r.decode.atFullContext, prefill: r.prefill && r.prefill.tokensPerSecond, constraint: r.bindingConstraint,
            ledger: r.ledger.map(function (d) { return [d.limitBytes, d.weightBytes, d.kvBytes, d.bufferBytes, d.overheadBytes, d.layers]; }),
            labels: r.ledger.map(function (d) { return d.label + " | " + d.rule + " | " + (d.note || ""); }),
            runnerUp: r.runnerUp ? r.runnerUp.strategy + " " + r.runnerUp.verdict : null,
            refused: (r.refused || []).map(function (a) { return a.strategy + ": " + a.reason; }),
            notes: r.notes || [],
            fixes: c.fixes ? engine.fixes(request, hardware, r).map(function (f) { return f.description + " -> " + f.result.verdict; }) : null });
        });
        document.getElementById("out").textContent = JSON.stringify(answers);
        </script></body></html>
        """

    @Test("the builder's script gives the Swift engine's verdicts, splits, constraints, ledgers, fixes and speeds (within 0.5%)")
    func parity() throws {
        let catalog = ShippedSite.catalog
        let cases = Self.cases(catalog, count: 1200)
        let folder = ShippedSite.scratch("zz-parity")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let encoder = JSONEncoder()
        try ("window.PARITY_CASES = " + String(decoding: try encoder.encode(cases), as: UTF8.self) + ";")
            .write(toFile: folder + "/cases.js", atomically: true, encoding: .utf8)
        try Self.harness.write(toFile: folder + "/index.html", atomically: true, encoding: .utf8)

        let dom = try Chromium.dumpDOM("file://" + folder + "/index.html", seconds: 120)
        let start = try #require(dom.range(of: "<pre id=\"out\">"))
        let end = try #require(dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex))
        let json = String(dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        let answers = try JSONDecoder().decode([Answer].self, from: Data(json.utf8))
        #expect(answers.count == cases.count)

        var verdicts: [String: Int] = [:]
        var strategies: Set<String> = []
        var mismatches = 0
        for (index, (item, answer)) in zip(cases, answers).enumerated() {
            let hardware = try #require(Self.hardware(item, catalog))
            let model = try #require(catalog[RecordID<Model>(item.model)])
            let quant = try #require(model.quant(named: item.quant))
            let runtime = try #require(catalog[RecordID<Runtime>(item.runtime)])
            let request = FitRequest(
                model: model, quant: quant, runtime: runtime, contextTokens: item.context, kvCacheType: KVCacheType(rawValue: item.kv)!,
                parallelSequences: item.parallel, promptTokens: item.prompt, cachedTokens: item.cached, raisedWiredLimit: item.raised)
            let result = FitEngine.evaluate(request, on: hardware)
            verdicts[result.verdict.rawValue, default: 0] += 1
            if let strategy = result.strategy { strategies.insert(strategy.rawValue) }
            func close(_ a: Double?, _ b: Double?) -> Bool {
                guard let a, let b else { return a == nil && b == nil }
                return abs(a - b) <= 0.005 * max(abs(a), abs(b))
            }
            let ledger = result.ledger.map { [$0.limitBytes, $0.weightBytes, $0.kvBytes, $0.bufferBytes, $0.overheadBytes, Double($0.layers)] }
            let labels = result.ledger.map { "\($0.label) | \($0.rule.description) | \($0.note ?? "")" }
            let same = answer.verdict == result.verdict.rawValue && answer.strategy == result.strategy?.rawValue
                && close(answer.decode, result.decode?.tokensPerSecond) && close(answer.full, result.decode?.atFullContext)
                && close(answer.prefill, result.prefill?.tokensPerSecond) && answer.constraint == result.bindingConstraint
                && answer.ledger.count == ledger.count && zip(answer.ledger, ledger).allSatisfy { zip($0, $1).allSatisfy { close($0, $1) } }
                && answer.labels == labels
                && answer.runnerUp == result.runnerUp.map { "\($0.strategy.rawValue) \($0.verdict.rawValue)" }
                && answer.refused == result.refused.map { "\($0.strategy.rawValue): \($0.reason ?? "")" }
                && answer.notes == result.notes
            var sameFixes = true
            if item.fixes {
                let fixes = FitEngine.fixes(for: request, on: hardware, result: result, catalog: catalog)
                sameFixes = answer.fixes == fixes.map { "\($0.description) -> \($0.result.verdict.rawValue)" }
            }
            if !same || !sameFixes {
                mismatches += 1
                if mismatches <= 10 {
                    Issue.record("case \(index) (\(item.model) \(item.quant) on \(item.runtime), \(item.platform)): Swift \(result.verdict.rawValue) \(result.strategy?.rawValue ?? "-") \(result.decode?.tokensPerSecond ?? 0) \"\(result.bindingConstraint)\" \(labels), script \(answer.verdict) \(answer.strategy ?? "-") \(answer.decode ?? 0) \"\(answer.constraint)\" \(answer.labels); refused: Swift \(result.refused.map { "\($0.strategy.rawValue): \($0.reason ?? "")" }), script \(answer.refused)")
                }
            }
        }
        #expect(mismatches == 0)
        // The cases cover every verdict and the splits that matter.
        #expect(Set(verdicts.keys) == ["fits", "tight", "no-fit", "unsupported"], "\(verdicts)")
        for strategy in ["single-device", "layer-split", "tensor-parallel", "cpu-layer-offload", "moe-expert-offload", "multi-host-pipeline", "multi-host-tensor-parallel"] {
            #expect(strategies.contains(strategy), "no case chose \(strategy)")
        }
    }
}
