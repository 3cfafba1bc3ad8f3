/// The field reference in CONTRIBUTING.md, written from the same schemas `combos check` uses,
/// so it cannot disagree with them (`combos fields` prints it; a test compares the file).
public enum FieldReference {
    public static func markdown() -> String {
        var sections: [String] = []
        for kind in RecordKind.allCases {
            let schema = RecordTemplate.schema(of: kind)
            var lines = ["### \(kind.singular.prefix(1).uppercased() + kind.singular.dropFirst()) (`content/\(kind.folder)/<id>.\(kind.format.fileExtension)`)", ""]
            if kind.format == .markdown {
                lines.append("YAML front matter between `---` lines, then the \(kind.bodyRole) in Markdown.")
                lines.append("")
            }
            lines += table(schema)
            var nested: [Schema] = []
            collectNested(schema, into: &nested)
            for inner in nested {
                lines += ["", "**\(inner.name.prefix(1).uppercased() + inner.name.dropFirst())** fields:", ""]
                lines += table(inner)
            }
            sections.append(lines.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    private static func table(_ schema: Schema) -> [String] {
        var lines = ["| field | required | value | meaning |", "|---|---|---|---|"]
        for field in schema.fields {
            let value = field.type.summary.replacingOccurrences(of: "|", with: "\\|")
            let meaning = field.doc.replacingOccurrences(of: "|", with: "\\|")
            lines.append("| `\(field.name)` | \(field.required ? "yes" : "no") | \(value) | \(meaning) |")
        }
        return lines
    }

    /// Nested record schemas, each once, in the order fields name them.
    private static func collectNested(_ schema: Schema, into list: inout [Schema]) {
        for field in schema.fields {
            var type = field.type
            while case .list(let element, _) = type { type = element }
            guard case .record(let inner) = type else { continue }
            if !list.contains(where: { $0.name == inner.name }) {
                list.append(inner)
                collectNested(inner, into: &list)
            }
        }
    }
}
