/// What a combo adds up to from its records alone: memory, devices, power and price.
/// (Effective memory and speed are the fit engine's; these are sums of record facts.)
public struct HardwareTotals: Sendable {
    /// Memory of every accelerator, or of every unified chip, in GB.
    public var acceleratorMemoryGB: Double
    /// System RAM of machines whose accelerators have their own memory, in GB.
    public var separateHostRAMGB: Double
    /// True when every device shares its machine's RAM (Apple silicon, DGX Spark, Strix Halo).
    public var isUnifiedMemory: Bool
    public var machineCount: Int
    public var deviceCount: Int
    /// Each distinct device with how many of it, in the order the combo lists them.
    public var devices: [(device: Device, count: Int)]
    public var powerW: Double
    /// The sum of the machines' prices, when every machine has one.
    public var priceUSD: Double?
    /// The years those prices apply to.
    public var priceYears: ClosedRange<Int>?
}

extension Catalog {
    /// Totals of a combo's machines and devices. Records that failed to resolve count as absent.
    public func totals(of combo: Combo) -> HardwareTotals {
        var totals = HardwareTotals(
            acceleratorMemoryGB: 0, separateHostRAMGB: 0, isUnifiedMemory: true, machineCount: 0,
            deviceCount: 0, devices: [], powerW: 0, priceUSD: 0, priceYears: nil)
        for node in combo.nodes {
            guard let machine = self[node.machine.id] else { continue }
            totals.machineCount += node.count
            totals.powerW += machine.powerW * Double(node.count)
            if let price = machine.price, let sum = totals.priceUSD {
                totals.priceUSD = sum + price.usd * Double(node.count)
                let years = totals.priceYears.map { min($0.lowerBound, price.year)...max($0.upperBound, price.year) }
                totals.priceYears = years ?? price.year...price.year
            } else {
                totals.priceUSD = nil
            }
            var hasDiscrete = false
            for slot in machine.devices {
                guard let device = self[slot.device.id] else { continue }
                let count = slot.count * node.count
                totals.deviceCount += count
                totals.acceleratorMemoryGB += device.memoryGB * Double(count)
                if !device.kind.sharesHostMemory { hasDiscrete = true }
                if let index = totals.devices.firstIndex(where: { $0.device.id == device.id }) {
                    totals.devices[index].count += count
                } else {
                    totals.devices.append((device, count))
                }
            }
            if hasDiscrete {
                totals.isUnifiedMemory = false
                totals.separateHostRAMGB += machine.hostRAMGB * Double(node.count)
            }
        }
        if totals.priceUSD == nil { totals.priceYears = nil }
        return totals
    }
}
