/// A long-form article (`content/guides/<id>.md`): front matter and a Markdown body.
public struct Guide: Record {
    public static let kind = RecordKind.guide

    public static let schema = Schema("guide", [
        .required("title", .text, "Page title."),
        .required("summary", .text, "One or two sentences: what the reader will know afterwards."),
        .required("published", .date, "First publication date."),
        .optional("updated", .date, "Date of the last substantial update."),
        .optional("related", .record(RelatedLinks.schema), "Related combos, stacks, guides and tools."),
    ])

    public let id: RecordID<Guide>
    public let path: String
    public var title: String
    public var summary: String
    public var published: Day?
    public var updated: Day?
    public var related: RelatedLinks
    public var body: MarkdownText

    public init(id: RecordID<Guide>, path: String, fields: Fields, body: MarkdownText?, problems: inout Problems) {
        self.id = id
        self.path = path
        title = fields.text("title") ?? id.raw
        summary = fields.text("summary") ?? ""
        published = fields.date("published")
        updated = fields.date("updated")
        related = RelatedLinks(fields.record("related"))
        self.body = body ?? MarkdownText("", at: fields.location)
        if let published, let updated, updated < published {
            problems.error("\"updated\" (\(updated)) is before \"published\" (\(published))",
                           at: fields.valueLocation("updated"), span: 10)
        }
    }
}
