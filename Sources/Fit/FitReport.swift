import Catalog
import Foundation

/// A fit result as `combos fit --json` prints it (a contract: verdict, strategy, devices,
/// decode_tps, prefill_tps, binding_constraint, fixes, basis). Memory in GiB, speeds in tokens/s.
public struct FitReport: Encodable, Sendable {
    public struct Device: Encodable, Sendable {
        let label: String
        let device: String
        let host_ram: Bool
        let limit_gib: Double
        let limit_rule: String
        let safety_margin_gib: Double
        let usable_gib: Double
        let weights_gib: Double
        let kv_cache_gib: Double
        let buffers_gib: Double
        let overhead_gib: Double
        let headroom_gib: Double
        let headroom: Double
        let layers: Int
        let first_layer: Int
        let note: String?
    }

    public struct Speed: Encodable, Sendable {
        let value: Double
        let low: Double
        let high: Double
    }

    public struct Fix: Encodable, Sendable {
        let change: String
        let verdict: String
        let strategy: String?
        let decode_tps: Double?
    }

    public struct Constant: Encodable, Sendable {
        let symbol: String
        let value: Double
        let unit: String
        let source: String
    }

    public struct Alternative: Encodable, Sendable {
        let strategy: String
        let verdict: String
        let decode_tps: Double?
        let reason: String?
    }

    public struct Measured: Encodable, Sendable {
        let decode_tps: Double?
        let prefill_tps: Double?
        let depth_tokens: Int
        let source: String
        let url: String
    }

    let model: String
    let quant: String
    let runtime: String
    let context: Int
    let kv_cache_type: String
    let weights_gib: Double
    let verdict: String
    let strategy: String?
    let devices: [Device]
    let decode_tps: Speed?
    let prefill_tps: Speed?
    let prompt_tokens: Int
    let binding_constraint: String
    let runner_up: Alternative?
    let not_possible: [Alternative]
    let fixes: [Fix]
    let notes: [String]
    let basis: [Constant]
    let measured: [Measured]

    public init(request: FitRequest, result: FitResult, fixes: [FitFix], measured: [Benchmark] = []) {
        let gib = FitConstants.gibibyte
        model = request.model.id.raw
        quant = request.quant.name
        runtime = request.runtime.id.raw
        context = request.contextTokens
        kv_cache_type = request.kvCacheType.rawValue
        weights_gib = Self.round((result.footprint?.totalWeightBytes ?? 0) / gib)
        verdict = result.verdict.rawValue
        strategy = result.strategy?.rawValue
        devices = result.ledger.map { entry in
            Device(
                label: entry.label, device: entry.deviceName, host_ram: entry.isHostRAM,
                limit_gib: Self.round(entry.limitBytes / gib), limit_rule: entry.rule.description,
                safety_margin_gib: Self.round(entry.marginBytes / gib), usable_gib: Self.round(entry.usableBytes / gib),
                weights_gib: Self.round(entry.weightBytes / gib), kv_cache_gib: Self.round(entry.kvBytes / gib),
                buffers_gib: Self.round(entry.bufferBytes / gib), overhead_gib: Self.round(entry.overheadBytes / gib),
                headroom_gib: Self.round(entry.headroomBytes / gib), headroom: Self.round(entry.headroom, places: 3),
                layers: entry.layers, first_layer: entry.firstLayer, note: entry.note)
        }
        decode_tps = result.decode.map { Speed(value: Self.round($0.tokensPerSecond), low: Self.round($0.low), high: Self.round($0.high)) }
        prefill_tps = result.prefill.map { Speed(value: Self.round($0.tokensPerSecond), low: Self.round($0.low), high: Self.round($0.high)) }
        prompt_tokens = request.promptTokens
        binding_constraint = result.bindingConstraint
        runner_up = result.runnerUp.map {
            Alternative(strategy: $0.strategy.rawValue, verdict: $0.verdict.rawValue, decode_tps: $0.decodeTokensPerSecond.map { Self.round($0) }, reason: nil)
        }
        not_possible = result.refused.map {
            Alternative(strategy: $0.strategy.rawValue, verdict: $0.verdict.rawValue, decode_tps: nil, reason: $0.reason)
        }
        self.fixes = fixes.map {
            Fix(change: $0.description, verdict: $0.result.verdict.rawValue, strategy: $0.result.strategy?.rawValue,
                decode_tps: $0.result.decode.map { Self.round($0.tokensPerSecond) })
        }
        notes = result.notes
        basis = result.basis.map { Constant(symbol: $0.symbol, value: $0.value, unit: $0.unit, source: $0.source) }
        self.measured = measured.map {
            Measured(decode_tps: $0.decodeTPS, prefill_tps: $0.prefillTPS, depth_tokens: $0.depthTokens, source: $0.source.title, url: $0.source.url)
        }
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func round(_ value: Double, places: Int = 2) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (value * scale).rounded() / scale
    }
}

extension Catalog {
    /// Measurements of this model and quant on the same devices with the same runtime.
    public func benchmarks(matching request: FitRequest, hardware: Hardware) -> [Benchmark] {
        let devices = hardware.devices.map(\.id).sorted()
        return benchmarks.filter { benchmark in
            guard benchmark.model.id == request.model.id, benchmark.quant == request.quant.name,
                  benchmark.runtime.id == request.runtime.id else { return false }
            let measured: [String]
            if let combo = benchmark.combo, let record = self[combo.id], let fit = Hardware(combo: record, catalog: self) {
                measured = fit.devices.map(\.id).sorted()
            } else {
                measured = benchmark.devices.flatMap { Array(repeating: $0.device.id.raw, count: $0.count) }.sorted()
            }
            return measured == devices
        }
    }
}
