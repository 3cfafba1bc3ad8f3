import Catalog
import Foundation

/// A template compiled at load: its file (for diagnostics) and its tree.
final class CompiledTemplate: Sendable {
    let name: String
    let file: SourceFile
    let nodes: [TemplateNode]

    init(name: String, file: SourceFile, nodes: [TemplateNode]) {
        self.name = name
        self.file = file
        self.nodes = nodes
    }

    /// The 1-based line and column (in Unicode scalars, as editors count) of a byte offset.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        var column = 1
        let utf8 = file.text.utf8
        var position = 0
        for byte in utf8 {
            if position == offset { break }
            if byte == UInt8(ascii: "\n") {
                line += 1
                lineStart = position + 1
            }
            position += 1
        }
        position = 0
        for byte in utf8 {
            if position >= offset { break }
            if position >= lineStart, byte & 0xC0 != 0x80 { column += 1 }
            position += 1
        }
        return (line, column)
    }
}

/// Renders a compiled template from a `ViewTree`, and checks it against the view model as it goes.
///
/// Output matches what swift-mustache rendered byte for byte: the same context-stack lookup
/// (a name climbs past objects whose field is absent or empty), sections over lists, booleans
/// and objects, inverted sections, partials with the indentation of a standalone tag applied
/// the way swift-mustache applies it, parent layouts with block overrides, the `empty` and
/// `count` transforms, and its HTML escaping of & < > " '.
///
/// The check reports every tag that names a field no view model on the context stack declares,
/// every missing partial or parent, and every tag that would print safe HTML escaped or text
/// unescaped. It covers more than the page's output does, as the separate checker it replaces
/// did: a section's body is checked even when the section is false, and an inverted section's
/// body even when it does not render, so a mistake shows up on every page, not only on those
/// whose data happens to take that branch. Those branches are walked without writing output.
struct TemplateRenderer {
    let templates: TemplateSet
    private(set) var output: [UInt8] = []
    private(set) var diagnostics: [Diagnostic] = []
    private var reported: Set<String> = []
    private var stack: [Frame] = []

    /// An object on the context stack. An inverted section over an empty list pushes the list
    /// (swift-mustache does, and `{{.}}` prints it), but the check does not see it: it is `hidden`.
    private struct Frame {
        let value: TemplateValue
        let node: ViewNode?
        let hidden: Bool

        init(_ value: TemplateValue, hidden: Bool = false) {
            self.value = value
            if case .node(let node) = value { self.node = node } else { node = nil }
            self.hidden = hidden
        }
    }

    private struct Override {
        let nodes: [TemplateNode]
        let template: CompiledTemplate
    }

    private typealias Overrides = [String: Override]

    /// The checker of old stopped at this depth, which also ends recursion between partials.
    private static let maximumDepth = 32

    init(templates: TemplateSet, capacity: Int = 1 << 16) {
        self.templates = templates
        output.reserveCapacity(capacity)
    }

    mutating func render(_ template: CompiledTemplate, model: TemplateValue) {
        stack = [Frame(model)]
        walk(template.nodes, in: template, overrides: [:], indentation: nil, emit: true, check: true, depth: 0)
    }

    // MARK: Walking

    private mutating func walk(
        _ nodes: [TemplateNode], in template: CompiledTemplate, overrides: Overrides, indentation: [UInt8]?,
        emit: Bool, check: Bool, depth: Int
    ) {
        let check = check && depth < Self.maximumDepth
        guard emit || check else { return }
        // swift-mustache indents a partial's output token by token: a token's output gets the
        // indentation when the output of this template so far ends a line.
        let indent = emit && !(indentation?.isEmpty ?? true) ? indentation : nil
        let start = output.count
        for node in nodes {
            let before = output.count
            self.node(node, in: template, overrides: overrides, indentation: indentation, emit: emit, check: check, depth: depth)
            if let indent, output.count > before, before > start, endsLine(at: before) {
                output.insert(contentsOf: indent, at: before)
            }
        }
    }

    /// Whether the output before `end` ends with "\n" as its last Character (so not "\r\n").
    private func endsLine(at end: Int) -> Bool {
        output[end - 1] == UInt8(ascii: "\n") && !(end >= 2 && output[end - 2] == UInt8(ascii: "\r"))
    }

    private mutating func node(
        _ node: TemplateNode, in template: CompiledTemplate, overrides: Overrides, indentation: [UInt8]?,
        emit: Bool, check: Bool, depth: Int
    ) {
        switch node {
        case .text(let bytes):
            if emit { output.append(contentsOf: bytes) }

        case .variable(let tag, let escaped):
            let resolved = resolve(tag, in: template, check: check)
            if check, let found = resolved.found {
                let isHTML = found.type == HTML.self || found.type == Optional<HTML>.self
                if escaped, isHTML {
                    report(template, tag.offset, "{{\(tag.text)}} is HTML and would be escaped; print it with {{{\(tag.text)}}}")
                } else if !escaped, !isHTML {
                    report(template, tag.offset, "{{{\(tag.text)}}} would print text without escaping; print it with {{\(tag.text)}}")
                }
            }
            if emit, let value = resolved.value { write(value, escaped: escaped) }

        case .section(let tag, let inverted, let children):
            let resolved = resolve(tag, in: template, check: check)
            func body(_ emit: Bool, _ check: Bool) {
                walk(children, in: template, overrides: overrides, indentation: indentation, emit: emit, check: check, depth: depth + 1)
            }
            if inverted {
                // The check walks the body whenever the name resolves, on the same stack.
                let checked = check && resolved.found != nil
                var rendered = false
                if emit {
                    var hiddenList: [TemplateValue]?
                    let renders: Bool
                    switch resolved.value {
                    case nil: renders = true
                    case .list(let list): renders = list.isEmpty; hiddenList = list
                    case .bool(let flag): renders = !flag
                    case .html(let html): renders = html.html.isEmpty
                    default: renders = false
                    }
                    if renders {
                        if let hiddenList { stack.append(Frame(.list(hiddenList), hidden: true)) }
                        body(true, checked)
                        if hiddenList != nil { stack.removeLast() }
                        rendered = true
                    }
                }
                if checked, !rendered { body(false, true) }
            } else {
                var checkedAlong = false
                if emit, let value = resolved.value {
                    let checked = check && resolved.same
                    switch value {
                    case .list(let list):
                        for item in list {
                            stack.append(Frame(item))
                            body(true, checked)
                            stack.removeLast()
                        }
                        checkedAlong = checked
                    case .bool(let flag):
                        if flag {
                            body(true, checked)
                            checkedAlong = checked
                        }
                    case .html(let html) where html.html.isEmpty:
                        break
                    default:
                        stack.append(Frame(value))
                        body(true, checked)
                        stack.removeLast()
                        checkedAlong = checked
                    }
                }
                // What the check walks that the output did not.
                if check, !checkedAlong, let value = resolved.found?.value {
                    switch value {
                    case .list(let list):
                        for item in list {
                            stack.append(Frame(item))
                            body(false, true)
                            stack.removeLast()
                        }
                    case .bool:
                        body(false, true)
                    default:
                        stack.append(Frame(value))
                        body(false, true)
                        stack.removeLast()
                    }
                }
            }

        case .partial(let name, let partialIndentation, let blocks, let offset):
            guard let partial = templates.sources[name] else {
                if check {
                    let kind = blocks == nil ? "partial" : "parent template"
                    report(template, offset, "\(kind) \"\(name)\" does not exist (\(templates.path(of: name)))")
                }
                return
            }
            var merged = overrides
            if let blocks {
                for (block, children) in blocks where merged[block] == nil {
                    merged[block] = Override(nodes: children, template: template)
                }
            }
            let indented = partialIndentation.map { (indentation ?? []) + $0 } ?? indentation
            walk(partial.nodes, in: partial, overrides: merged, indentation: indented, emit: emit, check: check, depth: depth + 1)

        case .block(let name, let children, let blockIndentation):
            let indented = (indentation ?? []) + blockIndentation
            if let override = overrides[name] {
                walk(override.nodes, in: override.template, overrides: overrides, indentation: indented,
                     emit: emit, check: check, depth: depth + 1)
            } else {
                walk(children, in: template, overrides: overrides, indentation: indented, emit: emit, check: check, depth: depth + 1)
            }

        case .blockDefinition:
            break
        }
    }

    // MARK: Looking names up

    /// A field as the check sees it: its declared type (to tell HTML from text even when the
    /// optional is empty) and its value, unwrapped.
    private struct Found {
        var type: Any.Type
        var value: TemplateValue?
    }

    /// A tag's name looked up twice over, usually in one pass: as the check reads it (the first
    /// object on the stack that declares the field) and as swift-mustache rendered it (the first
    /// object whose field has a value). `same` says the two agree, so one walk serves both.
    private struct Resolved {
        var found: Found?
        var value: TemplateValue?
        var same: Bool
    }

    private mutating func resolve(_ tag: TemplateTag, in template: CompiledTemplate, check: Bool) -> Resolved {
        var resolved = lookUp(tag, in: template, check: check)
        guard !tag.transforms.isEmpty else { return resolved }
        // Innermost first. The check's rules and swift-mustache's differ for an absent argument.
        for (level, transform) in tag.transforms.enumerated().reversed() {
            if resolved.found != nil {
                let items: [TemplateValue]? = if case .list(let items) = resolved.found?.value { items } else { nil }
                switch transform {
                case "empty": resolved.found = Found(type: Bool.self, value: .bool(items?.isEmpty ?? true))
                case "count": resolved.found = Found(type: Int.self, value: .int(items?.count ?? 0))
                case "first": resolved.found = Found(type: Any.self, value: items?.first)
                case "last": resolved.found = Found(type: Any.self, value: items?.last)
                case "reversed": resolved.found = Found(type: [Any].self, value: items.map { .list(Array($0.reversed())) })
                default:
                    let name = tag.transforms[level...].joined(separator: "(") + "(" + tag.argument
                        + String(repeating: ")", count: tag.transforms.count - level)
                    if check {
                        report(template, tag.offset, "{{\(name)}} uses the transform \"\(transform)\", which templates here do not use (empty, count, first, last, reversed)")
                    }
                    resolved.found = nil
                }
            }
            resolved.value = resolved.value.flatMap { Self.transform($0, transform) }
        }
        switch (resolved.found?.value, resolved.value) {
        case (.bool(let a), .bool(let b)): resolved.same = a == b
        case (.int(let a), .int(let b)): resolved.same = a == b
        default: resolved.same = false
        }
        return resolved
    }

    /// swift-mustache's transforms of lists and text.
    private static func transform(_ value: TemplateValue, _ name: String) -> TemplateValue? {
        if case .list(let items) = value {
            switch name {
            case "first": return items.first
            case "last": return items.last
            case "reversed": return .list(Array(items.reversed()))
            case "count": return .int(items.count)
            case "empty": return .bool(items.isEmpty)
            default: return nil
            }
        }
        if case .text(let text) = value {
            switch name {
            case "empty": return .bool(text.isEmpty)
            case "capitalized": return .text(text.capitalized)
            case "lowercased": return .text(text.lowercased())
            case "uppercased": return .text(text.uppercased())
            case "reversed": return .text(String(text.reversed()))
            default: return nil
            }
        }
        return nil
    }

    private mutating func lookUp(_ tag: TemplateTag, in template: CompiledTemplate, check: Bool) -> Resolved {
        let path = tag.path
        guard let first = path.first else {
            let top = stack[stack.count - 1]
            let checked = checkedTop
            return Resolved(found: Found(type: checked.value.dynamicType, value: checked.value), value: top.value, same: !top.hidden)
        }
        // The first part climbs the stack.
        var found: Found?
        var value: TemplateValue?
        var same = true
        var index = stack.count - 1
        while index >= 0 {
            // The node alone is read off the stack: copying the whole frame for every object
            // climbed past was a tenth of the lookups.
            let field = if let node = stack[index].node { node.field(id: tag.pathIDs[0]) } else { Self.field(first, id: tag.pathIDs[0], of: stack[index]) }
            if let field {
                if found == nil {
                    found = Found(type: field.type, value: field.value)
                    if field.value != nil {
                        value = field.value
                        break
                    }
                } else if let fieldValue = field.value {
                    // swift-mustache climbs past an empty optional; the check stops at it.
                    value = fieldValue
                    same = false
                    break
                }
            }
            index -= 1
        }
        guard var current = found else {
            if check {
                let owner = checkedTop
                let fields = Self.fieldNames(of: owner.value)
                report(template, tag.offset, "{{\(tag.argument)}} is not a field of \(Self.typeName(owner.value))"
                    + (closestMatch(to: first, in: fields).map { "; did you mean \"\($0)\"?" } ?? ""))
            }
            return Resolved(found: nil, value: nil, same: true)
        }
        guard path.count > 1 else { return Resolved(found: current, value: value, same: same) }
        // The rest of a dotted name reads fields of what the first part found.
        var checkFailed = false
        for (part, id) in zip(path, tag.pathIDs).dropFirst() {
            guard let object = current.value else { break }
            guard let child = Self.field(part, id: id, of: Frame(object)) else {
                if check {
                    report(template, tag.offset, "{{\(tag.argument)}}: \"\(part)\" is not a field of \(Self.typeName(object))")
                }
                checkFailed = true
                break
            }
            current = Found(type: child.type, value: child.value)
        }
        if same {
            return Resolved(found: checkFailed ? nil : current, value: checkFailed ? nil : current.value, same: true)
        }
        var rendered = value
        for (part, id) in zip(path, tag.pathIDs).dropFirst() {
            guard let object = rendered else { break }
            rendered = Self.field(part, id: id, of: Frame(object))?.value
        }
        return Resolved(found: checkFailed ? nil : current, value: rendered, same: false)
    }

    /// The top of the stack as the check sees it.
    private var checkedTop: Frame {
        stack.last(where: { !$0.hidden }) ?? stack[stack.count - 1]
    }

    private static func field(_ name: String, id: Int, of frame: Frame) -> (type: Any.Type, value: TemplateValue?)? {
        switch frame.value {
        case .node(let node): return node.field(id: id)
        case .text, .int, .double, .bool, .list: return nil
        case .html(let html): return name == "html" ? (String.self, .text(html.html)) : nil
        case .other(let box):
            for child in Mirror(reflecting: box.value).children where child.label == name {
                return (type(of: child.value), ViewTree.make(child.value))
            }
            return nil
        }
    }

    private static func typeName(_ object: TemplateValue) -> String {
        if case .node(let node) = object { return node.typeName }
        return "\(object.dynamicType)"
    }

    private static func fieldNames(of object: TemplateValue) -> [String] {
        switch object {
        case .node(let node): node.fieldNames
        case .html: ["html"]
        case .other(let box): Mirror(reflecting: box.value).children.compactMap(\.label)
        case .text, .int, .double, .bool, .list: []
        }
    }

    // MARK: Output

    private mutating func write(_ value: TemplateValue, escaped: Bool) {
        switch value {
        case .text(let text): append(text, escaped: escaped)
        case .html(let html): append(html.html, escaped: escaped)
        case .int(let number): append(String(number), escaped: false)
        case .double(let number): append(String(describing: number), escaped: false)
        case .bool(let flag): append(flag ? "true" : "false", escaped: false)
        case .list(let items): append(String(describing: items), escaped: escaped)
        case .node(let node): append(String(describing: node), escaped: escaped)
        case .other(let box): append(String(describing: box.value), escaped: escaped)
        }
    }

    private mutating func append(_ text: String, escaped: Bool) {
        guard escaped else {
            output.append(contentsOf: text.utf8)
            return
        }
        escapeHTML(text.utf8, into: &output)
    }

    private mutating func report(_ template: CompiledTemplate, _ offset: Int, _ message: String) {
        let (line, column) = template.location(of: offset)
        let path = template.file.path
        // A tag inside a loop is reported once, not once per item.
        guard reported.insert("\(path):\(line):\(column):\(message)").inserted else { return }
        diagnostics.append(Diagnostic(at: SourceLocation(path: path, line: line, column: column), message,
                                      lineText: template.file.line(line)))
    }
}

/// Escapes & < > " ' (the characters swift-mustache escapes) over UTF-8 bytes: each is one byte
/// in UTF-8 and never part of another character's encoding. Runs without them are copied whole.
func escapeHTML(_ utf8: String.UTF8View, into output: inout [UInt8]) {
    let done: Void? = utf8.withContiguousStorageIfAvailable { escapeHTML($0, into: &output) }
    if done == nil { Array(utf8).withUnsafeBufferPointer { escapeHTML($0, into: &output) } }
}

private func escapeHTML(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
    var runStart = 0
    for index in 0..<bytes.count {
        let replacement: StaticString
        switch bytes[index] {
        case UInt8(ascii: "&"): replacement = "&amp;"
        case UInt8(ascii: "<"): replacement = "&lt;"
        case UInt8(ascii: ">"): replacement = "&gt;"
        case UInt8(ascii: "\""): replacement = "&quot;"
        case UInt8(ascii: "'"): replacement = "&#39;"
        default: continue
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        output.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
        runStart = index + 1
    }
    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
}
