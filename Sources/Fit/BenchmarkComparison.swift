import Catalog

/// A published measurement beside the fit engine's estimate for the same configuration: the
/// same devices (or combo), platform, runtime, backend, model, quant, context depth and prompt.
public struct BenchmarkComparison: Sendable {
    public let benchmark: Benchmark
    public let hardware: Hardware
    public let request: FitRequest
    public let result: FitResult
    /// Estimated decode tokens/s with the cache holding the measurement's depth.
    public let estimatedDecode: Double?
    public let estimatedPrefill: Double?

    /// (estimate − measured) / measured, when both exist.
    public var decodeError: Double? {
        guard let measured = benchmark.decodeTPS, let estimated = estimatedDecode else { return nil }
        return (estimated - measured) / measured
    }

    public var prefillError: Double? {
        guard let measured = benchmark.prefillTPS, let estimated = estimatedPrefill else { return nil }
        return (estimated - measured) / measured
    }
}

extension Catalog {
    /// The estimate for a benchmark's configuration, or nil when its records do not resolve.
    public func comparison(for benchmark: Benchmark) -> BenchmarkComparison? {
        guard let model = self[benchmark.model.id], let quant = model.quant(named: benchmark.quant),
              let runtime = self[benchmark.runtime.id] else { return nil }
        let hardware: Hardware
        if let reference = benchmark.combo {
            guard let combo = self[reference.id], let built = Hardware(combo: combo, catalog: self) else { return nil }
            hardware = built
        } else {
            var devices: [(Device, Int)] = []
            for slot in benchmark.devices {
                guard let device = self[slot.device.id] else { return nil }
                devices.append((device, slot.count))
            }
            let platform = benchmark.platform.flatMap { self[$0.id] }
                ?? FitChoices.platform(for: devices.map { Set($0.0.os) }, in: self)
            guard let platform else { return nil }
            hardware = Hardware(devices: devices, platform: platform, hostRAMGB: nil)
        }
        // Decode was timed with `depth` tokens already cached; the estimate at that full context.
        let request = FitRequest(
            model: model, quant: quant, runtime: runtime, contextTokens: max(1, benchmark.depthTokens),
            promptTokens: benchmark.promptTokens ?? 512, cachedTokens: benchmark.depthTokens, backend: benchmark.backend)
        let result = FitEngine.evaluate(request, on: hardware)
        let decode = result.decode.map { benchmark.depthTokens > 0 ? $0.atFullContext : $0.tokensPerSecond }
        return BenchmarkComparison(
            benchmark: benchmark, hardware: hardware, request: request, result: result,
            estimatedDecode: decode, estimatedPrefill: result.prefill?.tokensPerSecond)
    }
}

/// How far estimates are from measurements, over a set of comparisons.
public struct EstimateErrors: Sendable {
    public let count: Int
    /// Median and largest absolute relative error.
    public let median: Double
    public let worst: Double

    /// The decode errors of the comparisons that have both numbers, or nil when none has.
    public init?(decodeOf comparisons: [BenchmarkComparison]) {
        let errors = comparisons.compactMap(\.decodeError).map(abs).sorted()
        guard let worst = errors.last else { return nil }
        count = errors.count
        let middle = errors.count / 2
        median = errors.count % 2 == 1 ? errors[middle] : (errors[middle - 1] + errors[middle]) / 2
        self.worst = worst
    }
}
