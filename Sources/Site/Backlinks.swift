import Catalog

/// Who points at whom, computed once per build: the combos that use a machine, device, runtime,
/// platform or model, and the machines that hold a device. Record pages list these so every
/// record links back to where it is used.
struct Backlinks: Sendable {
    private(set) var combosByMachine: [RecordID<Machine>: [Combo]] = [:]
    private(set) var combosByDevice: [RecordID<Device>: [Combo]] = [:]
    private(set) var combosByPlatform: [RecordID<Platform>: [Combo]] = [:]
    private(set) var combosByModel: [RecordID<Model>: [Combo]] = [:]
    private(set) var machinesByDevice: [RecordID<Device>: [Machine]] = [:]
    private(set) var stacksByCombo: [RecordID<Combo>: [Stack]] = [:]

    init(_ catalog: Catalog) {
        // Each record is visited once, so a key repeated within one record (a machine twice in
        // a combo, a model in two of its lists) is the only duplicate to drop: no list is
        // searched, which at ten thousand combos made this quadratic.
        for machine in catalog.machines {
            for device in unique(machine.devices.map(\.device.id)) { machinesByDevice[device, default: []].append(machine) }
        }
        for combo in catalog.combos {
            combosByPlatform[combo.platform.id, default: []].append(combo)
            for machine in unique(combo.nodes.map(\.machine.id)) { combosByMachine[machine, default: []].append(combo) }
            let devices = combo.nodes.flatMap { catalog[$0.machine.id]?.devices.map(\.device.id) ?? [] }
            for device in unique(devices) { combosByDevice[device, default: []].append(combo) }
            let models = combo.bestModelClasses.flatMap(\.models).map(\.id) + combo.benchmarkTargets.map(\.model.id)
            for model in unique(models) { combosByModel[model, default: []].append(combo) }
        }
        for stack in catalog.stacks {
            let combos: [RecordID<Combo>] = stack.components.compactMap {
                if case .combo(let reference) = $0.target { reference.id } else { nil }
            }
            for combo in unique(combos) { stacksByCombo[combo, default: []].append(stack) }
        }
    }

    /// The keys in their first order, each once.
    private func unique<Key: Hashable>(_ keys: [Key]) -> [Key] {
        var seen: Set<Key> = []
        return keys.filter { seen.insert($0).inserted }
    }
}
