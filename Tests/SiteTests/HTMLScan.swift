import Foundation

/// A small HTML tokenizer for the safety tests: the start tags of a page with their attributes
/// (names lowercased, values with character references decoded), as a browser would read them,
/// and the raw text of each `<script>` element. Comments, doctypes and end tags are skipped;
/// text inside `<script>` and `<style>` is not read as tags, as in a browser. It is not a full
/// HTML5 parser, and it errs on the strict side: anything else that starts like a tag (`<` and a
/// letter) is a tag, even inside `<title>`, where a browser would read it as text.
struct HTMLScan {
    struct Tag {
        let name: String
        let attributes: [(name: String, value: String)]
        /// The byte offset of its `<` in the page.
        let offset: Int

        func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
    }

    private(set) var tags: [Tag] = []
    /// The text between `<script …>` and `</script>`, one entry per script element.
    private(set) var scriptBodies: [String] = []

    init(_ html: String) {
        let bytes = Array(html.utf8)
        var index = 0
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D }
        func starts(with text: String, at position: Int) -> Bool {
            let needle = Array(text.utf8)
            guard position + needle.count <= bytes.count else { return false }
            for (offset, byte) in needle.enumerated() where bytes[position + offset] | 0x20 != byte | 0x20 { return false }
            return true
        }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else { index += 1; continue }
            let next = bytes[index + 1]
            if starts(with: "<!--", at: index) {
                var end = index + 4
                while end < bytes.count, !starts(with: "-->", at: end) { end += 1 }
                index = end + 3
                continue
            }
            if next == UInt8(ascii: "!") || next == UInt8(ascii: "/") || next == UInt8(ascii: "?") {
                while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
                continue
            }
            guard isLetter(next) else { index += 1; continue }
            let start = index
            index += 1
            var nameBytes: [UInt8] = []
            while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "/") {
                nameBytes.append(bytes[index])
                index += 1
            }
            var attributes: [(String, String)] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") {
                if isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/") { index += 1; continue }
                var attributeName: [UInt8] = []
                while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "="),
                      !(bytes[index] == UInt8(ascii: "/") && !attributeName.isEmpty) {
                    attributeName.append(bytes[index])
                    index += 1
                }
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                var value: [UInt8] = []
                if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                    index += 1
                    while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                        let quote = bytes[index]
                        index += 1
                        while index < bytes.count, bytes[index] != quote { value.append(bytes[index]); index += 1 }
                        index += 1
                    } else {
                        while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { value.append(bytes[index]); index += 1 }
                    }
                }
                if !attributeName.isEmpty {
                    attributes.append((String(decoding: attributeName, as: UTF8.self).lowercased(),
                                       Self.decodeReferences(String(decoding: value, as: UTF8.self))))
                }
            }
            index += 1
            let name = String(decoding: nameBytes, as: UTF8.self).lowercased()
            tags.append(Tag(name: name, attributes: attributes, offset: start))
            // Raw text elements: their content is not markup.
            if name == "script" || name == "style" {
                let close = "</" + name
                var end = index
                while end < bytes.count, !starts(with: close, at: end) { end += 1 }
                if name == "script" { scriptBodies.append(String(decoding: bytes[index..<min(end, bytes.count)], as: UTF8.self)) }
                index = end
            }
        }
    }

    /// `&amp;`, `&lt;`, `&#106;`, `&#x6A;` and the like, decoded as a browser would in an attribute.
    static func decodeReferences(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "colon": ":", "tab": "\t", "newline": "\n",
                     "sol": "/", "lpar": "(", "rpar": ")"]
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.firstIndex(of: ";"), after.distance(from: after.startIndex, to: semicolon) <= 10 {
                let entity = String(after[..<semicolon])
                var decoded: String?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    decoded = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else if entity.hasPrefix("#") {
                    decoded = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else {
                    decoded = named[entity.lowercased()]
                }
                if let decoded {
                    result += decoded
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            result += "&"
            rest = after
        }
        return result + rest
    }

    /// The scheme of a URL as a browser reads it (control characters and whitespace inside
    /// the scheme ignored, case folded), or nil for a relative URL.
    static func scheme(of url: String) -> String? {
        let squeezed = String(url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })
        guard let colon = squeezed.firstIndex(of: ":") else { return nil }
        let candidate = squeezed[..<colon]
        guard !candidate.isEmpty, !candidate.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) else { return nil }
        return candidate.lowercased()
    }
}
