import Catalog

/// One accelerator as the engine sees it, in bytes and FLOP/s, with its place in the hardware.
/// A class so that the engine passes devices around without copying their strings.
public final class FitDevice: Sendable {
    public let id: String
    /// "GPU 2", "mini 3": how the ledger and explanations name it.
    public let label: String
    public let name: String
    public let kind: DeviceKind
    public let vendor: Vendor
    public let backends: [Backend]
    /// The operating systems it has drivers for.
    public let os: [OSFamily]
    /// Memory chips are binary: a "24 GB" card holds 24 GiB.
    public let memoryBytes: Double
    public let bandwidthBytesPerSecond: Double
    public let memoryFamily: MemoryTechnology.Family
    public let dies: Int
    public let architecture: String?
    public let shaderFLOPS: Double?
    public let tensorFLOPS: Double?
    public let prefillFLOPS: Double?
    /// Host-link bandwidth for copies from system RAM (PCIe), bytes/s.
    public let hostLinkBytesPerSecond: Double?
    /// Index of its host in `Hardware.hosts`.
    public let host: Int
    /// The host's first discrete GPU, which drives its display (and loses memory to it).
    let drivesDisplay: Bool
    // What the engine derives from the device alone, worked out once rather than for every
    // request on it: decode's effective read bandwidth (bytes/s) and prefill's FLOP/s.
    let decodeBandwidth: Double
    let effectivePrefillFLOPS: Double?

    init(_ device: Device, label: String, host: Int, drivesDisplay: Bool) {
        id = device.id.raw
        self.label = label
        name = device.name
        kind = device.kind
        vendor = device.vendor
        backends = device.backends
        os = device.os
        memoryBytes = device.memoryGB * FitConstants.gibibyte
        bandwidthBytesPerSecond = device.bandwidthGBs * FitConstants.gigabyte
        memoryFamily = device.memoryTechnology.family
        dies = device.dies
        architecture = device.architecture
        shaderFLOPS = device.shaderTFLOPS.map { $0 * 1e12 }
        tensorFLOPS = device.fp16TFLOPS.map { $0 * 1e12 }
        prefillFLOPS = device.prefillTFLOPS.map { $0 * 1e12 }
        hostLinkBytesPerSecond = device.pcie.map { $0.bandwidthGBs * FitConstants.gigabyte }
        self.host = host
        self.drivesDisplay = drivesDisplay
        decodeBandwidth = bandwidthBytesPerSecond * SpeedModel.bandwidthEfficiency(dies: dies, memory: memoryFamily)
        effectivePrefillFLOPS = SpeedModel.prefillFLOPS(measured: prefillFLOPS, tensor: tensorFLOPS, shader: shaderFLOPS)
    }

    /// The device shares its machine's RAM (Apple silicon, DGX Spark, Strix Halo).
    public var isUnified: Bool { kind.sharesHostMemory }
}

/// One machine: its RAM, OS and the link between its devices.
public final class FitHost: Sendable {
    public let label: String
    public let ramBytes: Double
    public let ramBandwidthBytesPerSecond: Double?
    public let platform: Platform
    public let deviceLink: DeviceLink?
    /// True when the host RAM size was not given and a default was assumed.
    public let ramAssumed: Bool
    // The platform's facts the engine reads on every evaluation, copied out once (reading them
    // through `platform` copies the whole record).
    let family: OSFamily
    let platformName: String
    let osReserveGB: Double
    let displayReserveGB: Double?
    let sharedGPUMemoryFraction: Double?
    let raisedLimitKeepsFreeGB: Double?
    let raiseWiredLimit: String?
    let wiredLimitTiers: [WiredLimitTier]
    let rdmaOverThunderbolt5: Bool

    init(label: String, ramBytes: Double, ramBandwidthBytesPerSecond: Double?, platform: Platform, deviceLink: DeviceLink?, ramAssumed: Bool) {
        self.label = label
        self.ramBytes = ramBytes
        self.ramBandwidthBytesPerSecond = ramBandwidthBytesPerSecond
        self.platform = platform
        self.deviceLink = deviceLink
        self.ramAssumed = ramAssumed
        family = platform.family
        platformName = platform.name
        osReserveGB = platform.osReserveGB
        displayReserveGB = platform.displayReserveGB
        sharedGPUMemoryFraction = platform.sharedGPUMemoryFraction
        raisedLimitKeepsFreeGB = platform.raisedLimitKeepsFreeGB
        raiseWiredLimit = platform.raiseWiredLimit
        wiredLimitTiers = platform.gpuWiredLimit
        rdmaOverThunderbolt5 = platform.has(.rdmaOverThunderbolt5)
    }

    /// The tier of the GPU wired limit that applies to this much RAM (`Platform.wiredLimitTier`).
    func wiredLimitTier(ramGB: Double) -> WiredLimitTier? {
        for tier in wiredLimitTiers where tier.ramUpToGB.map({ ramGB <= $0 }) ?? true { return tier }
        return nil
    }
}

/// The link between machines.
public struct FitLink: Sendable {
    public let interconnect: Interconnect
    public let transport: Transport
    public let bytesPerSecond: Double
    public let shape: TopologyShape

    public init(interconnect: Interconnect, transport: Transport, bytesPerSecond: Double, shape: TopologyShape) {
        self.interconnect = interconnect
        self.transport = transport
        self.bytesPerSecond = bytesPerSecond
        self.shape = shape
    }

    /// A link written `INTERCONNECT:GBIT[:TRANSPORT[:SHAPE]]` (`thunderbolt-5:80:rdma:full-mesh`),
    /// as `combos fit --link` and the builder's `link=` take it; transport defaults to tcp-ip and
    /// shape to star. Nil when a part is unknown, the shape is `single-box` (no link at all), or
    /// the speed is not a finite number above zero: `inf` parses as a Double, and a link of
    /// infinite speed made every split look free.
    public init?(spec: String) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let interconnect = Interconnect(rawValue: parts[0]),
              let gbit = Double(parts[1]), gbit.isFinite, gbit > 0 else { return nil }
        let transport = parts.count > 2 ? Transport(rawValue: parts[2]) : .tcpIP
        let shape = parts.count > 3 ? TopologyShape(rawValue: parts[3]) : .star
        guard let transport, let shape, shape != .singleBox else { return nil }
        self.init(interconnect: interconnect, transport: transport, bytesPerSecond: gbit * 1e9 / 8, shape: shape)
    }
}

/// Everything a model could be placed on: devices grouped in hosts, and the link between hosts.
public struct Hardware: Sendable {
    public let devices: [FitDevice]
    public let hosts: [FitHost]
    public let link: FitLink?

    public var hostCount: Int { hosts.count }

    public func devices(onHost host: Int) -> [FitDevice] { devices.filter { $0.host == host } }

    /// The hardware of a combo, one host per machine, on the combo's platform unless `platform`
    /// replaces it (a reader asking how the same machines fare on another OS).
    public init?(combo: Combo, catalog: Catalog, platform replacement: Platform? = nil) {
        guard let platform = replacement ?? catalog[combo.platform.id] else { return nil }
        var machines: [(Machine, Int, String?)] = []
        for node in combo.nodes {
            guard let machine = catalog[node.machine.id],
                  machine.devices.allSatisfy({ catalog[$0.device.id] != nil }) else { return nil }
            machines.append((machine, node.count, node.name))
        }
        let link = combo.link.map {
            FitLink(interconnect: $0.interconnect, transport: $0.transport,
                    bytesPerSecond: $0.gbitPerSecond * 1e9 / 8, shape: combo.topology)
        }
        self.init(machines: machines, catalog: catalog, platform: platform, link: link)
    }

    /// A hypothetical single machine holding the given devices.
    public init(devices list: [(Device, Int)], platform: Platform, hostRAMGB: Double?, deviceLink: DeviceLink? = nil) {
        var devices: [FitDevice] = []
        // A count below zero is no device (rather than a trap in `0..<count`).
        let total = list.reduce(0) { $0 + max(0, $1.1) }
        var display = false
        for (device, count) in list {
            for _ in 0..<max(0, count) {
                let drivesDisplay = !display && device.kind == .discreteGPU
                if drivesDisplay { display = true }
                devices.append(FitDevice(
                    device, label: total > 1 ? "GPU \(devices.count + 1)" : device.shortLabel, host: 0, drivesDisplay: drivesDisplay))
            }
        }
        let unified = list.first.map { $0.0.kind.sharesHostMemory } ?? false
        let ram = hostRAMGB ?? (unified ? list.first!.0.memoryGB : Hardware.defaultHostRAMGB)
        hosts = [FitHost(
            label: "Host", ramBytes: ram * FitConstants.gibibyte, ramBandwidthBytesPerSecond: nil,
            platform: platform, deviceLink: deviceLink, ramAssumed: hostRAMGB == nil && !unified)]
        self.devices = devices
        self.link = nil
    }

    /// Several machines from the catalog, linked. `name` labels the machines of a group
    /// ("mini" gives "mini 1" to "mini 4").
    public init(machines list: [(Machine, Int, String?)], catalog: Catalog, platform: Platform, link: FitLink?) {
        var hosts: [FitHost] = []
        var devices: [FitDevice] = []
        let machineTotal = list.reduce(0) { $0 + max(0, $1.1) }
        for (machine, count, name) in list {
            for _ in 0..<max(0, count) {
                let hostIndex = hosts.count
                let hostLabel = machineTotal > 1 ? "\(name ?? "node") \(hostIndex + 1)" : machine.name
                hosts.append(FitHost(
                    label: hostLabel, ramBytes: machine.hostRAMGB * FitConstants.gibibyte,
                    ramBandwidthBytesPerSecond: machine.hostRAMBandwidthGBs.map { $0 * FitConstants.gigabyte },
                    platform: platform, deviceLink: machine.deviceLink, ramAssumed: false))
                var withinHost = 0
                var display = false
                for slot in machine.devices {
                    guard let device = catalog[slot.device.id] else { continue }
                    for _ in 0..<slot.count {
                        withinHost += 1
                        let label: String = switch (machineTotal > 1, machine.deviceCount > 1) {
                        case (false, false): device.shortLabel
                        case (false, true): "GPU \(withinHost)"
                        case (true, false): hostLabel
                        case (true, true): "\(hostLabel) GPU \(withinHost)"
                        }
                        let drivesDisplay = !display && device.kind == .discreteGPU
                        if drivesDisplay { display = true }
                        devices.append(FitDevice(device, label: label, host: hostIndex, drivesDisplay: drivesDisplay))
                    }
                }
            }
        }
        self.hosts = hosts
        self.devices = devices
        self.link = machineTotal > 1 ? link : nil
    }

    /// System RAM assumed for a hypothetical box of discrete GPUs when none is given, in GB.
    public static let defaultHostRAMGB = 64.0
}
