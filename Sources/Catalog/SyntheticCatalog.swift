import Foundation

/// A synthetic catalog for benchmarks (`combos synth`): the real devices, machines, platforms,
/// runtimes and models, copied as they are, and any number of generated combos drawn from them
/// that pass every rule `combos check` applies. The build's speed is measured on thousands of
/// combos long before the real catalog has them.
///
/// Everything here is a pure function of the source catalog, the count and the seed: the same
/// inputs give byte-identical files. Randomness comes from `SplitMix64`, seeded per combo, never
/// from the system generator or from dictionary order.
public enum SyntheticCatalog {
    /// One file of the output, relative to the output folder.
    public struct File: Sendable, Hashable {
        public var path: String
        public var text: String
        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }
    }

    /// The kinds copied from the source. Combos, stacks, guides and benchmarks name real combos,
    /// so they are left out; the synthetic combos replace them.
    public static let copiedKinds: [RecordKind] = [.device, .machine, .platform, .runtime, .model]

    /// The file that marks a folder as written by `combos synth`, so it may be replaced.
    public static let marker = ".combos-synth"

    /// Reads the record files of the copied kinds, sorted by path. The one side effect of this
    /// type, kept apart so `generate` stays pure.
    public static func readCopies(from content: String) throws -> [File] {
        var files: [File] = []
        for kind in copiedKinds {
            let folder = content + "/" + kind.folder
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for name in names.sorted() where !CatalogLoader.isIgnorable(name) && name.hasSuffix("." + kind.format.fileExtension) {
                let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
                // Decoding valid UTF-8 and encoding it again gives the same bytes back.
                files.append(File(path: kind.folder + "/" + name, text: String(decoding: data, as: UTF8.self)))
            }
        }
        return files
    }

    /// The whole output: the copies, the combos, and a short guide for every guide page the
    /// copies link to (runtime reviews link guides; without them the copies' links would break).
    public static func generate(from catalog: Catalog, copies: [File], combos count: Int, seed: UInt64) -> [File] {
        let pool = HardwarePool(catalog)
        let plans = (0..<count).map { ComboPlan.make(index: $0, pool: pool, catalog: catalog, seed: seed) }
        let guideIDs = linkedIDs(in: copies, section: "guides")
        var byTier: [[Int]] = Array(repeating: [], count: 6)
        for plan in plans { byTier[plan.tier].append(plan.index) }
        var files = copies
        files.reserveCapacity(copies.count + count + guideIDs.count)
        for plan in plans {
            var rng = SplitMix64(seed: seed, stream: UInt64(plan.index), salt: 2)
            let links = ComboLinks.choose(for: plan, among: plans, byTier: byTier, rng: &rng)
            let text = SyntheticComboWriter.text(plan, links: links, guides: guideIDs, rng: &rng)
            files.append(File(path: "combos/\(plan.id).md", text: text))
        }
        for (offset, guide) in guideIDs.enumerated() {
            var rng = SplitMix64(seed: seed, stream: UInt64(offset), salt: 3)
            files.append(File(path: "guides/\(guide).md", text: SyntheticProse.guide(guide, plans: plans, rng: &rng)))
        }
        return files
    }

    /// Ids linked as `](/section/id/)` in the copied files, sorted and unique.
    static func linkedIDs(in files: [File], section: String) -> [String] {
        let prefix = "](/\(section)/"
        var ids: Set<String> = []
        for file in files {
            var rest = file.text[...]
            while let range = rest.range(of: prefix) {
                let after = rest[range.upperBound...]
                if let slash = after.firstIndex(of: "/") {
                    let id = String(after[..<slash])
                    if RecordID<Guide>.isValid(id) { ids.insert(id) }
                }
                rest = after
            }
        }
        return ids.sorted()
    }
}

/// SplitMix64 (Steele, Lea and Flood): tiny, fast and the same on every platform, so a seed
/// names one catalog forever.
struct SplitMix64 {
    private var state: UInt64

    init(state: UInt64) { self.state = state }

    /// A generator for one stream of one seed: combo 7's stream does not depend on how many
    /// combos come before or after it.
    init(seed: UInt64, stream: UInt64, salt: UInt64) {
        var mixer = SplitMix64(state: seed &* 0x9E37_79B9_7F4A_7C15 ^ (stream &+ 1) &* 0xD1B5_4A32_D192_ED03 ^ salt &* 0x94D0_49BB_1331_11EB)
        state = mixer.next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0 ..< bound.
    mutating func int(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next() % UInt64(bound))
    }

    mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + int(range.count) }

    mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) / Double(1 << 53) < probability
    }

    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    /// Up to `count` distinct items in a random order.
    mutating func sample<T>(_ items: [T], _ count: Int) -> [T] {
        var items = items
        var chosen: [T] = []
        while chosen.count < count, !items.isEmpty {
            chosen.append(items.remove(at: int(items.count)))
        }
        return chosen
    }

    /// Index by weight.
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var target = Double(next() >> 11) / Double(1 << 53) * total
        for (index, weight) in weights.enumerated() {
            if target < weight { return index }
            target -= weight
        }
        return weights.count - 1
    }
}

/// A machine of the source catalog with what the generator needs to know about it.
struct MachineInfo {
    let machine: Machine
    let devices: [(device: Device, count: Int)]
    let systems: Set<OSFamily>
    let vendors: Set<Vendor>
    let backends: Set<Backend>
    /// Memory a model can live in: the cards' VRAM, or the unified pool.
    let memoryGB: Double
    let bandwidthGBs: Double
    let isApple: Bool
    let sharesHostMemory: Bool

    init?(_ machine: Machine, _ catalog: Catalog) {
        let devices = machine.devices.compactMap { slot in catalog[slot.device.id].map { (device: $0, count: slot.count) } }
        guard devices.count == machine.devices.count, !devices.isEmpty else { return nil }
        self.machine = machine
        self.devices = devices
        systems = CatalogRules.operatingSystems(of: machine, catalog)
        vendors = Set(devices.map(\.device.vendor))
        backends = Set(devices.flatMap(\.device.backends))
        sharesHostMemory = devices.allSatisfy { $0.device.kind.sharesHostMemory }
        memoryGB = sharesHostMemory ? devices.map(\.device.memoryGB).max() ?? 0
            : devices.reduce(0) { $0 + $1.device.memoryGB * Double($1.count) }
        bandwidthGBs = devices.map(\.device.bandwidthGBs).max() ?? 0
        isApple = vendors == [.apple]
    }

    var id: String { machine.id.raw }

    /// "Mac mini M4 Pro 64 GB", "2x RTX 3090 workstation": short enough for a title.
    var shortName: String {
        var name = machine.name
        if let cut = name.firstIndex(where: { $0 == "(" || $0 == "," }) { name = String(name[..<cut]) }
        name = name.trimmingCharacters(in: .whitespaces)
        if sharesHostMemory, let device = devices.first?.device {
            // "Mac Studio M4 Max", not "Mac Studio Apple M4 Max": the machine already says Apple.
            let chip = device.shortLabel.hasPrefix("Apple ") ? String(device.shortLabel.dropFirst(6)) : device.shortLabel
            name += " \(chip) \(SyntheticProse.number(device.memoryGB)) GB"
        }
        return name
    }

    /// Port kinds that can carry a link between machines, fastest kind first.
    var linkPortKinds: [PortKind] {
        let order: [PortKind] = [.qsfp, .thunderbolt5, .ethernet, .usb4, .thunderbolt4]
        return order.filter { machine.portCount($0) > 0 }
    }

    func fastestPort(_ kind: PortKind) -> Double {
        machine.ports.filter { $0.kind == kind }.map(\.gbitPerSecond).max() ?? 0
    }
}

/// The machines, platforms, runtimes and models combos are drawn from, in file order.
struct HardwarePool {
    let machines: [MachineInfo]
    let clusterable: [MachineInfo]
    let platforms: [Platform]
    let runtimes: [Runtime]
    let models: [Model]

    init(_ catalog: Catalog) {
        machines = catalog.machines.all.compactMap { MachineInfo($0, catalog) }.filter { !$0.systems.isEmpty }
        clusterable = machines.filter { !$0.linkPortKinds.isEmpty }
        platforms = catalog.platforms.all
        runtimes = catalog.runtimes.all
        models = catalog.models.all
    }
}

extension Interconnect {
    static func forPort(_ kind: PortKind) -> Interconnect {
        switch kind {
        case .thunderbolt5: .thunderbolt5
        case .thunderbolt4: .thunderbolt4
        case .usb4: .usb4
        case .ethernet: .ethernet
        case .qsfp: .infiniband
        }
    }
}
