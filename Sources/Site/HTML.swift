import Foundation

/// Markup that is already safe: produced by our Markdown renderer, SVG writer or escaping.
///
/// Templates print it with `{{{name}}}`; plain text is a `String` and printed with `{{name}}`,
/// which escapes it. The template check refuses the other two combinations, so content can
/// reach a page only escaped or through one of our renderers.
public struct HTML: Sendable, Hashable, CustomStringConvertible {
    public let html: String

    /// Wraps markup produced by trusted code. Never pass content text here; use `HTML(escaping:)`.
    init(trusted html: String) { self.html = html }

    public init(escaping text: String) { self.html = escapeHTML(text) }

    public var description: String { html }
}

/// Escapes text for HTML element content and quoted attribute values.
public func escapeHTML(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
        || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) else { return text }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count + 16)
    escapeHTML(text.utf8, into: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// JSON text for inside a `<script>`: every "</" written "<\/", which JSON reads back as "</",
/// so no string in it can end the script early. Done on the encoder's bytes: Foundation's
/// `replacingOccurrences` bridges the whole text to NSString, a tenth of a preview rebuild.
func scriptSafeJSON(_ json: Data) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(json.count + 16)
    var previous: UInt8 = 0
    for byte in json {
        if previous == UInt8(ascii: "<"), byte == UInt8(ascii: "/") { bytes.append(UInt8(ascii: "\\")) }
        bytes.append(byte)
        previous = byte
    }
    return String(decoding: bytes, as: UTF8.self)
}
