import Catalog

/// Who points at whom, computed once per build: the combos that use a machine, device, runtime,
/// platform or model, and the machines that hold a device. Record pages list these so every
/// record links back to where it is used.
struct Backlinks: Sendable {
    /// Combos by their place in the catalog's list, which the lists share: at ten thousand
    /// combos, a copy of each combo in every list it is in (its platform, machines, devices and
    /// models) was 70 MB held for the whole build.
    private let combos: [Combo]
    private var combosByMachine: [RecordID<Machine>: [Int32]] = [:]
    private var combosByDevice: [RecordID<Device>: [Int32]] = [:]
    private var combosByPlatform: [RecordID<Platform>: [Int32]] = [:]
    private var combosByModel: [RecordID<Model>: [Int32]] = [:]
    private(set) var machinesByDevice: [RecordID<Device>: [Machine]] = [:]
    private(set) var stacksByCombo: [RecordID<Combo>: [Stack]] = [:]

    init(_ catalog: Catalog) {
        combos = catalog.combos.all
        // Each record is visited once, so a key repeated within one record (a machine twice in
        // a combo, a model in two of its lists) is the only duplicate to drop: no list is
        // searched, which at ten thousand combos made this quadratic.
        for machine in catalog.machines {
            for device in unique(machine.devices.map(\.device.id)) { machinesByDevice[device, default: []].append(machine) }
        }
        let devicesByMachine = Dictionary(uniqueKeysWithValues: catalog.machines.all.map { ($0.id, $0.devices.map(\.device.id)) })
        for (position, combo) in combos.enumerated() {
            let place = Int32(position)
            combosByPlatform[combo.platform.id, default: []].append(place)
            for machine in unique(combo.nodes.map(\.machine.id)) { combosByMachine[machine, default: []].append(place) }
            let devices = combo.nodes.flatMap { devicesByMachine[$0.machine.id] ?? [] }
            for device in unique(devices) { combosByDevice[device, default: []].append(place) }
            let models = combo.bestModelClasses.flatMap(\.models).map(\.id) + combo.benchmarkTargets.map(\.model.id)
            for model in unique(models) { combosByModel[model, default: []].append(place) }
        }
        for stack in catalog.stacks {
            let combos: [RecordID<Combo>] = stack.components.compactMap {
                if case .combo(let reference) = $0.target { reference.id } else { nil }
            }
            for combo in unique(combos) { stacksByCombo[combo, default: []].append(stack) }
        }
    }

    /// The combos built on a machine, in catalog order.
    func combos(onMachine id: RecordID<Machine>) -> ComboList { ComboList(combos, combosByMachine[id] ?? []) }
    /// The combos with a device in one of their machines, in catalog order.
    func combos(withDevice id: RecordID<Device>) -> ComboList { ComboList(combos, combosByDevice[id] ?? []) }
    /// The combos on a platform, in catalog order.
    func combos(onPlatform id: RecordID<Platform>) -> ComboList { ComboList(combos, combosByPlatform[id] ?? []) }
    /// The combos that name a model (best models or benchmark targets), in catalog order.
    func combos(naming id: RecordID<Model>) -> ComboList { ComboList(combos, combosByModel[id] ?? []) }

    /// Some of the catalog's combos, read in place by their positions in its list.
    struct ComboList: RandomAccessCollection, Sendable {
        private let all: [Combo]
        private let positions: [Int32]

        fileprivate init(_ all: [Combo], _ positions: [Int32]) {
            self.all = all
            self.positions = positions
        }

        var startIndex: Int { 0 }
        var endIndex: Int { positions.count }
        subscript(position: Int) -> Combo { all[Int(positions[position])] }
        /// The combos' ids, read without copying each combo (reading each combo whole to take
        /// its id was most of planning the device pages at 10,000 combos).
        var ids: [RecordID<Combo>] { positions.map { all[Int($0)].id } }
    }

    /// The keys in their first order, each once.
    private func unique<Key: Hashable>(_ keys: [Key]) -> [Key] {
        var seen: Set<Key> = []
        return keys.filter { seen.insert($0).inserted }
    }
}
