/// A template compiled once at load: the literal text between tags and the tags themselves, as a
/// tree the renderer walks for every page.
///
/// Which whitespace survives around a tag is Mustache's "standalone line" rule, and the exact
/// rule is whatever swift-mustache does, quirks included (the indentation of a block definition's
/// first line, text tokens that keep a line's leading whitespace after a comment): pages must stay
/// byte-identical to the ones it rendered. So `Parser` below is a line-for-line port of its
/// `MustacheTemplate.parse` (Template+Parser.swift, swift-mustache 2.x, Apache-2.0), over UTF-8
/// bytes instead of Characters; a template reaches it only after swift-mustache's own parser has
/// accepted it, which still reports syntax errors with their line and column.
indirect enum TemplateNode: Sendable {
    case text([UInt8])
    case variable(TemplateTag, escaped: Bool)
    case section(TemplateTag, inverted: Bool, children: [TemplateNode])
    /// `{{> name}}`, or `{{<name}}` with the blocks it overrides (`overrides` is nil for a plain partial).
    /// `indentation` is the whitespace before a standalone tag, which every line of the partial gets.
    case partial(name: String, indentation: [UInt8]?, overrides: [String: [TemplateNode]]?, offset: Int)
    /// `{{$name}}default{{/name}}` in a layout: replaced by a page's override when it has one.
    case block(name: String, children: [TemplateNode], indentation: [UInt8])
    /// `{{$name}}` directly inside `{{<parent}}`: only ever collected into `partial`'s overrides.
    case blockDefinition(name: String, children: [TemplateNode])

    /// Compiles a template swift-mustache has already parsed without error.
    static func parse(_ text: String) throws(Unsupported) -> [TemplateNode] {
        var parser = Parser(bytes: Array(text.utf8))
        return try parser.parse(State())
    }

    /// Syntax swift-mustache accepts that templates here do not use, so the renderer does not have it.
    struct Unsupported: Error {
        let offset: Int
        let message: String
    }

    private struct State {
        var sectionName: String?
        var sectionTransforms: [String] = []
        var newLine = true
        var isPartialDefinition = false
        var isPartialDefinitionTopLevel = false
        var partialDefinitionIndent: Int?

        func withSectionName(_ name: String, newLine: Bool, transforms: [String] = []) -> State {
            var state = self
            state.sectionName = name
            state.sectionTransforms = transforms
            state.isPartialDefinitionTopLevel = false
            if !newLine { state.newLine = false }
            return state
        }

        func withInheritancePartial(_ name: String) -> State {
            var state = self
            state.sectionName = name
            state.sectionTransforms = []
            state.newLine = true
            state.isPartialDefinition = true
            state.isPartialDefinitionTopLevel = true
            return state
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        static let newline = UInt8(ascii: "\n")
        static let brace = UInt8(ascii: "{")
        static let closeBrace = UInt8(ascii: "}")

        var reachedEnd: Bool { position >= bytes.count }
        var current: UInt8 { position < bytes.count ? bytes[position] : 0 }

        mutating func parse(_ initial: State) throws(Unsupported) -> [TemplateNode] {
            var tokens: [TemplateNode] = []
            var state = initial
            var whiteSpaceBefore: ArraySlice<UInt8> = []
            while !reachedEnd {
                if state.newLine {
                    let whiteSpace = read(while: { $0 == 0x20 || $0 == 0x09 })
                    if state.isPartialDefinition, !state.isPartialDefinitionTopLevel {
                        if let indent = state.partialDefinitionIndent {
                            whiteSpaceBefore = whiteSpace.dropFirst(indent)
                        } else {
                            state.partialDefinitionIndent = whiteSpace.count
                        }
                    } else {
                        whiteSpaceBefore = whiteSpace
                    }
                }
                let text = readUntilDelimiterOrNewline()
                if current == Self.newline {
                    tokens.append(.text(Array(whiteSpaceBefore) + text + [Self.newline]))
                    state.newLine = true
                    position += 1
                    continue
                }
                if !text.isEmpty {
                    tokens.append(.text(Array(whiteSpaceBefore) + text))
                    whiteSpaceBefore = []
                    state.newLine = false
                }
                if reachedEnd { break }
                let tagOffset = position - 2
                var setNewLine = false
                switch current {
                case UInt8(ascii: "#"), UInt8(ascii: "^"):
                    let inverted = current == UInt8(ascii: "^")
                    position += 1
                    let tag = try parseName(offset: tagOffset)
                    if isStandalone(state) {
                        setNewLine = true
                    } else if !whiteSpaceBefore.isEmpty {
                        tokens.append(.text(Array(whiteSpaceBefore)))
                        whiteSpaceBefore = []
                    }
                    let children = try parse(state.withSectionName(tag.argument, newLine: setNewLine, transforms: tag.transforms))
                    tokens.append(.section(tag, inverted: inverted, children: children))

                case UInt8(ascii: "/"):
                    position += 1
                    _ = try parseName(offset: tagOffset)
                    if isStandalone(state) {
                        setNewLine = true
                    } else if !whiteSpaceBefore.isEmpty {
                        tokens.append(.text(Array(whiteSpaceBefore)))
                        whiteSpaceBefore = []
                    }
                    return tokens

                case UInt8(ascii: "!"):
                    position += 1
                    while !reachedEnd, !(current == Self.closeBrace && position + 1 < bytes.count && bytes[position + 1] == Self.closeBrace) {
                        position += 1
                    }
                    position = min(bytes.count, position + 2)
                    setNewLine = isStandalone(state)

                case UInt8(ascii: "{"), UInt8(ascii: "&"):
                    let triple = current == Self.brace
                    if !whiteSpaceBefore.isEmpty {
                        tokens.append(.text(Array(whiteSpaceBefore)))
                        whiteSpaceBefore = []
                    }
                    position += 1
                    let tag = try parseName(offset: tagOffset)
                    if triple, current == Self.closeBrace { position += 1 }
                    tokens.append(.variable(tag, escaped: false))

                case UInt8(ascii: ">"):
                    position += 1
                    _ = read(while: isWhitespace)
                    if current == UInt8(ascii: "*") { throw Unsupported(offset: tagOffset, message: "dynamic partials ({{>*name}}) are not supported") }
                    let name = try parsePartialName(offset: tagOffset)
                    if !whiteSpaceBefore.isEmpty { tokens.append(.text(Array(whiteSpaceBefore))) }
                    if isStandalone(state) {
                        setNewLine = true
                        tokens.append(.partial(name: name, indentation: Array(whiteSpaceBefore), overrides: nil, offset: tagOffset))
                    } else {
                        tokens.append(.partial(name: name, indentation: nil, overrides: nil, offset: tagOffset))
                    }
                    whiteSpaceBefore = []

                case UInt8(ascii: "<"):
                    position += 1
                    _ = read(while: isWhitespace)
                    let name = try parsePartialName(offset: tagOffset)
                    if name.hasPrefix("*") { throw Unsupported(offset: tagOffset, message: "dynamic parents ({{<*name}}) are not supported") }
                    if !whiteSpaceBefore.isEmpty { tokens.append(.text(Array(whiteSpaceBefore))) }
                    if isStandalone(state) { setNewLine = true }
                    var overrides: [String: [TemplateNode]] = [:]
                    for case .blockDefinition(let block, let children) in try parse(state.withInheritancePartial(name)) {
                        overrides[block] = children
                    }
                    tokens.append(.partial(name: name, indentation: Array(whiteSpaceBefore), overrides: overrides, offset: tagOffset))
                    whiteSpaceBefore = []

                case UInt8(ascii: "$"):
                    position += 1
                    let tag = try parseName(offset: tagOffset)
                    if state.isPartialDefinitionTopLevel {
                        if isStandalone(state) { setNewLine = true }
                        let children = try parse(state.withSectionName(tag.argument, newLine: setNewLine))
                        tokens.append(.blockDefinition(name: tag.argument, children: children))
                    } else {
                        if !whiteSpaceBefore.isEmpty { tokens.append(.text(Array(whiteSpaceBefore))) }
                        if isStandalone(state) { setNewLine = true }
                        let children = try parse(state.withSectionName(tag.argument, newLine: setNewLine))
                        tokens.append(.block(name: tag.argument, children: children, indentation: Array(whiteSpaceBefore)))
                        whiteSpaceBefore = []
                    }

                case UInt8(ascii: "="), UInt8(ascii: "%"):
                    throw Unsupported(offset: tagOffset, message: "set-delimiter and config tags are not supported")

                default:
                    if !whiteSpaceBefore.isEmpty {
                        tokens.append(.text(Array(whiteSpaceBefore)))
                        whiteSpaceBefore = []
                    }
                    let tag = try parseName(offset: tagOffset)
                    tokens.append(.variable(tag, escaped: true))
                }
                state.newLine = setNewLine
            }
            return tokens
        }

        /// Text up to a newline (not consumed) or past the next `{{`.
        mutating func readUntilDelimiterOrNewline() -> [UInt8] {
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == Self.newline { return Array(bytes[start..<position]) }
                if byte == Self.brace, position + 1 < bytes.count, bytes[position + 1] == Self.brace {
                    let text = Array(bytes[start..<position])
                    position += 2
                    return text
                }
                position += 1
            }
            return Array(bytes[start..<position])
        }

        mutating func read(while predicate: (UInt8) -> Bool) -> ArraySlice<UInt8> {
            let start = position
            while position < bytes.count, predicate(bytes[position]) { position += 1 }
            return bytes[start..<position]
        }

        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

        /// A tag's name up to and past `}}`: `title`, `record.name`, `empty(items)`.
        mutating func parseName(offset: Int) throws(Unsupported) -> TemplateTag {
            _ = read(while: isWhitespace)
            let text = String(decoding: read(while: Self.isNameByte), as: UTF8.self)
            _ = read(while: isWhitespace)
            if current == Self.closeBrace { position = min(bytes.count, position + 2) }
            // `a(b(c))` applies b, then a, to c.
            var transforms = text.split(separator: "(", omittingEmptySubsequences: false).map { String($0) }
            let argument = String(transforms.removeLast().prefix { $0 != ")" })
            if argument.isEmpty, !transforms.isEmpty {
                throw Unsupported(offset: offset, message: "transforms of the sequence context ({{first()}}) are not supported")
            }
            if argument.count > 1, argument.hasPrefix(".") {
                throw Unsupported(offset: offset, message: "names anchored to the current object ({{.name}}) are not supported")
            }
            return TemplateTag(text: text, argument: argument, transforms: transforms, offset: offset)
        }

        mutating func parsePartialName(offset: Int) throws(Unsupported) -> String {
            _ = read(while: isWhitespace)
            let text = String(decoding: read(while: { Self.isNameByte($0) || $0 == UInt8(ascii: "/") }), as: UTF8.self)
            _ = read(while: isWhitespace)
            if current == Self.closeBrace { position = min(bytes.count, position + 2) }
            return text
        }

        static func isNameByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "?"), UInt8(ascii: "("), UInt8(ascii: ")"),
                 UInt8(ascii: "*"):
                true
            default:
                false
            }
        }

        /// Whether the tag just read is alone on its line; if so, the rest of the line (spaces,
        /// tabs and the newline) is consumed.
        mutating func isStandalone(_ state: State) -> Bool {
            guard state.newLine else { return false }
            if reachedEnd { return true }
            var next = position
            while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 { next += 1 }
            if next < bytes.count, bytes[next] == Self.newline {
                position = next + 1
                return true
            }
            return false
        }
    }
}

/// A variable or section tag: `{{record.name}}`, `{{^empty(items)}}`. A class: the renderer
/// takes a tag out of its node for every tag of every page, and a struct of three strings and
/// two arrays cost five retains and five releases each time.
final class TemplateTag: Sendable {
    /// As written, for diagnostics: `empty(items)`.
    let text: String
    /// The name the transforms apply to: `items`; `.` for the current object.
    let argument: String
    /// Outermost first: `a(b(c))` has `["a", "b"]`.
    let transforms: [String]
    /// Byte offset of the tag's `{{` in its template, for the line and column of a diagnostic.
    let offset: Int
    /// `record.name` as `["record", "name"]`; empty for `.`.
    let path: [String]
    /// Each part of `path` by its number in `FieldNames`.
    let pathIDs: [Int]

    init(text: String, argument: String, transforms: [String], offset: Int) {
        self.text = text
        self.argument = argument
        self.transforms = transforms
        self.offset = offset
        path = argument == "." ? [] : argument.split(separator: ".").map(String.init)
        pathIDs = path.map(FieldNames.shared.id)
    }
}
