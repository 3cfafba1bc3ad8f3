/// A reference of any kind, for checking that every id a record names exists.
public struct AnyReference: Sendable, Hashable {
    public let kind: RecordKind
    public let id: String
    public let location: SourceLocation

    init<R: Record>(_ reference: Reference<R>) {
        kind = R.kind
        id = reference.id.raw
        location = reference.location
    }
}

/// Every reference each kind of record makes, in the order it was written.
public protocol ReferencesOtherRecords {
    var references: [AnyReference] { get }
}

extension RelatedLinks {
    var references: [AnyReference] {
        combos.map(AnyReference.init) + stacks.map(AnyReference.init)
            + guides.map(AnyReference.init) + tools.map(AnyReference.init)
    }
}

extension Device: ReferencesOtherRecords {
    public var references: [AnyReference] { [] }
}

extension Machine: ReferencesOtherRecords {
    public var references: [AnyReference] { devices.map { AnyReference($0.device) } }
}

extension Platform: ReferencesOtherRecords {
    public var references: [AnyReference] { [] }
}

extension Runtime: ReferencesOtherRecords {
    public var references: [AnyReference] { [] }
}

extension Model: ReferencesOtherRecords {
    public var references: [AnyReference] { [] }
}

extension Combo: ReferencesOtherRecords {
    /// Gathered when the combo is read (`Combo.Values`).
    public var references: [AnyReference] { values.references }
}

extension Stack: ReferencesOtherRecords {
    public var references: [AnyReference] {
        components.compactMap { component -> AnyReference? in
            switch component.target {
            case .combo(let reference): AnyReference(reference)
            case .machine(let reference): AnyReference(reference)
            case .device(let reference): AnyReference(reference)
            case .runtime(let reference): AnyReference(reference)
            case .model(let reference): AnyReference(reference)
            case .external: nil
            }
        } + related.references
    }
}

extension Benchmark: ReferencesOtherRecords {
    public var references: [AnyReference] {
        var all: [AnyReference] = []
        if let combo { all.append(AnyReference(combo)) }
        all += devices.map { AnyReference($0.device) }
        if let platform { all.append(AnyReference(platform)) }
        return all + [AnyReference(runtime), AnyReference(model)]
    }
}

extension Guide: ReferencesOtherRecords {
    public var references: [AnyReference] { related.references }
}

extension Catalog {
    /// The references a record makes, by kind and id (none when there is no such record).
    public func references(of kind: RecordKind, id: String) -> [AnyReference] {
        switch kind {
        case .device: devices.read(RecordID(id)) { $0.references } ?? []
        case .machine: machines.read(RecordID(id)) { $0.references } ?? []
        case .platform: platforms.read(RecordID(id)) { $0.references } ?? []
        case .runtime: runtimes.read(RecordID(id)) { $0.references } ?? []
        case .model: models.read(RecordID(id)) { $0.references } ?? []
        case .combo: combos.read(RecordID(id)) { $0.references } ?? []
        case .stack: stacks.read(RecordID(id)) { $0.references } ?? []
        case .guide: guides.read(RecordID(id)) { $0.references } ?? []
        case .benchmark: benchmarks.read(RecordID(id)) { $0.references } ?? []
        }
    }
}
