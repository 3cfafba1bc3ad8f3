/// One record of the catalog: a file under `content/<kind>/`, its id the file name.
public protocol Record: Sendable {
    static var kind: RecordKind { get }
    static var schema: Schema { get }
    var id: RecordID<Self> { get }
    /// The path of the file it came from, as diagnostics print it.
    var path: String { get }
    /// Builds the record from fields that passed the schema. Checks that involve several fields
    /// of the same record report into `problems`; checks across records live in `CatalogRules`.
    init(id: RecordID<Self>, path: String, fields: Fields, body: MarkdownText?, problems: inout Problems)
}

/// A public source backing the facts of a record.
public struct Citation: Sendable, Hashable {
    public var title: String
    public var url: String

    public static let schema = Schema("source", [
        .required("title", .text, "What the source is: \"NVIDIA Ampere GA102 whitepaper\"."),
        .required("url", .url, "Where to read it."),
    ])

    init(_ fields: Fields) {
        title = fields.text("title") ?? ""
        url = fields.url("url") ?? ""
    }

    static func list(_ fields: Fields, _ name: String = "sources") -> [Citation] {
        fields.records(name).map(Citation.init)
    }
}

/// A price in US dollars, with the year it applies to.
public struct Price: Sendable, Hashable {
    public var usd: Double
    public var year: Int
    public var note: String?

    public static let schema = Schema("price", [
        .required("usd", .number(unit: "USD", range: .positive), "Price in US dollars."),
        .required("year", .integer(min: 1990), "The year the price applies to (launch year for MSRPs)."),
        .optional("note", .text, "What the price covers: \"launch MSRP\", \"street, used\"."),
    ])

    init?(_ fields: Fields?) {
        guard let fields else { return nil }
        usd = fields.number("usd") ?? 0
        year = fields.integer("year") ?? 0
        note = fields.text("note")
    }
}

/// Links from a record to related records of other kinds.
public struct RelatedLinks: Sendable {
    public var combos: [Reference<Combo>]
    public var stacks: [Reference<Stack>]
    public var guides: [Reference<Guide>]
    public var tools: [Reference<Runtime>]

    public static let schema = Schema("related block", [
        .optional("combos", .list(.reference(.combo), minCount: 0), "Related combos."),
        .optional("stacks", .list(.reference(.stack), minCount: 0), "Stacks built on this."),
        .optional("guides", .list(.reference(.guide), minCount: 0), "Guides that discuss this."),
        .optional("tools", .list(.reference(.runtime), minCount: 0), "Runtimes and tools worth reading about."),
    ])

    init(_ fields: Fields?) {
        combos = fields?.references("combos") ?? []
        stacks = fields?.references("stacks") ?? []
        guides = fields?.references("guides") ?? []
        tools = fields?.references("tools") ?? []
    }

    public var isEmpty: Bool { combos.isEmpty && stacks.isEmpty && guides.isEmpty && tools.isEmpty }
}
