/// The characters content may not hold: the C0 controls other than tab, line feed, form feed and
/// carriage return (U+0000 to U+001F), DEL (U+007F) and the C1 controls (U+0080 to U+009F).
///
/// HTML calls them control characters: each is a parse error where it stands, and the Nu HTML
/// checker fails the page. Editors show most of them as nothing at all, and a terminal obeys
/// some (ESC starts a colour change or a cursor move). YAML refuses them raw, but a
/// double-quoted escape (`"\e"`, `"\x07"`, `"\u0085"`) writes one into a value, and Markdown
/// passes them through, so the loader checks both (`RecordDecoder.scalarText`, and the
/// Markdown bodies in `CatalogLoader`).
public enum ControlCharacters {
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0C, 0x0D: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }

    /// `U+001B (ESC)`, for messages.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let names: [UInt32: String] = [
            0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x1B: "ESC", 0x7F: "DEL", 0x85: "NEL",
        ]
        return names[scalar.value].map { "\(code) (\($0))" } ?? code
    }

    /// How a diagnostic shows a line holding one: each such character as one visible
    /// character (the Control Pictures block's symbol, `␛` for ESC, or `�` for a C1 control),
    /// so the terminal does not obey it and the caret under the line stays in its column.
    public static func visible(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: isForbidden) else { return line }
        var shown = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            guard isForbidden(scalar) else {
                shown.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x00...0x1F: shown.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: shown.append("\u{2421}")
            default: shown.append("\u{FFFD}")
            }
        }
        return String(shown)
    }

    /// An error at the first forbidden character of a Markdown body (which starts at line
    /// `firstLine` of `file`), or nil when it has none.
    public static func first(in body: String, firstLine: Int, of file: SourceFile) -> Diagnostic? {
        var body = body
        guard let offset = body.withUTF8({ firstOffset(in: UnsafeRawBufferPointer($0)) }) else { return nil }
        let utf8 = body.utf8
        let index = utf8.index(utf8.startIndex, offsetBy: offset)
        let before = body[..<index]
        let line = firstLine + before.utf8.count(where: { $0 == UInt8(ascii: "\n") })
        let lineStart = before.lastIndex(of: "\n").map { body.index(after: $0) } ?? body.startIndex
        let column = body.unicodeScalars[lineStart..<index].count + 1
        let character = body.unicodeScalars[index]
        return file.diagnostic(
            line: line, column: column,
            "the Markdown holds the control character \(describe(character)), which an editor shows as nothing or a mark "
                + "and HTML does not allow; delete it")
    }

    /// The byte offset of the first forbidden character in UTF-8 text, or nil.
    ///
    /// Every Markdown body parsed goes through this (10,000 of them at the benchmark's largest
    /// size), so it reads eight bytes at a time: each word is tested at once for a byte below
    /// 0x20, a DEL or a 0xC2 (the lead byte of the C1 controls, and of `°`, `½` and the
    /// no-break space), and only those words are looked at byte by byte.
    public static func firstOffset(in bytes: UnsafeRawBufferPointer) -> Int? {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return nil }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        func hasBelow32(_ word: UInt64) -> Bool { (word &- ones &* 0x20) & ~word & highs != 0 }
        func forbidden(at index: Int) -> Bool {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            switch byte {
            case 0x09, 0x0A, 0x0C, 0x0D: return false
            case 0x00...0x1F, 0x7F: return true
            case 0xC2:
                guard index + 1 < count else { return false }
                let next = base.load(fromByteOffset: index + 1, as: UInt8.self)
                return next >= 0x80 && next <= 0x9F
            default: return false
            }
        }
        var index = 0
        while index + 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if hasBelow32(word) || hasZero(word ^ (ones &* 0x7F)) || hasZero(word ^ (ones &* 0xC2)) {
                for offset in index..<index + 8 where forbidden(at: offset) { return offset }
            }
            index += 8
        }
        while index < count {
            if forbidden(at: index) { return index }
            index += 1
        }
        return nil
    }
}
