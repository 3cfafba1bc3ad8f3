import Catalog
import Foundation
import Mustache

/// A template's tags as a tree, with their positions, for checking against a view model.
/// (swift-mustache keeps its own tree private; this reads the same syntax we use: variables,
/// sections, inverted sections, partials, parents and blocks, and comments.)
indirect enum TemplateNode: Sendable {
    case variable(name: String, escaped: Bool, line: Int, column: Int)
    case section(name: String, inverted: Bool, children: [TemplateNode], line: Int, column: Int)
    case partial(name: String, line: Int, column: Int)
    case parent(name: String, blocks: [String: [TemplateNode]], line: Int, column: Int)
    case block(name: String, children: [TemplateNode])

    static func parse(_ text: String) -> [TemplateNode] {
        var parser = Parser(text: text)
        return parser.parse(until: nil)
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        var column = 1

        init(text: String) { scalars = Array(text.unicodeScalars) }

        mutating func parse(until closing: String?) -> [TemplateNode] {
            var nodes: [TemplateNode] = []
            while let tag = nextTag() {
                switch tag.sigil {
                case "!", "=":
                    continue
                case "/":
                    if tag.name == closing { return nodes }
                case "#", "^":
                    let children = parse(until: tag.name)
                    nodes.append(.section(name: tag.name, inverted: tag.sigil == "^", children: children,
                                          line: tag.line, column: tag.column))
                case ">":
                    nodes.append(.partial(name: tag.name, line: tag.line, column: tag.column))
                case "<":
                    var blocks: [String: [TemplateNode]] = [:]
                    for case .block(let name, let children) in parse(until: tag.name) { blocks[name] = children }
                    nodes.append(.parent(name: tag.name, blocks: blocks, line: tag.line, column: tag.column))
                case "$":
                    nodes.append(.block(name: tag.name, children: parse(until: tag.name)))
                case "{", "&":
                    nodes.append(.variable(name: tag.name, escaped: false, line: tag.line, column: tag.column))
                default:
                    nodes.append(.variable(name: tag.name, escaped: true, line: tag.line, column: tag.column))
                }
            }
            return nodes
        }

        private struct Tag {
            var sigil: Unicode.Scalar?
            var name: String
            var line: Int
            var column: Int
        }

        private mutating func nextTag() -> Tag? {
            while index + 1 < scalars.count {
                if scalars[index] == "{", scalars[index + 1] == "{" {
                    let line = self.line
                    let column = self.column
                    advance(2)
                    let triple = index < scalars.count && scalars[index] == "{"
                    var sigil: Unicode.Scalar?
                    if index < scalars.count, "#^/>$<!&={".unicodeScalars.contains(scalars[index]) {
                        sigil = scalars[index]
                        advance(1)
                    }
                    var name = ""
                    while index + 1 < scalars.count, !(scalars[index] == "}" && scalars[index + 1] == "}") {
                        name.unicodeScalars.append(scalars[index])
                        advance(1)
                    }
                    advance(triple ? 3 : 2)
                    return Tag(sigil: sigil, name: name.trimmingCharacters(in: .whitespaces), line: line, column: column)
                }
                advance(1)
            }
            return nil
        }

        private mutating func advance(_ count: Int) {
            for _ in 0..<count where index < scalars.count {
                if scalars[index] == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                index += 1
            }
        }
    }
}

/// Walks a template with its view model the way Mustache renders it, and reports every tag that
/// names a field no view model on the context stack has, every missing partial or parent, and
/// every tag that would print safe HTML escaped or text unescaped.
///
/// Sections over lists are checked against each element, so a field missing from list items is
/// found whenever a page has at least one item; tests build fixture pages with every list filled.
struct TemplateChecker {
    let templates: TemplateSet
    var diagnostics: [Diagnostic] = []
    private var reported: Set<String> = []

    init(templates: TemplateSet) { self.templates = templates }

    mutating func check(template name: String, model: Any) {
        guard let source = templates.sources[name] else {
            report(path: templates.path(of: name), line: 0, column: 0, "missing template \"\(name)\" (\(templates.path(of: name)) does not exist)")
            return
        }
        walk(source.nodes, stack: [model], in: name, overrides: [:], depth: 0)
    }

    private typealias Overrides = [String: (nodes: [TemplateNode], template: String)]

    private mutating func walk(_ nodes: [TemplateNode], stack: [Any], in template: String, overrides: Overrides, depth: Int) {
        guard depth < 32 else { return }
        for node in nodes {
            switch node {
            case .variable(let name, let escaped, let line, let column):
                guard let value = resolve(name, in: stack, template: template, line: line, column: column) else { continue }
                let isHTML = value.type == HTML.self || value.type == Optional<HTML>.self
                if escaped, isHTML {
                    report(template, line, column, "{{\(name)}} is HTML and would be escaped; print it with {{{\(name)}}}")
                } else if !escaped, !isHTML {
                    report(template, line, column, "{{{\(name)}}} would print text without escaping; print it with {{\(name)}}")
                }

            case .section(let name, let inverted, let children, let line, let column):
                guard let value = resolve(name, in: stack, template: template, line: line, column: column) else { continue }
                if inverted {
                    walk(children, stack: stack, in: template, overrides: overrides, depth: depth + 1)
                } else if let items = value.value as? [Any] {
                    for item in items { walk(children, stack: stack + [item], in: template, overrides: overrides, depth: depth + 1) }
                } else if value.value is Bool {
                    walk(children, stack: stack, in: template, overrides: overrides, depth: depth + 1)
                } else if let object = value.value {
                    walk(children, stack: stack + [object], in: template, overrides: overrides, depth: depth + 1)
                }

            case .partial(let name, let line, let column):
                guard let partial = templates.sources[name] else {
                    report(template, line, column, "partial \"\(name)\" does not exist (\(templates.path(of: name)))")
                    continue
                }
                walk(partial.nodes, stack: stack, in: name, overrides: overrides, depth: depth + 1)

            case .parent(let name, let blocks, let line, let column):
                guard let parent = templates.sources[name] else {
                    report(template, line, column, "parent template \"\(name)\" does not exist (\(templates.path(of: name)))")
                    continue
                }
                var merged = overrides
                for (block, children) in blocks where merged[block] == nil { merged[block] = (children, template) }
                walk(parent.nodes, stack: stack, in: name, overrides: merged, depth: depth + 1)

            case .block(let name, let children):
                if let override = overrides[name] {
                    walk(override.nodes, stack: stack, in: override.template, overrides: overrides, depth: depth + 1)
                } else {
                    walk(children, stack: stack, in: template, overrides: overrides, depth: depth + 1)
                }
            }
        }
    }

    /// A value found on the context stack: its static type (to tell HTML from text even when
    /// the optional is empty) and the value itself, unwrapped.
    private struct Found {
        var type: Any.Type
        var value: Any?
    }

    private mutating func resolve(_ name: String, in stack: [Any], template: String, line: Int, column: Int) -> Found? {
        // A transform, `empty(items)`: check its argument, then apply it as swift-mustache does.
        if let open = name.firstIndex(of: "("), name.hasSuffix(")") {
            let transform = String(name[..<open])
            let argument = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
            guard let found = resolve(argument, in: stack, template: template, line: line, column: column) else { return nil }
            let items = found.value as? [Any]
            switch transform {
            case "empty": return Found(type: Bool.self, value: items?.isEmpty ?? true)
            case "count": return Found(type: Int.self, value: items?.count ?? 0)
            case "first": return Found(type: Any.self, value: items?.first)
            case "last": return Found(type: Any.self, value: items?.last)
            case "reversed": return Found(type: [Any].self, value: items.map { Array($0.reversed()) })
            default:
                report(template, line, column, "{{\(name)}} uses the transform \"\(transform)\", which templates here do not use (empty, count, first, last, reversed)")
                return nil
            }
        }
        if name == "." { return Found(type: type(of: stack.last!), value: stack.last) }
        let parts = name.split(separator: ".").map(String.init)
        var found: Found?
        for object in stack.reversed() {
            if let child = Self.child(named: parts[0], of: object) {
                found = child
                break
            }
        }
        guard var current = found else {
            let owner = Self.typeName(stack.last!)
            let fields = Self.fieldNames(of: stack.last!)
            report(template, line, column,
                   "{{\(name)}} is not a field of \(owner)" + (closestMatch(to: parts[0], in: fields).map { "; did you mean \"\($0)\"?" } ?? ""))
            return nil
        }
        for part in parts.dropFirst() {
            guard let object = current.value else { return current }
            guard let child = Self.child(named: part, of: object) else {
                report(template, line, column, "{{\(name)}}: \"\(part)\" is not a field of \(Self.typeName(object))")
                return nil
            }
            current = child
        }
        return current
    }

    private static func child(named name: String, of object: Any) -> Found? {
        if let node = object as? ViewNode {
            guard let type = node.types[name] else { return nil }
            return Found(type: type, value: node.fields[name])
        }
        if let parent = object as? MustacheParent {
            return parent.child(named: name).map { Found(type: type(of: $0), value: $0) }
        }
        for child in Mirror(reflecting: object).children where child.label == name {
            return Found(type: type(of: child.value), value: unwrap(child.value))
        }
        return nil
    }

    private static func unwrap(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map { unwrap($0.value) } ?? nil
    }

    private static func typeName(_ object: Any) -> String {
        (object as? ViewNode)?.typeName ?? "\(type(of: object))"
    }

    private static func fieldNames(of object: Any) -> [String] {
        if let node = object as? ViewNode { return node.types.keys.sorted() }
        return Mirror(reflecting: object).children.compactMap(\.label)
    }

    private mutating func report(_ template: String, _ line: Int, _ column: Int, _ message: String) {
        report(path: templates.path(of: template), line: line, column: column, message,
               lineText: templates.sources[template]?.file.line(line))
    }

    private mutating func report(path: String, line: Int, column: Int, _ message: String, lineText: String? = nil) {
        // A tag inside a loop is reported once, not once per item.
        guard reported.insert("\(path):\(line):\(column):\(message)").inserted else { return }
        diagnostics.append(Diagnostic(at: SourceLocation(path: path, line: line, column: column), message, lineText: lineText))
    }
}
