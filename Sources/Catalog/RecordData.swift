/// A record as checked data, for the site's JSON API (`/api/catalog.json`): its front matter
/// (or YAML document) after validation, as a JSON object with sorted keys, and its Markdown body.
/// Ids and references are their id strings, numbers are JSON numbers, dates are `YYYY-MM-DD`,
/// vocabulary terms their raw values and Markdown its source text; the keys are the ones editors
/// write, so the field reference documents this shape too.
///
/// Made once when the file is decoded and kept as text, so serving it costs neither a second
/// parse nor a tree of values per record.
public struct RecordData: Sendable, Hashable {
    /// A JSON object, keys sorted: `{"backends":["cuda"],"name":"RTX 3090",...}`.
    public let fieldsJSON: String
    /// The Markdown body of records that have one (runtimes, combos, stacks, guides).
    public let body: String?

    init(fields: Fields, body: MarkdownText?) {
        var json = ""
        fields.writeJSON(into: &json)
        fieldsJSON = json
        self.body = body?.text
    }
}

extension Fields {
    func writeJSON(into json: inout String) {
        json += "{"
        for (index, name) in values.keys.sorted().enumerated() {
            if index > 0 { json += "," }
            writeJSONString(name, into: &json)
            json += ":"
            values[name]!.writeJSON(into: &json)
        }
        json += "}"
    }
}

extension FieldValue {
    func writeJSON(into json: inout String) {
        switch self {
        case .text(let text), .url(let text), .choice(let text), .reference(let text, _): writeJSONString(text, into: &json)
        case .markdown(let markdown): writeJSONString(markdown.text, into: &json)
        case .number(let number): json += jsonNumber(number)
        case .integer(let integer): json += String(integer)
        case .bool(let bool): json += bool ? "true" : "false"
        case .date(let day): writeJSONString(day.description, into: &json)
        case .list(let items):
            json += "["
            for (index, item) in items.enumerated() {
                if index > 0 { json += "," }
                item.writeJSON(into: &json)
            }
            json += "]"
        case .record(let fields): fields.writeJSON(into: &json)
        }
    }
}

/// A number as JSON writes it: whole numbers without a fraction, others in Swift's shortest
/// round-tripping form (which JSON parsers read back exactly).
public func jsonNumber(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return String(value)
}

/// A JSON string literal, escaping quotes, backslashes and control characters.
///
/// Most text needs no escape at all, and is then appended whole: the API's record data writes
/// every field of every record through here while the catalog loads.
public func writeJSONString(_ text: String, into json: inout String) {
    json += "\""
    let needsEscape = text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    guard needsEscape else {
        json += text
        json += "\""
        return
    }
    let hex = Array("0123456789abcdef".utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count + 16)
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
        case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
        case 0..<0x20: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        default: bytes.append(byte)
        }
    }
    json += String(decoding: bytes, as: UTF8.self)
    json += "\""
}
