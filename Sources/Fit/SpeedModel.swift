import Catalog

/// Decode and prefill time on one device, and the cost of the links between devices.
///
/// Decode reads every weight it uses once per token:
/// `t = bytes / (η · bandwidth) + layers · τ + 2 · active params / (κ · shader FLOP/s)`,
/// where η depends on the memory family, τ on the backend, and κ is the compute efficiency
/// (fit-method §6.5, refitted to the public llama.cpp scoreboards).
enum SpeedModel {
    /// Share of peak bandwidth a decode reaches on a device.
    static func bandwidthEfficiency(dies: Int, memory: MemoryTechnology.Family) -> Double {
        if dies > 1 { return FitConstants.bandwidthEfficiencyMultiDie.value }
        switch memory {
        case .gddr: return FitConstants.bandwidthEfficiencyGDDR.value
        case .hbm: return FitConstants.bandwidthEfficiencyHBM.value
        case .lpddr: return FitConstants.bandwidthEfficiencyLPDDR.value
        case .ddr: return FitConstants.bandwidthEfficiencyDDR.value
        }
    }

    /// Per-layer dispatch cost in seconds, from the runtime's record when it gives one.
    static func layerOverhead(_ device: FitDevice, backend: Backend, rules: RuntimeFitRules) -> Double {
        // The most specific override for the backend wins: the first naming the die count, else
        // the first naming the memory family, else the first naming neither (one pass, since
        // this runs for every device of every request).
        var byMemory: Double?
        var plain: Double?
        for override in rules.layerOverhead where override.backend == backend {
            if let dies = override.dies {
                if dies == device.dies { return override.microseconds * 1e-6 }
            } else if let memory = override.memory {
                if memory == device.memoryFamily, byMemory == nil { byMemory = override.microseconds }
            } else if plain == nil {
                plain = override.microseconds
            }
        }
        if let match = byMemory ?? plain { return match * 1e-6 }
        let microseconds: Double = switch backend {
        case .cuda: device.memoryFamily == .hbm ? FitConstants.layerOverheadCUDADatacenter.value : FitConstants.layerOverheadCUDA.value
        case .metal: device.dies > 1 ? FitConstants.layerOverheadMetalMultiDie.value : FitConstants.layerOverheadMetal.value
        case .vulkan: FitConstants.layerOverheadVulkan.value
        case .rocm: FitConstants.layerOverheadROCm.value
        case .sycl: FitConstants.layerOverheadSYCL.value
        case .cpu: FitConstants.layerOverheadCPU.value
        }
        return microseconds * 1e-6
    }

    /// Share of the usual speed a backend reaches on this architecture, per the runtime record.
    static func backendEfficiency(_ device: FitDevice, backend: Backend, rules: RuntimeFitRules) -> Double {
        guard let architecture = device.architecture, !rules.backendEfficiency.isEmpty else { return 1 }
        return rules.backendEfficiency.first { $0.backend == backend && $0.architecture == architecture }?.factor ?? 1
    }

    /// Seconds for the CPU of a host to read its share of weights for one token.
    static func cpuDecodeSeconds(_ host: FitHost, bytesRead: Double, layers: Int) -> Double {
        let bandwidth = (host.ramBandwidthBytesPerSecond ?? defaultHostRAMBandwidth) * FitConstants.bandwidthEfficiencyDDR.value
        return bytesRead / bandwidth + Double(layers) * FitConstants.layerOverheadCPU.value * 1e-6
    }

    /// Dual-channel DDR5-5600 (89.6 GB/s), for hosts whose RAM bandwidth the record does not give.
    static let defaultHostRAMBandwidth = 89.6e9

    /// Effective prefill FLOP/s: the device's measured figure, else a share of its tensor or
    /// shader throughput.
    static func prefillFLOPS(measured: Double?, tensor: Double?, shader: Double?) -> Double? {
        if let measured { return measured }
        if let tensor { return tensor * FitConstants.prefillTensorEfficiency.value }
        if let shader { return shader * FitConstants.prefillShaderEfficiency.value }
        return nil
    }

    // MARK: Links

    /// Seconds to pass activations from one pipeline stage to the next.
    static func hopSeconds(inside host: FitHost?, between link: FitLink?, transport: Transport?, hiddenSize: Int) -> Double {
        let activationBytes = Double(hiddenSize) * 2
        if let link {
            let latency = transport == .rdma ? FitConstants.hopLatencyRDMA.value : FitConstants.hopLatencyTCP.value
            return latency * 1e-6 + activationBytes / link.bytesPerSecond
        }
        let bandwidth = (host?.deviceLink?.bandwidthGBs ?? 16) * FitConstants.gigabyte
        return FitConstants.hopLatencyPCIe.value * 1e-6 + activationBytes / bandwidth
    }

    /// Seconds for one all-reduce of a hidden-state vector across `devices` devices.
    static func allReduceSeconds(devices: Int, hiddenSize: Int, inside host: FitHost?, between link: FitLink?, transport: Transport?) -> Double {
        guard devices > 1 else { return 0 }
        let n = Double(devices)
        let payload = 2 * (n - 1) / n * Double(hiddenSize) * 2
        if let link {
            let latency = transport == .rdma ? FitConstants.allReduceLatencyRDMA.value : FitConstants.allReduceLatencyTCP.value
            // A full mesh reduces in one round; a ring or a switch needs 2(N-1) steps.
            let rounds = link.shape == .fullMesh ? 1 : 2 * (n - 1)
            return latency * 1e-6 * rounds + payload / link.bytesPerSecond
        }
        let interconnect = host?.deviceLink?.interconnect ?? .pcie
        let latency = interconnect == .pcie ? FitConstants.allReduceLatencyPCIe.value : FitConstants.allReduceLatencyNVLink.value
        let bandwidth = (host?.deviceLink?.bandwidthGBs ?? 16) * FitConstants.gigabyte
        return latency * 1e-6 + payload / bandwidth
    }
}
