/// A decoded value, already checked against its `FieldType`.
public indirect enum FieldValue: Sendable {
    case text(String)
    case markdown(MarkdownText)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case date(Day)
    case url(String)
    case choice(String)
    case reference(String, SourceLocation)
    case list([FieldValue])
    case record(Fields)
}

/// The checked fields of one mapping, read by record initializers through typed accessors.
///
/// Every value here has passed its schema, so accessors only answer "present or not": a
/// missing required field has already been reported, and the record fills in a neutral value.
public struct Fields: Sendable {
    public let schema: Schema
    /// Where the mapping starts (or the line that introduced it).
    public let location: SourceLocation
    var values: [String: FieldValue]
    var keyLocations: [String: SourceLocation]
    var valueLocations: [String: SourceLocation]

    init(schema: Schema, location: SourceLocation) {
        self.schema = schema
        self.location = location
        self.values = [:]
        self.keyLocations = [:]
        self.valueLocations = [:]
    }

    public func has(_ name: String) -> Bool { value(name) != nil }

    /// Where a key was written, or the mapping's own location when it is absent.
    public func keyLocation(_ name: String) -> SourceLocation { keyLocations[name] ?? location }
    public func valueLocation(_ name: String) -> SourceLocation { valueLocations[name] ?? keyLocation(name) }

    private func value(_ name: String) -> FieldValue? {
        assert(schema.field(named: name) != nil, "\(schema.name) has no field \(name) in its schema")
        return values[name]
    }

    public func text(_ name: String) -> String? {
        guard case .text(let value)? = value(name) else { return nil }
        return value
    }

    public func markdown(_ name: String) -> MarkdownText? {
        guard case .markdown(let value)? = value(name) else { return nil }
        return value
    }

    public func number(_ name: String) -> Double? {
        guard case .number(let value)? = value(name) else { return nil }
        return value
    }

    public func integer(_ name: String) -> Int? {
        guard case .integer(let value)? = value(name) else { return nil }
        return value
    }

    public func bool(_ name: String) -> Bool? {
        guard case .bool(let value)? = value(name) else { return nil }
        return value
    }

    public func date(_ name: String) -> Day? {
        guard case .date(let value)? = value(name) else { return nil }
        return value
    }

    public func url(_ name: String) -> String? {
        guard case .url(let value)? = value(name) else { return nil }
        return value
    }

    public func choice<Term: VocabularyTerm>(_ name: String, _ type: Term.Type = Term.self) -> Term? {
        guard case .choice(let raw)? = value(name) else { return nil }
        return Term(rawValue: raw)
    }

    public func reference<Record>(_ name: String, to type: Record.Type = Record.self) -> Reference<Record>? {
        guard case .reference(let raw, let location)? = value(name) else { return nil }
        return Reference(RecordID(raw), at: location)
    }

    public func record(_ name: String) -> Fields? {
        guard case .record(let fields)? = value(name) else { return nil }
        return fields
    }

    public func list(_ name: String) -> [FieldValue] {
        guard case .list(let items)? = value(name) else { return [] }
        return items
    }

    public func texts(_ name: String) -> [String] {
        list(name).compactMap { if case .text(let value) = $0 { value } else { nil } }
    }

    public func markdowns(_ name: String) -> [MarkdownText] {
        list(name).compactMap { if case .markdown(let value) = $0 { value } else { nil } }
    }

    public func choices<Term: VocabularyTerm>(_ name: String, _ type: Term.Type = Term.self) -> [Term] {
        list(name).compactMap { if case .choice(let raw) = $0 { Term(rawValue: raw) } else { nil } }
    }

    public func references<Record>(_ name: String, to type: Record.Type = Record.self) -> [Reference<Record>] {
        list(name).compactMap {
            if case .reference(let raw, let location) = $0 { Reference(RecordID(raw), at: location) } else { nil }
        }
    }

    public func records(_ name: String) -> [Fields] {
        list(name).compactMap { if case .record(let fields) = $0 { fields } else { nil } }
    }

    public func numbers(_ name: String) -> [Double] {
        list(name).compactMap { if case .number(let value) = $0 { value } else { nil } }
    }
}

/// Markdown written in a record, with where it starts so links in it report their own line.
public struct MarkdownText: Sendable, Hashable {
    public var text: String
    /// File path and first line of the text (for a block scalar, the line after `|`).
    public var location: SourceLocation

    public init(_ text: String, at location: SourceLocation) {
        self.text = text
        self.location = location
    }
}

/// A calendar day, as records write dates: `2026-11-25`.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A day from its parts, when they name one a record can write (years 0 to 9999).
    init?(year: Int, month: Int, day: Int) {
        guard (0...9999).contains(year), (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`, zero-padded. Without Foundation's `String(format:)`, which was a sixth of
    /// writing a record's JSON (every combo has dates).
    public var description: String {
        "\(zeroPadded(year, width: 4))-\(zeroPadded(month, width: 2))-\(zeroPadded(day, width: 2))"
    }

    /// "25 November 2026".
    public var longForm: String {
        let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                      "September", "October", "November", "December"]
        return "\(day) \(months[month - 1]) \(year)"
    }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Problems found while reading one file, each carrying the text of its line.
public struct Problems: Sendable {
    public let file: SourceFile
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: SourceFile) { self.file = file }

    /// Whether any error was found so far: checks across fields run only on fields that were
    /// read correctly, so one wrong value is not reported again as a disagreement.
    public var hasErrors: Bool { diagnostics.hasErrors }

    public mutating func error(_ message: String, at location: SourceLocation, span: Int = 1) {
        add(.error, message, at: location, span: span)
    }

    public mutating func warning(_ message: String, at location: SourceLocation, span: Int = 1) {
        add(.warning, message, at: location, span: span)
    }

    mutating func add(_ severity: Severity, _ message: String, at location: SourceLocation, span: Int) {
        diagnostics.append(Diagnostic(
            severity, at: location, message,
            lineText: location.path == file.path ? file.line(location.line) : nil, span: span))
    }

    mutating func append(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }
}

/// `value` in decimal with zeros in front up to `width` digits: `0042`.
func zeroPadded(_ value: Int, width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
