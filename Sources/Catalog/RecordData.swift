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
        // As bytes, made into a String once: every record's fields are written here while the
        // catalog loads (54 MB of JSON at ten thousand combos), and appending each piece to a
        // String was two fifths of reading a record back from the record cache.
        var json: [UInt8] = []
        json.reserveCapacity(1024)
        fields.writeJSON(into: &json)
        fieldsJSON = String(decoding: json, as: UTF8.self)
        self.body = body?.text
    }
}

extension Fields {
    func writeJSON(into json: inout [UInt8]) {
        json.append(UInt8(ascii: "{"))
        for (index, name) in values.keys.sorted().enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            writeJSONString(name, into: &json)
            json.append(UInt8(ascii: ":"))
            values[name]!.writeJSON(into: &json)
        }
        json.append(UInt8(ascii: "}"))
    }
}

extension FieldValue {
    func writeJSON(into json: inout [UInt8]) {
        switch self {
        case .text(let text), .url(let text), .choice(let text), .reference(let text, _): writeJSONString(text, into: &json)
        case .markdown(let markdown): writeJSONString(markdown.text, into: &json)
        case .number(let number): json += jsonNumber(number).utf8
        case .integer(let integer): json += String(integer).utf8
        case .bool(let bool): json += (bool ? "true" : "false").utf8
        case .date(let day): writeJSONString(day.description, into: &json)
        case .list(let items):
            json.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                item.writeJSON(into: &json)
            }
            json.append(UInt8(ascii: "]"))
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
/// Most text needs no escape at all, and is then appended whole (the API export writes every
/// record's body through here).
public func writeJSONString(_ text: String, into json: inout String) {
    guard text.utf8.contains(where: needsJSONEscape) else {
        json += "\""
        json += text
        json += "\""
        return
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count + 16)
    writeJSONString(text, into: &bytes)
    json += String(decoding: bytes, as: UTF8.self)
}

private func needsJSONEscape(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
}

/// `writeJSONString` into bytes: the runs between escapes copied whole.
func writeJSONString(_ text: String, into json: inout [UInt8]) {
    let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    json.append(quote)
    var text = text
    text.withUTF8 { bytes in
        var start = 0
        for index in bytes.indices {
            let byte = bytes[index]
            guard needsJSONEscape(byte) else { continue }
            json.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            start = index + 1
            json.append(backslash)
            switch byte {
            case UInt8(ascii: "\n"): json.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): json.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): json.append(UInt8(ascii: "t"))
            case quote, backslash: json.append(byte)
            default: json += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            }
        }
        json.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
    }
    json.append(quote)
}

private let hexDigits = Array("0123456789abcdef".utf8)
