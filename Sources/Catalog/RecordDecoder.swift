import Yams

/// Reads a YAML document against a schema, collecting every problem with its exact place.
///
/// Yams gives each node a line and column; a front matter's YAML starts on a later line of the
/// file, so `lineOffset` maps YAML lines to file lines.
struct RecordDecoder {
    var problems: Problems
    let lineOffset: Int
    /// Where libyaml's lines start in the file, when the YAML holds line breaks only YAML counts.
    private var lineMap: YAMLLineMap?
    /// Set when the event scan has already reported every alias, so the decoder only skips them.
    private var aliasesReported = false
    /// libyaml's line and column just past the YAML's last character.
    private var yamlEnd: (line: Int, column: Int)?

    init(file: SourceFile, lineOffset: Int = 0) {
        self.problems = Problems(file: file)
        self.lineOffset = lineOffset
    }

    var path: String { problems.file.path }

    func location(_ mark: Mark?) -> SourceLocation {
        guard let mark else { return SourceLocation(path: path, line: lineOffset + 1, column: 1) }
        // libyaml marks what it finds at the end of a text with no final line break (an error, or
        // the empty node of a lone `--- `) on the line after the last: that is the end of the last.
        if let yamlEnd, mark.line > yamlEnd.line { return location(line: yamlEnd.line, column: yamlEnd.column) }
        return location(line: mark.line, column: mark.column)
    }

    /// A file location from libyaml's 1-based line and column in the YAML text.
    func location(line: Int, column: Int) -> SourceLocation {
        let (line, column) = lineMap?.fileLineAndColumn(line: line, column: column) ?? (line, column)
        return SourceLocation(path: path, line: line + lineOffset, column: column)
    }

    /// Made once: Yams builds its default constructor's tables anew each time it is asked for one.
    /// Composing never calls it (records are decoded from nodes here), but the parser holds one.
    private nonisolated(unsafe) static let constructor = Constructor.default

    /// Parses YAML text into a node tree, reporting a syntax error at its place.
    ///
    /// The encoding is named, not left to Yams's default, which reads the process environment for
    /// every file parsed (a tenth of parsing) and prints a line each time `YAMS_DEFAULT_ENCODING`
    /// is set. Swift strings are UTF-8, so libyaml reads their bytes in place.
    mutating func parse(_ yaml: String) -> Node?? {
        _ = YAMLEvents.limitNesting
        if YAMLLineMap.isNeeded(for: yaml) { lineMap = YAMLLineMap(yaml) }
        yamlEnd = lineMap?.end ?? YAMLLineMap.end(of: yaml)
        if YAMLEvents.mayNeedScan(yaml) {
            let scan = YAMLEvents.scan(yaml)
            let complexKeys = scan.problems.contains { if case .complexKey = $0.kind { true } else { false } }
            for problem in scan.problems {
                switch problem.kind {
                case .alias(let name):
                    aliasesReported = true
                    problems.error(
                        "an alias (*\(name)): anchors and aliases are not supported in records; write the value out",
                        at: location(line: problem.line, column: problem.column), span: name.count + 1)
                case .complexKey(let found):
                    problems.error(
                        "field names must be plain words, found \(found)", at: location(line: problem.line, column: problem.column))
                case .duplicateKey(let key, let firstLine):
                    // Composing reports these, unless it is skipped below.
                    if complexKeys { reportDuplicate(key, firstLine: firstLine, line: problem.line, column: problem.column) }
                }
            }
            if let first = scan.firstOmitted {
                problems.error(
                    "\(scan.omitted) more aliases or keys like the ones above, from here on, are not listed",
                    at: location(line: first.line, column: first.column))
            }
            // A list, mapping or alias used as a key is hashed whole by the composer (to find
            // duplicate keys): with aliases of aliases that never ends. Such a file is not composed.
            if complexKeys { return .none }
        }
        do {
            return .some(try Yams.compose(yaml: yaml, YAMLImplicitTypes.composing, Self.constructor, .utf8))
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
            var at = location(mark)
            let contextText = context?.text ?? ""
            if problem.hasPrefix("Maximum nesting level reached") {
                // libyaml stops where the limit is reached, or earlier when it has read ahead.
                message = "invalid YAML: lists and mappings nested more than \(YAMLEvents.nestingLimit) levels deep; records need a few"
            } else if problem == "found undefined alias", aliasesReported {
                return  // already reported where it is written
            } else if problem == "but found another document" {
                message = "invalid YAML: a second document starts here; a record file holds one (remove the '---' line)"
            } else if let context, problem.contains("end of stream"),
                      contextText.hasPrefix("while scanning a quoted scalar") || contextText.hasPrefix("while parsing a flow") {
                // What is missing is a closing quote or bracket: point at the one that opened.
                let opener = contextText.contains("quoted") ? "quote" : "bracket"
                message = "invalid YAML: this \(opener) is never closed (\(problem))"
                at = location(context.mark)
            } else if let context, contextText.hasPrefix("while parsing a flow"),
                      problem.hasPrefix("did not find expected ','") {
                // Usually a bracket left open: the next line's `key:` is read as part of the list.
                let here = location(mark)
                let what = contextText.contains("sequence") ? "list" : "mapping"
                message = "invalid YAML: the \(what) opened here is not closed before line \(here.line), column \(here.column) (\(problem))"
                at = location(context.mark)
            } else if let context {
                message += " (\(contextText) at line \(location(context.mark).line))"
                if contextText.hasPrefix("while scanning an alias") {
                    message += "; a value starting with '*' is read as an alias: put it in quotes"
                }
            }
            if let lineMap, let first = lineMap.firstYAMLOnlyBreak {
                let place = location(line: first.line, column: first.column)
                message += "; note that YAML counts the \(first.name) on line \(place.line) as a line break"
            }
            if problem.contains("found character that cannot start any token"),
               problems.file.line(at.line)?.contains("\t") == true {
                message += "; YAML does not allow tabs for indentation, use spaces"
            }
            problems.error(message, at: at)
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams names the keys, with the place of one of them: the event scan finds each
            // repeat (the one to delete) and where its key was first written.
            let repeats = YAMLEvents.scan(yaml).problems.compactMap { problem -> (String, Int, Int, Int)? in
                guard case .duplicateKey(let key, let firstLine) = problem.kind else { return nil }
                return (key, firstLine, problem.line, problem.column)
            }
            for (key, firstLine, line, column) in repeats {
                reportDuplicate(key, firstLine: firstLine, line: line, column: column)
            }
            if repeats.isEmpty {
                for key in duplicates {
                    problems.error(
                        "duplicate key \"\(key)\"; each field may appear once", at: location(context.mark), span: key.count)
                }
            }
        case .reader(let problem, let offset, let value, _):
            // Yams gives the offset in characters of the text it read.
            var at = location(nil)
            if let offset, let index = yaml.index(yaml.startIndex, offsetBy: offset, limitedBy: yaml.endIndex) {
                let before = yaml[..<index]
                let line = before.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
                // Lines counted at line feeds are the file's already (no line map).
                at = SourceLocation(path: path, line: line + lineOffset, column: before[lineStart...].unicodeScalars.count + 1)
            }
            let hex = String(value, radix: 16, uppercase: true)
            let character = value >= 0 ? " (U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ")" : ""
            problems.error("cannot read YAML: \(problem)\(character)", at: at)
        default:
            problems.error("cannot read YAML: \(error)", at: location(nil))
        }
    }

    private mutating func reportDuplicate(_ key: String, firstLine: Int, line: Int, column: Int) {
        let first = location(line: firstLine, column: 1)
        problems.error(
            "duplicate key \"\(key)\" (first written on line \(first.line)); each field may appear once",
            at: location(line: line, column: column), span: key.count)
    }

    // MARK: Records

    /// Decodes a top-level document: it must be a mapping (or empty, when every field is optional).
    mutating func decodeDocument(_ node: Node?, schema: Schema) -> Fields {
        let start = location(nil)
        guard let node, !isNull(node) else {
            // An empty file (or only comments, or `---` alone): one message, not one per missing field.
            let required = schema.fields.filter(\.required).map(\.name)
            if !required.isEmpty {
                problems.error(
                    "no fields here: \(schema.article) needs at least " + required.joined(separator: ", "), at: start)
            }
            return Fields(schema: schema, location: start)
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
        // A mapping with an alias among its keys' values (`<<: *base`) may get its fields from
        // it: they are not reported missing on top of the alias.
        var hasAliasedValue = false
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
                    if !aliasesReported { problems.error(
                        "the value of \"\(name)\" is an alias (*name); anchors and aliases are not supported in records, write the value out",
                        at: keyLocation, span: name.count) }
                    fields.keyLocations[name] = keyLocation
                    hasAliasedValue = true
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
        for spec in schema.fields where spec.required && fields.values[spec.name] == nil && !suggested.contains(spec.name) && !hasAliasedValue {
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

        case .number(let unit, let range):
            if let written = Self.leadingZero(node) {
                reportLeadingZero(written, field: field, at: here)
                return nil
            }
            guard let scalar = node.scalar, node.tagName == .int || node.tagName == .float,
                  !scalar.string.utf8.contains(UInt8(ascii: ":")), let value = Self.decimal(scalar) ?? node.float
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
            if let ceiling = NumberRange.ceiling(unit: unit), value > ceiling.value {
                problems.error(
                    "\"\(field)\" must be at most \(format(ceiling.value)) (\(ceiling.meaning)), found \(scalar.string)",
                    at: here, span: spanOf(node))
                return nil
            }
            return .number(value)

        case .integer(let minimum):
            if let written = Self.leadingZero(node) {
                reportLeadingZero(written, field: field, at: here)
                return nil
            }
            // Yams reads YAML 1.1's base 60 (`1:30`) with arithmetic that traps on overflow: such
            // a scalar only reaches here with an explicit `!!int` tag, and is not read as a number.
            guard let scalar = node.scalar, node.tagName == .int, !scalar.string.utf8.contains(UInt8(ascii: ":")),
                  let value = Self.digits(scalar) ?? node.int else {
                let found: String
                if let scalar = node.scalar, node.tagName == .float {
                    found = scalar.string
                } else if let scalar = node.scalar, node.tagName == .int, !scalar.string.utf8.contains(UInt8(ascii: ":")) {
                    found = "\(scalar.string), which is too large"
                } else {
                    found = describe(node)
                }
                problems.error("\"\(field)\" must be a whole number, found \(found)", at: here, span: spanOf(node))
                return nil
            }
            if value < minimum {
                problems.error("\"\(field)\" must be at least \(minimum), found \(scalar.string)", at: here, span: spanOf(node))
                return nil
            }
            let ceiling = NumberRange.integerCeiling(field: field)
            if value > ceiling.value {
                problems.error(
                    "\"\(field)\" must be at most \(ceiling.value) (\(ceiling.meaning)), found \(scalar.string)",
                    at: here, span: spanOf(node))
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
                        if !aliasesReported { problems.error(
                            "an entry of \"\(field)\" is an alias (*name); anchors and aliases are not supported in records, write the value out",
                            at: keyLocation, span: field.count) }
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

    /// A plain scalar of digits with a leading zero (`010`, `-007`, `0_10`): YAML 1.1, which
    /// Yams follows, reads it as an octal number (`010` is 8), YAML 1.2 as a decimal one, and
    /// an editor who pads a number with zeros surely means neither octal nor a silent 8. Nil
    /// for `0`, `0.5` and `0x1F`, which say what they are.
    static func leadingZero(_ node: Node) -> String? {
        guard let scalar = node.scalar, scalar.style == .plain else { return nil }
        var digits = scalar.string.utf8[...]
        if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard digits.first == UInt8(ascii: "0"), digits.count > 1,
              digits.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") })
        else { return nil }
        return scalar.string
    }

    private mutating func reportLeadingZero(_ written: String, field: String, at location: SourceLocation) {
        let sign = written.first == "-" ? "-" : ""
        let digits = written.filter(\.isNumber).drop { $0 == "0" }
        let decimal = sign + (digits.isEmpty ? "0" : String(digits))
        problems.error(
            "\"\(field)\" is written \(written), and a leading zero makes YAML read an octal number: write \(decimal)",
            at: location, span: written.count)
    }

    /// The text of a scalar; lists and mappings where text is expected are reported.
    private mutating func scalarText(_ node: Node, field: String, expected: String) -> String? {
        guard let scalar = node.scalar else {
            problems.error("\"\(field)\" must be \(expected), found \(describe(node))", at: location(node.mark), span: spanOf(node))
            return nil
        }
        // YAML refuses control characters written raw, but its double-quoted escapes write them.
        if let control = scalar.string.unicodeScalars.first(where: ControlCharacters.isForbidden) {
            problems.error(
                "\"\(field)\" holds the control character \(ControlCharacters.describe(control)), written as an escape: "
                    + "a page cannot show it and HTML does not allow it; remove it",
                at: location(node.mark), span: spanOf(node))
            return nil
        }
        return scalar.string
    }

    /// The value of a plain scalar of decimal digits without a leading zero ("128"), read
    /// directly; nil for anything else (signs, `_`, `0x`, octal `010`, quoted text), which
    /// Yams's constructor reads. Yams strips `_` and looks for base-60 `:` with Foundation's
    /// string search, for every number of every record; the answer here is the same as its.
    static func digits(_ scalar: Node.Scalar) -> Int? {
        let bytes = scalar.string.utf8
        guard scalar.style == .plain, let first = bytes.first, first != UInt8(ascii: "0") || bytes.count == 1,
              bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(scalar.string)
    }

    /// The value of a plain scalar of digits with at most one point between them ("27.6",
    /// "128"), read directly; nil for anything else, which Yams's constructor reads (to the
    /// same value: it too ends with `Double(text)`).
    static func decimal(_ scalar: Node.Scalar) -> Double? {
        let bytes = scalar.string.utf8
        guard scalar.style == .plain, let first = bytes.first, let last = bytes.last,
              first != UInt8(ascii: "."), last != UInt8(ascii: "."),
              bytes.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }),
              bytes.count(where: { $0 == UInt8(ascii: ".") }) <= 1
        else { return nil }
        return Double(scalar.string)
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
    /// The YAML type (str, int, float, bool, null...) that decides what a scalar is: see
    /// `YAMLImplicitTypes` (a key's, once composed, is its tag as written, else str).
    var tagName: Tag.Name {
        guard case .scalar(let scalar) = self else { return Tag.Name(rawValue: tag.rawValue) }
        return YAMLImplicitTypes.name(of: scalar)
    }
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
