/// A software-and-hardware recipe (`content/stacks/<id>.md`): numbered components, each with the
/// role it plays, and a Markdown body on why it works and how to run it.
public struct Stack: Record {
    public static let kind = RecordKind.stack

    public static let schema = Schema("stack", [
        .required("title", .text, "Page title."),
        .required("summary", .text, "One sentence: what the stack accomplishes."),
        .required("reviewed", .date, "When an editor last checked it."),
        .required("components", .list(.record(StackComponent.schema), minCount: 1),
                  "The layers of the stack, hardware first."),
        .optional("related", .record(RelatedLinks.schema), "Related combos, stacks, guides and tools."),
    ])

    public let id: RecordID<Stack>
    public let path: String
    public var title: String
    public var summary: String
    public var reviewed: Day?
    public var components: [StackComponent]
    public var related: RelatedLinks
    public var body: MarkdownText

    public init(id: RecordID<Stack>, path: String, fields: Fields, body: MarkdownText?, problems: inout Problems) {
        self.id = id
        self.path = path
        title = fields.text("title") ?? id.raw
        summary = fields.text("summary") ?? ""
        reviewed = fields.date("reviewed")
        components = fields.records("components").map { StackComponent($0, &problems) }
        related = RelatedLinks(fields.record("related"))
        self.body = body ?? MarkdownText("", at: fields.location)
    }
}

/// One layer of a stack: a catalog record, or a named piece of software outside the catalog.
public struct StackComponent: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        case combo(Reference<Combo>)
        case machine(Reference<Machine>)
        case device(Reference<Device>)
        case runtime(Reference<Runtime>)
        case model(Reference<Model>)
        case external(name: String, url: String?)
    }

    public var role: String
    public var target: Target
    public var note: MarkdownText

    static let targetKeys = ["combo", "machine", "device", "runtime", "model", "name"]

    public static let schema = Schema("stack component", [
        .required("role", .text, "What it does in the stack: \"Hardware\", \"Inference runtime\", \"Chat frontend\"."),
        .optional("combo", .reference(.combo), "A combo from the catalog."),
        .optional("machine", .reference(.machine), "A machine from the catalog."),
        .optional("device", .reference(.device), "A device from the catalog."),
        .optional("runtime", .reference(.runtime), "A runtime from the catalog."),
        .optional("model", .reference(.model), "A model from the catalog."),
        .optional("name", .text, "A component outside the catalog, by name."),
        .optional("url", .url, "Its home page, for a component outside the catalog."),
        .required("note", .markdown, "The part it plays."),
    ])

    init(_ fields: Fields, _ problems: inout Problems) {
        role = fields.text("role") ?? ""
        note = fields.markdown("note") ?? MarkdownText("", at: fields.location)
        let given = Self.targetKeys.filter { fields.has($0) }
        if given.count != 1 {
            problems.error(
                given.isEmpty
                    ? "a stack component needs one of: combo, machine, device, runtime, model, or name (with url) for software outside the catalog"
                    : "a stack component names one thing, but this one has \(listing(given.map { "\"\($0)\"" }, conjunction: "and"))",
                at: fields.location)
        }
        if let combo: Reference<Combo> = fields.reference("combo") {
            target = .combo(combo)
        } else if let machine: Reference<Machine> = fields.reference("machine") {
            target = .machine(machine)
        } else if let device: Reference<Device> = fields.reference("device") {
            target = .device(device)
        } else if let runtime: Reference<Runtime> = fields.reference("runtime") {
            target = .runtime(runtime)
        } else if let model: Reference<Model> = fields.reference("model") {
            target = .model(model)
        } else {
            target = .external(name: fields.text("name") ?? "", url: fields.url("url"))
        }
        if fields.has("url"), !fields.has("name") {
            problems.error("\"url\" is for components outside the catalog and goes with \"name\"",
                           at: fields.keyLocation("url"), span: 3)
        }
    }
}
