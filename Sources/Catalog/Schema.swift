/// The declared shape of a record: every field it may have, its type, whether it is required,
/// and what it means. One schema per record kind (and per nested mapping) drives validation,
/// unknown-key detection and the field reference for editors, so the three cannot drift apart.
public struct Schema: Sendable {
    /// How messages name a mapping of this shape: "a combo", "a node".
    public let name: String
    public let fields: [FieldSpec]

    public init(_ name: String, _ fields: [FieldSpec]) {
        self.name = name
        self.fields = fields
    }

    public func field(named name: String) -> FieldSpec? {
        fields.first { $0.name == name }
    }

    public var fieldNames: [String] { fields.map(\.name) }

    /// "a combo", "an exo node": the schema's name with its article, for messages.
    public var article: String {
        let vowel = name.first.map { "aeiou".contains($0) } ?? false
        return (vowel ? "an " : "a ") + name
    }
}

public struct FieldSpec: Sendable {
    public let name: String
    public let type: FieldType
    public let required: Bool
    public let doc: String

    public init(_ name: String, _ type: FieldType, required: Bool = false, _ doc: String) {
        self.name = name
        self.type = type
        self.required = required
        self.doc = doc
    }

    public static func required(_ name: String, _ type: FieldType, _ doc: String) -> FieldSpec {
        FieldSpec(name, type, required: true, doc)
    }

    public static func optional(_ name: String, _ type: FieldType, _ doc: String) -> FieldSpec {
        FieldSpec(name, type, required: false, doc)
    }
}

public indirect enum FieldType: Sendable {
    /// One line or paragraph of plain text.
    case text
    /// Markdown: links, emphasis, lists. Rendered safely (no raw HTML).
    case markdown
    case number(unit: String?, range: NumberRange)
    case integer(min: Int)
    case bool
    /// A calendar date written `YYYY-MM-DD`.
    case date
    /// An `http://` or `https://` address.
    case url
    /// One term of a closed vocabulary.
    case choice(Vocabulary)
    /// The id of another record of the given kind.
    case reference(RecordKind)
    case list(FieldType, minCount: Int)
    /// A nested mapping with its own fields.
    case record(Schema)

    /// A short description for messages and the field reference: "a number (GB)".
    public var summary: String {
        switch self {
        case .text: "text"
        case .markdown: "Markdown text"
        case .number(let unit, let range):
            "a number" + (unit.map { " (\($0))" } ?? "") + range.summary
        case .integer(let min): "a whole number ≥ \(min)"
        case .bool: "true or false"
        case .date: "a date (YYYY-MM-DD)"
        case .url: "an http(s) address"
        case .choice(let vocabulary): "one of: " + vocabulary.values.joined(separator: ", ")
        case .reference(let kind): "the id of a \(kind.singular)"
        case .list(let element, let minCount):
            "a list" + (minCount > 0 ? " (at least \(minCount))" : "") + " of " + element.summary
        case .record(let schema): "a mapping with fields " + schema.fieldNames.joined(separator: ", ")
        }
    }
}

/// The allowed values of a number field.
public struct NumberRange: Sendable {
    public var minimum: Double?
    public var minimumIsExclusive: Bool
    public var maximum: Double?

    public init(minimum: Double? = nil, minimumIsExclusive: Bool = false, maximum: Double? = nil) {
        self.minimum = minimum
        self.minimumIsExclusive = minimumIsExclusive
        self.maximum = maximum
    }

    /// Memory, bandwidth, power, prices: zero is as wrong as negative.
    public static let positive = NumberRange(minimum: 0, minimumIsExclusive: true)
    public static let nonNegative = NumberRange(minimum: 0)
    public static let fraction = NumberRange(minimum: 0, minimumIsExclusive: true, maximum: 1)

    /// Why a value is out of range ("must be greater than 0"), or nil when it is allowed.
    public func violation(_ value: Double) -> String? {
        if let minimum {
            if minimumIsExclusive, value <= minimum { return "must be greater than \(format(minimum))" }
            if !minimumIsExclusive, value < minimum { return "must be at least \(format(minimum))" }
        }
        if let maximum, value > maximum { return "must be at most \(format(maximum))" }
        return nil
    }

    /// Above what any hardware or model has, whatever the field's own range: a value past this is
    /// a typo or a wrong unit, and arithmetic on it (sums, products, counts) could overflow.
    static func ceiling(unit: String?) -> (value: Double, meaning: String)? {
        switch unit {
        case "billion": (100_000, "a hundred trillion parameters; params are counted in billions")
        case "GB", "GiB": (1_000_000, "a petabyte; sizes are in gigabytes")
        case "MB": (1_000_000, "a terabyte; sizes are in megabytes")
        case "GB/s", "Gb/s": (1_000_000, "a petabyte a second")
        case "TFLOPS": (1_000_000, "an exaFLOPS; compute is in teraFLOPS")
        case "W": (1_000_000, "a megawatt")
        case "USD": (1_000_000_000, "a billion dollars")
        case "tokens/s": (10_000_000, "ten million tokens a second")
        case "µs": (1_000_000, "a second")
        default: nil
        }
    }

    /// The largest whole number a field takes: counts of machines, devices or ports stay below
    /// 100,000 (a combo is not a data centre); token counts, layers and sizes below a billion.
    static func integerCeiling(field: String) -> (value: Int, meaning: String) {
        field == "count" ? (100_000, "a count of machines, devices or ports") : (1_000_000_000, "a billion")
    }

    var summary: String {
        switch (minimum, maximum) {
        case (let min?, let max?): " in \(minimumIsExclusive ? "(" : "[")\(format(min)), \(format(max))]"
        case (let min?, nil): minimumIsExclusive ? " > \(format(min))" : " ≥ \(format(min))"
        case (nil, let max?): " ≤ \(format(max))"
        case (nil, nil): ""
        }
    }
}

func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}

/// A closed list of terms, such as the backends or the split strategies.
public struct Vocabulary: Sendable {
    public let name: String
    public let values: [String]
}

/// An enum whose raw values are the words editors write in records.
public protocol VocabularyTerm: CaseIterable, RawRepresentable, Sendable, Hashable, Comparable
where RawValue == String {
    /// What one term is called in messages: "backend".
    static var vocabularyName: String { get }
    /// How a term reads on a page: "CUDA".
    var label: String { get }
}

extension VocabularyTerm {
    public static var vocabulary: Vocabulary {
        Vocabulary(name: vocabularyName, values: allCases.map(\.rawValue))
    }

    /// Terms sort in the order they are declared, which is the order pages list them in.
    public static func < (a: Self, b: Self) -> Bool {
        let all = Array(allCases)
        return all.firstIndex(of: a)! < all.firstIndex(of: b)!
    }
}
