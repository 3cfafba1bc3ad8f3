import Foundation

/// What each record file decoded to, by the hash of its bytes, kept between builds so that the
/// next build does not parse the files that did not change again (`combos build` keeps it beside
/// the output as `.public.records`; parsing the YAML of ten thousand combos was most of an
/// update's load).
///
/// Only files that decoded without a problem of any kind are kept, so every diagnostic still
/// comes from parsing: a file with an error or a warning is parsed each time, and a kept file
/// gives the record its parse would. What is kept is the checked fields (`Fields`), without
/// paths: a record read back takes the path the loader reads it under.
///
/// The file holds a fingerprint (the `combos` binary that wrote it): when it differs, or the
/// file does not read whole, nothing in it is used; an entry whose checksum does not match is
/// parsed again. Whoever can write it can write the content too; it is read as carefully as
/// content all the same (every length is checked, values must have the shape their schema
/// gives).
public final class RecordCache: @unchecked Sendable {
    /// Raised when the encoding below changes.
    static let formatVersion: UInt32 = 1
    private static let magic = Array("combos-records\n".utf8)

    /// The cache as read: each file's hash, where its fields are in `stored`, and their checksum.
    private let stored: [UInt8]
    private let index: [String: (hash: UInt64, range: Range<Int>, checksum: UInt64)]
    /// What the next build keeps: each clean file's hash and encoded fields, set by the loader.
    private var kept: [String: (hash: UInt64, encoded: ArraySlice<UInt8>)] = [:]
    private var reusedCount = 0
    private let lock = NSLock()
    /// Whether a load keeps what it reads and decodes, for `write(to:fingerprint:)`. Off for a
    /// cache that is only read (`combos check`, `combos serve`): encoding each file it parses
    /// would be work for nothing.
    public var keeping = true

    /// An empty cache, which the loader fills.
    public init() {
        stored = []
        index = [:]
    }

    /// The cache written by `write(to:fingerprint:)`, when `data` is whole and was written
    /// with the same fingerprint; nil otherwise.
    public init?(_ data: Data, fingerprint: UInt64) {
        let bytes = [UInt8](data)
        var reader = ByteReader(bytes[...])
        guard reader.bytes(Self.magic.count).map(Array.init) == Self.magic,
              reader.uint32() == Self.formatVersion, reader.uint64() == fingerprint,
              let count = reader.uint32()
        else { return nil }
        var index: [String: (hash: UInt64, range: Range<Int>, checksum: UInt64)] = [:]
        index.reserveCapacity(min(Int(count), bytes.count))
        for _ in 0..<count {
            guard let path = reader.string(), let hash = reader.uint64(), let checksum = reader.uint64(),
                  let length = reader.uint32(), let fields = reader.bytes(Int(length))
            else { return nil }
            index[path] = (hash, fields.startIndex..<fields.endIndex, checksum)
        }
        guard reader.isAtEnd else { return nil }
        self.stored = bytes
        self.index = index
    }

    /// How many files it held when read, how many of them a load read back, and how many files
    /// it keeps for the next build.
    public var count: Int { index.count }
    public var reused: Int { lock.withLock { reusedCount } }
    public var keptCount: Int { lock.withLock { kept.count } }

    /// Every kept file, sorted by path, after `fingerprint`, written to `url` by a temporary
    /// file beside it (`.NAME.tmp-PID`) renamed over it, a megabyte or so at a time: the cache of
    /// ten thousand combos is tens of MB, and a second copy of it in memory would raise the
    /// build's peak.
    public func write(to url: URL, fingerprint: UInt64) throws {
        let entries = lock.withLock { kept }.sorted { $0.key < $1.key }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path]) }
        do {
            defer { try? handle.close() }
            var writer = ByteWriter()
            writer.bytes += Self.magic
            writer.uint32(Self.formatVersion)
            writer.uint64(fingerprint)
            writer.uint32(UInt32(entries.count))
            for (path, entry) in entries {
                writer.string(path)
                writer.uint64(entry.hash)
                writer.uint64(entry.encoded.withUnsafeBytes { StableHash.hash($0) })
                writer.uint32(UInt32(entry.encoded.count))
                writer.bytes += entry.encoded
                if writer.bytes.count >= 1 << 20 {
                    try handle.write(contentsOf: writer.bytes)
                    writer.bytes.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: writer.bytes)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    /// The fields `path` decoded to when its bytes hashed to `hash`, read back against `schema`
    /// with `path` in every location. Nil when the cache holds no such file, or what it holds
    /// does not read.
    func fields(_ path: String, hash: UInt64, schema: Schema) -> Fields? {
        guard let entry = index[path], entry.hash == hash,
              stored[entry.range].withUnsafeBytes({ StableHash.hash($0) }) == entry.checksum
        else { return nil }
        var reader = ByteReader(stored[entry.range])
        guard let fields = reader.fields(schema, path: path, depth: 0), reader.isAtEnd else { return nil }
        return fields
    }

    /// Keeps what the cache holds for `path` for the next build, as it is.
    func keepStored(_ path: String) {
        guard let entry = index[path] else { return }
        lock.withLock {
            if keeping { kept[path] = (entry.hash, stored[entry.range]) }
            reusedCount += 1
        }
    }

    /// Keeps `fields`, decoded from `path` whose bytes hashed to `hash`, for the next build;
    /// unless a location in them names another file (then the file is parsed next time).
    func keep(_ fields: Fields, path: String, hash: UInt64) {
        guard keeping else { return }
        var writer = ByteWriter()
        guard writer.fields(fields, path: path) else { return }
        lock.withLock { kept[path] = (hash, writer.bytes[...]) }
    }
}

// MARK: The encoding

/// The file is a header (magic, format version, fingerprint, entry count) and one entry per
/// file: its path, the hash of its bytes, a checksum of its encoded fields (a damaged entry is
/// parsed again, not read wrong), their length and the fields.
///
/// Fields: counts, lengths, lines and columns as varints, strings as a length and UTF-8 bytes. A mapping
/// is its location and its keys (each by its place in the schema), each with whichever of a key
/// location, a value location and a value it has; a value is a tag byte and its payload.
private enum Tag: UInt8 {
    case text, markdown, number, integer, bool, date, url, choice, reference, list, record
}

private struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func uint32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func uint64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }

    /// Seven bits a byte, low first: lines, columns and counts take one or two bytes.
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Zigzag, so small negative numbers stay short.
    mutating func int(_ value: Int) { varint(UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))) }

    mutating func string(_ text: String) {
        varint(UInt64(text.utf8.count))
        bytes += text.utf8
    }

    /// Writes a location's line and column; false when it is in another file than `path`.
    mutating func location(_ location: SourceLocation, path: String) -> Bool {
        guard location.path == path else { return false }
        int(location.line)
        int(location.column)
        return true
    }

    /// Each key by its place in the schema; false when one is not in it.
    mutating func fields(_ fields: Fields, path: String) -> Bool {
        guard location(fields.location, path: path) else { return false }
        let names = Set(fields.values.keys).union(fields.keyLocations.keys).union(fields.valueLocations.keys).sorted()
        varint(UInt64(names.count))
        for name in names {
            guard let place = fields.schema.fields.firstIndex(where: { $0.name == name }) else { return false }
            varint(UInt64(place))
            let key = fields.keyLocations[name]
            let value = fields.valueLocations[name]
            let field = fields.values[name]
            bytes.append((key != nil ? 1 : 0) | (value != nil ? 2 : 0) | (field != nil ? 4 : 0))
            if let key, !location(key, path: path) { return false }
            if let value, !location(value, path: path) { return false }
            if let field, !self.value(field, path: path) { return false }
        }
        return true
    }

    mutating func value(_ value: FieldValue, path: String) -> Bool {
        switch value {
        case .text(let text): tag(.text); string(text)
        case .markdown(let markdown): tag(.markdown); string(markdown.text); return location(markdown.location, path: path)
        case .number(let number): tag(.number); uint64(number.bitPattern)
        case .integer(let integer): tag(.integer); int(integer)
        case .bool(let flag): tag(.bool); bytes.append(flag ? 1 : 0)
        case .date(let day): tag(.date); int(day.year); int(day.month); int(day.day)
        case .url(let url): tag(.url); string(url)
        case .choice(let term): tag(.choice); string(term)
        case .reference(let id, let at): tag(.reference); string(id); return location(at, path: path)
        case .list(let items):
            tag(.list)
            varint(UInt64(items.count))
            for item in items where !self.value(item, path: path) { return false }
        case .record(let fields): tag(.record); return self.fields(fields, path: path)
        }
        return true
    }

    private mutating func tag(_ tag: Tag) { bytes.append(tag.rawValue) }
}

private struct ByteReader {
    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

    var isAtEnd: Bool { rest.isEmpty }

    mutating func bytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= rest.count else { return nil }
        defer { rest = rest.dropFirst(count) }
        return rest.prefix(count)
    }

    mutating func byte() -> UInt8? { bytes(1)?.first }

    mutating func uint32() -> UInt32? {
        guard let raw = bytes(4) else { return nil }
        return raw.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    }

    mutating func uint64() -> UInt64? {
        guard let raw = bytes(8) else { return nil }
        return raw.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = byte() {
            guard shift < 64 else { return nil }
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    mutating func int() -> Int? {
        varint().map { Int(Int64(bitPattern: ($0 >> 1) ^ (0 &- ($0 & 1)))) }
    }

    /// A count or length, no more than the bytes left could hold.
    mutating func count() -> Int? {
        guard let value = varint(), value <= UInt64(rest.count) else { return nil }
        return Int(value)
    }

    mutating func string() -> String? {
        guard let count = count(), let raw = bytes(count) else { return nil }
        return String(decoding: raw, as: UTF8.self)
    }

    mutating func location(path: String) -> SourceLocation? {
        guard let line = int(), let column = int() else { return nil }
        return SourceLocation(path: path, line: line, column: column)
    }

    /// A mapping of `schema`'s shape. Nesting follows the schema, so `depth` only guards
    /// against a schema that refers to itself.
    mutating func fields(_ schema: Schema, path: String, depth: Int) -> Fields? {
        guard depth < 32, let location = location(path: path), let keys = count() else { return nil }
        var fields = Fields(schema: schema, location: location)
        // Sized once (growing them was a tenth of reading fields back); each key is a
        // different place in the schema, so there are no more than it has.
        let most = min(keys, schema.fields.count)
        fields.keyLocations.reserveCapacity(most)
        fields.valueLocations.reserveCapacity(most)
        fields.values.reserveCapacity(most)
        for _ in 0..<keys {
            guard let place = varint(), place < UInt64(schema.fields.count), let flags = byte(), flags < 8 else { return nil }
            let spec = schema.fields[Int(place)]
            let name = spec.name
            if flags & 1 != 0 {
                guard let at = self.location(path: path) else { return nil }
                fields.keyLocations[name] = at
            }
            if flags & 2 != 0 {
                guard let at = self.location(path: path) else { return nil }
                fields.valueLocations[name] = at
            }
            if flags & 4 != 0 {
                guard let value = value(spec.type, path: path, depth: depth) else { return nil }
                fields.values[name] = value
            }
        }
        return fields
    }

    /// A value of `type`: lists and mappings must be where the schema has them.
    mutating func value(_ type: FieldType, path: String, depth: Int) -> FieldValue? {
        guard let raw = byte(), let tag = Tag(rawValue: raw) else { return nil }
        switch (tag, type) {
        case (.list, .list(let item, _)):
            guard let length = count() else { return nil }
            var items: [FieldValue] = []
            items.reserveCapacity(length)
            for _ in 0..<length {
                guard let value = value(item, path: path, depth: depth + 1) else { return nil }
                items.append(value)
            }
            return .list(items)
        case (.record, .record(let schema)):
            return fields(schema, path: path, depth: depth + 1).map(FieldValue.record)
        case (.list, _), (.record, _), (_, .list), (_, .record):
            return nil
        case (.text, _): return string().map(FieldValue.text)
        case (.markdown, _):
            guard let text = string(), let at = location(path: path) else { return nil }
            return .markdown(MarkdownText(text, at: at))
        case (.number, _): return uint64().map { .number(Double(bitPattern: $0)) }
        case (.integer, _): return int().map(FieldValue.integer)
        case (.bool, _):
            guard let flag = byte(), flag < 2 else { return nil }
            return .bool(flag == 1)
        case (.date, _):
            guard let year = int(), let month = int(), let day = int(),
                  let date = Day(year: year, month: month, day: day)
            else { return nil }
            return .date(date)
        case (.url, _): return string().map(FieldValue.url)
        case (.choice, _): return string().map(FieldValue.choice)
        case (.reference, _):
            guard let id = string(), let at = location(path: path) else { return nil }
            return .reference(id, at)
        }
    }
}
