import Mustache

/// Markup that is already safe: produced by our Markdown renderer, SVG writer or escaping.
///
/// Templates print it with `{{{name}}}`; plain text is a `String` and printed with `{{name}}`,
/// which escapes it. The template checker refuses the other two combinations, so content can
/// reach a page only escaped or through one of our renderers.
public struct HTML: Sendable, Hashable, MustacheCustomRenderable, CustomStringConvertible {
    public let html: String

    /// Wraps markup produced by trusted code. Never pass content text here; use `HTML(escaping:)`.
    init(trusted html: String) { self.html = html }

    public init(escaping text: String) { self.html = escapeHTML(text) }

    public var renderText: String { html }
    public var isNull: Bool { html.isEmpty }
    public var description: String { html }
}

/// Escapes text for HTML element content and quoted attribute values.
public func escapeHTML(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}
