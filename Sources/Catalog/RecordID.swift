/// The kinds of record in `content/`, each in its own folder.
public enum RecordKind: String, Sendable, CaseIterable, Hashable, Comparable {
    case device, machine, platform, runtime, model, combo, stack, guide, benchmark

    /// The folder under `content/` holding this kind.
    public var folder: String {
        switch self {
        case .device: "devices"
        case .machine: "machines"
        case .platform: "platforms"
        case .runtime: "runtimes"
        case .model: "models"
        case .combo: "combos"
        case .stack: "stacks"
        case .guide: "guides"
        case .benchmark: "benchmarks"
        }
    }

    /// Plain YAML records, or Markdown with YAML front matter for records that carry prose.
    public var format: RecordFormat {
        switch self {
        case .device, .machine, .platform, .model, .benchmark: .yaml
        case .runtime, .combo, .stack, .guide: .markdown
        }
    }

    public var singular: String { rawValue }
    public var plural: String { folder }

    public static func < (a: RecordKind, b: RecordKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public enum RecordFormat: Sendable {
    case yaml
    case markdown

    public var fileExtension: String {
        switch self {
        case .yaml: "yaml"
        case .markdown: "md"
        }
    }
}

/// A record's id: its file name without the extension. Typed by the record it names, so a
/// device id cannot be passed where a model id is expected.
public struct RecordID<Record>: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let raw: String

    public init(_ raw: String) { self.raw = raw }

    public var description: String { raw }

    public static func < (a: RecordID, b: RecordID) -> Bool { a.raw < b.raw }

    /// Ids are URL path segments: lowercase letters, digits, dots and hyphens, starting with a
    /// letter or digit, so that every id is a valid, case-stable URL on every file system.
    public static func isValid(_ raw: String) -> Bool {
        guard let first = raw.unicodeScalars.first, isLowerAlnum(first), raw.count <= 100 else { return false }
        return raw.unicodeScalars.allSatisfy { isLowerAlnum($0) || $0 == "-" || $0 == "." }
            && !raw.hasSuffix(".") && !raw.contains("..")
    }

    private static func isLowerAlnum(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}

/// A reference from one record to another, with where it was written so that a dangling
/// reference is reported at its exact line and column.
public struct Reference<Record>: Sendable, Hashable, CustomStringConvertible {
    public let id: RecordID<Record>
    public let location: SourceLocation

    public init(_ id: RecordID<Record>, at location: SourceLocation) {
        self.id = id
        self.location = location
    }

    public var description: String { id.raw }

    // Two references are the same when they name the same record, wherever they were written.
    public static func == (a: Reference, b: Reference) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
