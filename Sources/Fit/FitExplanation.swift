import Catalog

extension FitResult {
    /// The constraint that decides the verdict, in words: the device that is short and by how
    /// much, with what fills it; or the tightest device; or why the runtime cannot run it.
    public var bindingConstraint: String {
        if let unsupportedReason { return unsupportedReason }
        guard let worst = ledger.min(by: { $0.headroom < $1.headroom }) else { return "nothing to place" }
        let parts = worst.contents
        switch verdict {
        case .noFit:
            return "\(worst.label) is \(gibText(-worst.headroomBytes / FitConstants.gibibyte)) short: \(parts) need \(gibText(worst.neededBytes / FitConstants.gibibyte)) of \(gibText(worst.usableBytes / FitConstants.gibibyte)) usable"
        case .tight:
            return "\(worst.label) keeps only \(gibText(worst.headroomBytes / FitConstants.gibibyte)) free (\(percent(max(0, worst.headroom)))) after \(parts)"
        case .fits, .unsupported:
            return "the tightest device, \(worst.label), keeps \(gibText(worst.headroomBytes / FitConstants.gibibyte)) free (\(percent(worst.headroom)))"
        }
    }

    /// The constants behind this result: memory rules always, speed terms for the strategy.
    public var basis: [FitConstant] {
        var constants: [FitConstant] = [FitConstants.comfortableHeadroom, FitConstants.safetyMargin, FitConstants.ubatchTokens,
                                        FitConstants.computeBufferBytesPerValue]
        guard let strategy else { return constants }
        constants += [FitConstants.bandwidthEfficiencyGDDR, FitConstants.bandwidthEfficiencyHBM, FitConstants.bandwidthEfficiencyLPDDR,
                      FitConstants.bandwidthEfficiencyMultiDie, FitConstants.computeEfficiency, FitConstants.estimateBand]
        if footprint?.moeLayers ?? 0 > 0 { constants.append(FitConstants.expertReadEfficiency) }
        switch strategy {
        case .layerSplit, .rowSplit: constants.append(FitConstants.hopLatencyPCIe)
        case .tensorParallel, .expertParallel: constants += [FitConstants.allReduceLatencyPCIe, FitConstants.allReduceLatencyNVLink]
        case .cpuLayerOffload, .moeExpertOffload: constants += [FitConstants.bandwidthEfficiencyDDR, FitConstants.pcieEfficiency]
        case .multiHostPipeline: constants += [FitConstants.hopLatencyTCP, FitConstants.hopLatencyRDMA]
        case .multiHostTensorParallel: constants += [FitConstants.allReduceLatencyTCP, FitConstants.allReduceLatencyRDMA]
        case .singleDevice: break
        }
        return constants
    }
}

extension DeviceLedger {
    /// "weights 20.1 GiB, KV cache 6.2 GiB, buffers 0.4 GiB and runtime overhead 0.5 GiB".
    public var contents: String {
        var parts = ["weights \(gibText(weightBytes / FitConstants.gibibyte))"]
        if kvBytes > 0 { parts.append("KV cache \(gibText(kvBytes / FitConstants.gibibyte))") }
        if bufferBytes > 0 { parts.append("buffers \(gibText(bufferBytes / FitConstants.gibibyte))") }
        if overheadBytes > 0 { parts.append("runtime overhead \(gibText(overheadBytes / FitConstants.gibibyte))") }
        return listing(parts, conjunction: "and")
    }
}
