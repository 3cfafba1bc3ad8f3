/// Every record of the content folder, loaded, validated and with every reference resolved.
///
/// A catalog that `CatalogLoader` returns without errors is consistent: every id a record names
/// exists, so `subscript(reference)` lookups succeed.
public struct Catalog: Sendable {
    public var devices: RecordSet<Device>
    public var machines: RecordSet<Machine>
    public var platforms: RecordSet<Platform>
    public var runtimes: RecordSet<Runtime>
    public var models: RecordSet<Model>
    public var combos: RecordSet<Combo>
    public var stacks: RecordSet<Stack>
    public var guides: RecordSet<Guide>
    public var benchmarks: RecordSet<Benchmark>
    /// Each record's checked fields as data, by kind and id, for the JSON API. Filled by
    /// `CatalogLoader`; a catalog built in code has none.
    public var data: [RecordKind: [String: RecordData]] = [:]

    public init(
        devices: [Device] = [], machines: [Machine] = [], platforms: [Platform] = [], runtimes: [Runtime] = [],
        models: [Model] = [], combos: [Combo] = [], stacks: [Stack] = [], guides: [Guide] = [],
        benchmarks: [Benchmark] = []
    ) {
        self.devices = RecordSet(devices)
        self.machines = RecordSet(machines)
        self.platforms = RecordSet(platforms)
        self.runtimes = RecordSet(runtimes)
        self.models = RecordSet(models)
        self.combos = RecordSet(combos)
        self.stacks = RecordSet(stacks)
        self.guides = RecordSet(guides)
        self.benchmarks = RecordSet(benchmarks)
    }

    public subscript(id: RecordID<Device>) -> Device? { devices[id] }
    public subscript(id: RecordID<Machine>) -> Machine? { machines[id] }
    public subscript(id: RecordID<Platform>) -> Platform? { platforms[id] }
    public subscript(id: RecordID<Runtime>) -> Runtime? { runtimes[id] }
    public subscript(id: RecordID<Model>) -> Model? { models[id] }
    public subscript(id: RecordID<Combo>) -> Combo? { combos[id] }
    public subscript(id: RecordID<Stack>) -> Stack? { stacks[id] }
    public subscript(id: RecordID<Guide>) -> Guide? { guides[id] }
    public subscript(id: RecordID<Benchmark>) -> Benchmark? { benchmarks[id] }

    /// Any record by its typed id.
    public func record<R: Record>(_ id: RecordID<R>) -> R? {
        switch R.kind {
        case .device: devices[RecordID(id.raw)] as? R
        case .machine: machines[RecordID(id.raw)] as? R
        case .platform: platforms[RecordID(id.raw)] as? R
        case .runtime: runtimes[RecordID(id.raw)] as? R
        case .model: models[RecordID(id.raw)] as? R
        case .combo: combos[RecordID(id.raw)] as? R
        case .stack: stacks[RecordID(id.raw)] as? R
        case .guide: guides[RecordID(id.raw)] as? R
        case .benchmark: benchmarks[RecordID(id.raw)] as? R
        }
    }

    /// Ids of every record of a kind, for reference checks and suggestions.
    public func ids(of kind: RecordKind) -> [String] {
        switch kind {
        case .device: devices.ids
        case .machine: machines.ids
        case .platform: platforms.ids
        case .runtime: runtimes.ids
        case .model: models.ids
        case .combo: combos.ids
        case .stack: stacks.ids
        case .guide: guides.ids
        case .benchmark: benchmarks.ids
        }
    }

    public func count(of kind: RecordKind) -> Int { ids(of: kind).count }

    /// The file a record came from, if the record exists.
    public func path(of kind: RecordKind, id: String) -> String? {
        switch kind {
        case .device: devices.read(RecordID(id)) { $0.path }
        case .machine: machines.read(RecordID(id)) { $0.path }
        case .platform: platforms.read(RecordID(id)) { $0.path }
        case .runtime: runtimes.read(RecordID(id)) { $0.path }
        case .model: models.read(RecordID(id)) { $0.path }
        case .combo: combos.read(RecordID(id)) { $0.path }
        case .stack: stacks.read(RecordID(id)) { $0.path }
        case .guide: guides.read(RecordID(id)) { $0.path }
        case .benchmark: benchmarks.read(RecordID(id)) { $0.path }
        }
    }

    /// "3 devices, 1 machine, ...": the one-line summary `combos check` prints.
    public var summary: String {
        RecordKind.allCases.map { kind in
            let count = count(of: kind)
            return "\(count) \(count == 1 ? kind.singular : kind.plural)"
        }.joined(separator: ", ")
    }
}

/// The records of one kind, by id and in id order.
public struct RecordSet<R: Record>: Sendable, Sequence {
    /// Each record's place in `all`: the records themselves are kept once (a second copy of each
    /// in a dictionary was 11 MB at ten thousand combos).
    private var byID: [RecordID<R>: Int]
    /// Records sorted by id, the order pages and indexes list them in unless they say otherwise.
    public private(set) var all: [R]

    /// Of records with the same id, the last is kept.
    public init(_ records: [R]) {
        var last: [RecordID<R>: Int] = [:]
        for (index, record) in records.enumerated() { last[record.id] = index }
        all = last.values.map { records[$0] }.sorted { $0.id < $1.id }
        var byID: [RecordID<R>: Int] = [:]
        byID.reserveCapacity(all.count)
        for (index, record) in all.enumerated() { byID[record.id] = index }
        self.byID = byID
    }

    public subscript(id: RecordID<R>) -> R? { byID[id].map { all[$0] } }
    /// Part of one record, read where it is kept: a record handed out whole is a copy of all
    /// its fields (for a combo, dozens of references counted up and down again), which rules
    /// and pages asking one field of every record paid for ten thousand times.
    public func read<T>(_ id: RecordID<R>, _ part: (R) -> T) -> T? {
        guard let index = byID[id] else { return nil }
        return part(all[index])
    }
    public var ids: [String] { all.map(\.id.raw) }
    public var count: Int { all.count }
    public func makeIterator() -> IndexingIterator<[R]> { all.makeIterator() }
}
