import Yams

/// Reads a YAML document against a schema, collecting every problem with its exact place.
///
/// Yams gives each node a line and column; a front matter's YAML starts on a later line of the
/// file, so `lineOffset` maps YAML lines to file lines.
struct RecordDecoder {
    var problems: Problems
    let lineOffset: Int

    init(file: SourceFile, lineOffset: Int = 0) {
        self.problems = Problems(file: file)
        self.lineOffset = lineOffset
    }

    var path: String { problems.file.path }

    func location(_ mark: Mark?) -> SourceLocation {
        guard let mark else { return SourceLocation(path: path, line: lineOffset + 1, column: 1) }
        return SourceLocation(path: path, line: mark.line + lineOffset, column: mark.column)
    }

    /// YAML's implicit types, less the two no record uses (timestamps, as dates are read from
    /// strings, and `=` values): every plain scalar is tried against each rule's regular
    /// expression, which is a good part of loading a large catalog.
    static let resolver = Resolver.default.removing(.timestamp).removing(.value)

    /// Parses YAML text into a node tree, reporting a syntax error at its place.
    mutating func parse(_ yaml: String) -> Node?? {
        do {
            return .some(try Yams.compose(yaml: yaml, Self.resolver))
        } catch let error as YamlError {
            report(error, yaml: yaml)
        } catch {
            problems.error("cannot read YAML: \(error)", at: location(nil))
        }
        return .none
    }

    private mutating func report(_ error: YamlError, yaml: String) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line + lineOffset))" }
            if problem.contains("found character that cannot start any token"),
               problems.file.line(mark.line + lineOffset)?.contains("\t") == true {
                message += "; YAML does not allow tabs for indentation, use spaces"
            }
            problems.error(message, at: location(mark))
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams points at the first occurrence; point at the repeat, which is what to delete.
            for key in duplicates {
                let first = location(context.mark)
                let repeatLocation = repeatedKeyLocation(key, after: first) ?? first
                problems.error(
                    "duplicate key \"\(key)\" (first written on line \(first.line)); each field may appear once",
                    at: repeatLocation, span: key.count)
            }
        case .reader(let problem, _, _, _):
            problems.error("cannot read YAML: \(problem)", at: location(nil))
        default:
            problems.error("cannot read YAML: \(error)", at: location(nil))
        }
    }

    private func repeatedKeyLocation(_ key: String, after first: SourceLocation) -> SourceLocation? {
        let file = problems.file
        var line = first.line + 1
        while line <= file.lineCount {
            if let text = file.line(line) {
                let indent = text.prefix { $0 == " " || $0 == "-" }.count
                let rest = text.dropFirst(indent)
                if rest.hasPrefix(key), rest.dropFirst(key.count).trimmingPrefixSpaces().hasPrefix(":") {
                    return SourceLocation(path: file.path, line: line, column: indent + 1)
                }
            }
            line += 1
        }
        return nil
    }

    // MARK: Records

    /// Decodes a top-level document: it must be a mapping (or empty, when every field is optional).
    mutating func decodeDocument(_ node: Node?, schema: Schema) -> Fields {
        let start = location(nil)
        guard let node else {
            return decodeMapping(nil, schema: schema, at: start)
        }
        guard case .mapping = node else {
            problems.error(
                "\(schema.article) file must be a mapping of fields (lines of `key: value`), found \(describe(node))",
                at: location(node.mark))
            return Fields(schema: schema, location: start)
        }
        return decodeMapping(node, schema: schema, at: start)
    }

    mutating func decodeMapping(_ node: Node?, schema: Schema, at anchor: SourceLocation) -> Fields {
        var fields = Fields(schema: schema, location: anchor)
        // A misspelled key already reported with "did you mean" is not reported again as missing.
        var suggested: Set<String> = []
        if case .mapping(let mapping)? = node {
            for (key, value) in mapping {
                guard let name = key.scalar?.string, key.tagName == .str || key.scalar?.style == .plain else {
                    problems.error("field names must be plain words, found \(describe(key))", at: location(key.mark))
                    continue
                }
                let keyLocation = location(key.mark)
                // Yams resolves aliases as it reads, leaving the anchored node (and its place) in
                // the alias's spot: a value that starts before its key is an alias.
                if let keyMark = key.mark, let valueMark = value.mark,
                   (valueMark.line, valueMark.column) < (keyMark.line, keyMark.column) {
                    problems.error(
                        "the value of \"\(name)\" is an alias (*name); anchors and aliases are not supported in records, write the value out",
                        at: keyLocation, span: name.count)
                    fields.keyLocations[name] = keyLocation
                    continue
                }
                guard let spec = schema.field(named: name) else {
                    if let match = closestMatch(to: name, in: schema.fieldNames) { suggested.insert(match) }
                    problems.error(
                        "unknown field \"\(name)\" in \(schema.article)"
                            + suggestion(for: name, in: schema.fieldNames, listing: "fields"),
                        at: keyLocation, span: name.count)
                    continue
                }
                fields.keyLocations[name] = keyLocation
                fields.valueLocations[name] = location(value.mark)
                if isNull(value) { continue }
                if let decoded = decodeValue(value, as: spec.type, field: name, at: keyLocation) {
                    fields.values[name] = decoded
                }
            }
        }
        for spec in schema.fields where spec.required && fields.values[spec.name] == nil && !suggested.contains(spec.name) {
            if fields.keyLocations[spec.name] != nil {
                // The key is there with no value, or its value was wrong (already reported).
                if case .mapping(let mapping)? = node,
                   let value = mapping.first(where: { $0.key.scalar?.string == spec.name })?.value, isNull(value) {
                    problems.error("\"\(spec.name)\" needs a value: \(spec.type.summary)", at: fields.keyLocation(spec.name),
                                   span: spec.name.count)
                }
                continue
            }
            problems.error("missing required field \"\(spec.name)\" in \(schema.article)", at: anchor)
        }
        return fields
    }

    // MARK: Values

    mutating func decodeValue(_ node: Node, as type: FieldType, field: String, at keyLocation: SourceLocation) -> FieldValue? {
        if case .alias = node {
            problems.error("anchors and aliases are not supported in records; write the value out", at: location(node.mark))
            return nil
        }
        let here = location(node.mark)
        switch type {
        case .text:
            guard let text = scalarText(node, field: field, expected: "text") else { return nil }
            return .text(text)

        case .markdown:
            guard let scalar = node.scalar, let text = scalarText(node, field: field, expected: "Markdown text") else {
                return nil
            }
            // A block scalar (`|` or `>`) starts on the line after its indicator.
            let block = scalar.style == .literal || scalar.style == .folded
            let start = block ? SourceLocation(path: path, line: here.line + 1, column: 1) : here
            return .markdown(MarkdownText(text, at: start))

        case .number(_, let range):
            guard let scalar = node.scalar, node.tagName == .int || node.tagName == .float,
                  let value = node.float
            else {
                problems.error("\"\(field)\" must be a number, found \(describe(node))", at: here, span: spanOf(node))
                return nil
            }
            guard value.isFinite else {
                problems.error("\"\(field)\" must be a finite number, found \(scalar.string)", at: here, span: spanOf(node))
                return nil
            }
            if let violation = range.violation(value) {
                problems.error("\"\(field)\" \(violation), found \(scalar.string)", at: here, span: spanOf(node))
                return nil
            }
            return .number(value)

        case .integer(let minimum):
            guard let scalar = node.scalar, node.tagName == .int, let value = node.int else {
                let isNumber = node.tagName == .float
                problems.error(
                    "\"\(field)\" must be a whole number, found " + (isNumber ? node.scalar!.string : describe(node)),
                    at: here, span: spanOf(node))
                return nil
            }
            if value < minimum {
                problems.error("\"\(field)\" must be at least \(minimum), found \(scalar.string)", at: here, span: spanOf(node))
                return nil
            }
            return .integer(value)

        case .bool:
            guard node.tagName == .bool, let value = node.bool else {
                problems.error("\"\(field)\" must be true or false, found \(describe(node))", at: here, span: spanOf(node))
                return nil
            }
            return .bool(value)

        case .date:
            guard let scalar = node.scalar, node.tagName != .int, node.tagName != .float, let day = Day(scalar.string) else {
                problems.error("\"\(field)\" must be a date written YYYY-MM-DD, found \(describe(node))", at: here, span: spanOf(node))
                return nil
            }
            return .date(day)

        case .url:
            guard let text = scalarText(node, field: field, expected: "an http(s) address") else { return nil }
            guard isWebAddress(text) else {
                problems.error("\"\(field)\" must be an http:// or https:// address, found \"\(text)\"", at: here, span: spanOf(node))
                return nil
            }
            return .url(text)

        case .choice(let vocabulary):
            guard let text = scalarText(node, field: field, expected: "one \(vocabulary.name)") else { return nil }
            guard vocabulary.values.contains(text) else {
                problems.error(
                    "unknown \(vocabulary.name) \"\(text)\" in \"\(field)\""
                        + suggestion(for: text, in: vocabulary.values, listing: vocabulary.name + "s"),
                    at: here, span: spanOf(node))
                return nil
            }
            return .choice(text)

        case .reference(let kind):
            guard let text = scalarText(node, field: field, expected: "the id of a \(kind.singular)") else { return nil }
            guard RecordID<Void>.isValid(text) else {
                problems.error(
                    "\"\(field)\" must be the id of a \(kind.singular) (its file name: lowercase letters, digits, '.' and '-'), found \"\(text)\"",
                    at: here, span: spanOf(node))
                return nil
            }
            return .reference(text, here)

        case .list(let element, let minCount):
            guard case .sequence(let sequence) = node else {
                problems.error(
                    "\"\(field)\" must be a list (lines starting with '- '), found \(describe(node))",
                    at: here, span: spanOf(node))
                return nil
            }
            if sequence.count < minCount {
                problems.error("\"\(field)\" needs at least \(minCount) entr\(minCount == 1 ? "y" : "ies")", at: keyLocation, span: field.count)
            }
            var items: [FieldValue] = []
            var previous = (node.mark?.line ?? 0, node.mark?.column ?? 0)
            for item in sequence {
                if let mark = item.mark {
                    guard (mark.line, mark.column) >= previous else {
                        problems.error(
                            "an entry of \"\(field)\" is an alias (*name); anchors and aliases are not supported in records, write the value out",
                            at: keyLocation, span: field.count)
                        continue
                    }
                    previous = (mark.line, mark.column)
                }
                if isNull(item) {
                    problems.error("\"\(field)\" has an empty entry", at: location(item.mark))
                    continue
                }
                if let value = decodeValue(item, as: element, field: field, at: location(item.mark)) {
                    items.append(value)
                }
            }
            return .list(items)

        case .record(let schema):
            guard case .mapping = node else {
                problems.error(
                    "\"\(field)\" must be a mapping with fields (\(schema.fieldNames.joined(separator: ", "))), found \(describe(node))",
                    at: here, span: spanOf(node))
                return nil
            }
            return .record(decodeMapping(node, schema: schema, at: here))
        }
    }

    /// The text of a scalar; lists and mappings where text is expected are reported.
    private mutating func scalarText(_ node: Node, field: String, expected: String) -> String? {
        guard let scalar = node.scalar else {
            problems.error("\"\(field)\" must be \(expected), found \(describe(node))", at: location(node.mark), span: spanOf(node))
            return nil
        }
        return scalar.string
    }

    private func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar else { return false }
        return node.tagName == .null && scalar.style == .plain
    }

    private func spanOf(_ node: Node) -> Int {
        guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any else { return 1 }
        return max(1, scalar.string.count)
    }

    /// How a node reads in a message: `text "64 GB"`, `a list`, `a number 12`.
    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            switch node.tagName {
            case .int, .float: return "the number \(scalar.string)"
            case .bool: return "\(scalar.string) (true/false)"
            case .null: return "nothing"
            default:
                let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
                return "text \"\(text)\""
            }
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

extension Node {
    /// The resolved YAML tag (str, int, float, bool, null...), which decides what a scalar is.
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}

func isWebAddress(_ text: String) -> Bool {
    guard let schemeEnd = text.range(of: "://") else { return false }
    let scheme = text[..<schemeEnd.lowerBound].lowercased()
    let rest = text[schemeEnd.upperBound...]
    return (scheme == "http" || scheme == "https") && !rest.isEmpty
        && !rest.contains(where: { $0 == " " || $0 == "\n" || $0 == "\"" || $0 == "<" || $0 == ">" })
}

extension Substring {
    func trimmingPrefixSpaces() -> Substring {
        drop { $0 == " " || $0 == "\t" }
    }
}
