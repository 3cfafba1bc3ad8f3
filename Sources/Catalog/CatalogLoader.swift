import Foundation

/// Reads `content/`: every record file of every kind, checked against its schema, then every
/// reference and cross-record rule. Problems are collected from all files, never just the first.
public enum CatalogLoader {
    public struct Result: Sendable {
        public var catalog: Catalog
        public var diagnostics: [Diagnostic]
        /// Every file read, by the path diagnostics print, to quote lines in later stages.
        public var files: [String: SourceFile] = [:]
    }

    /// Decoded records by file, for loading the same folder again after an edit: a file whose
    /// text has not changed is not parsed again (`combos serve` keeps one for its whole run).
    public final class Cache: @unchecked Sendable {
        /// Each file as last read: its bytes, and what they decoded to.
        var entries: [String: Entry] = [:]
        /// How many files the last load read; the others' stamps said they were unchanged.
        public fileprivate(set) var filesRead = 0
        public init() {}

        struct Entry {
            var bytes: Data
            var file: SourceFile
            var record: Any?
            var data: RecordData?
            var problems: [Diagnostic]
            var todos: [Diagnostic]
            /// The file's stamp when these bytes were read, and whether it was old enough then
            /// to stand for them (`FileStamp.isSettled`): if so, a file with the same stamp is
            /// not read again.
            var stamp: FileStamp?
            var settled: Bool
        }
    }

    /// Loads the catalog under `directory`. Paths in diagnostics start with `directory` as given
    /// (or relative to the working directory), so `content/combos/x.md:12:3` is clickable.
    ///
    /// With `records`, a file whose bytes it holds is read back from it instead of parsed, and
    /// every file that decodes without a problem is kept in it for the next build.
    public static func load(from directory: String, cache: Cache? = nil, records: RecordCache? = nil) -> Result {
        let root = DisplayPath(directory)
        var diagnostics: [Diagnostic] = []
        var files: [String: SourceFile] = [:]
        var unreadable: [RecordKind: Set<String>] = [:]
        var data: [RecordKind: [String: RecordData]] = [:]
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            let message = "no content folder at \(root.display) (pass --content DIR to use another folder)"
            return Result(catalog: Catalog(), diagnostics: [Diagnostic(at: SourceLocation(path: root.display, line: 0, column: 0), message)])
        }
        diagnostics += unexpectedEntries(in: directory, root: root)
        cache?.filesRead = 0

        let devices: [Device] = loadKind(root: root, into: &diagnostics, files: &files, unreadable: &unreadable, data: &data, cache: cache, records: records)
        let machines: [Machine] = loadKind(root: root, into: &diagnostics, files: &files, unreadable: &unreadable, data: &data, cache: cache, records: records)
        let platforms: [Platform] = loadKind(root: root, into: &diagnostics, files: &files, unreadable: &unreadable, data: &data, cache: cache, records: records)
        let runtimes: [Runtime] = loadKind(root: root, into: &diagnostics, files: &files, unreadable: &unreadable, data: &data, cache: cache, records: records)
        let models: [Model] = loadKind(root: root, into: &diagnostics, files: &files, unreadable: &unreadable, data: &data, cache: cache, records: records)
        let combos: [Combo] = loadKind(root: root, into: &diagnostics, files: &files, unreadable: &unreadable, data: &data, cache: cache, records: records)
        let stacks: [Stack] = loadKind(root: root, into: &diagnostics, files: &files, unreadable: &unreadable, data: &data, cache: cache, records: records)
        let guides: [Guide] = loadKind(root: root, into: &diagnostics, files: &files, unreadable: &unreadable, data: &data, cache: cache, records: records)
        let benchmarks: [Benchmark] = loadKind(root: root, into: &diagnostics, files: &files, unreadable: &unreadable, data: &data, cache: cache, records: records)
        var catalog = Catalog(
            devices: devices, machines: machines, platforms: platforms, runtimes: runtimes,
            models: models, combos: combos, stacks: stacks, guides: guides, benchmarks: benchmarks)
        catalog.data = data

        // Cross-record rules run on records as they are; a record whose own file has errors holds
        // placeholders where its values were wrong, so rules skip it rather than add echoes.
        let invalidPaths = Set(diagnostics.errors.map(\.location.path))
        diagnostics += CatalogRules.check(
            catalog, contentRoot: root.display, files: files, unreadable: unreadable, invalidPaths: invalidPaths)
        return Result(catalog: catalog, diagnostics: diagnostics.sorted(), files: files)
    }

    /// Folders and files at the top of `content/` that are not record folders.
    private static func unexpectedEntries(in directory: String, root: DisplayPath) -> [Diagnostic] {
        let folders = RecordKind.allCases.map(\.folder)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.filter { !$0.hasPrefix(".") && !folders.contains($0) }.sorted().map { entry in
            Diagnostic(
                at: SourceLocation(path: root.child(entry), line: 0, column: 0),
                "unexpected entry in the content folder; records live in "
                    + folders.joined(separator: ", ") + suggestion(for: entry, in: folders, listing: "folders"))
        }
    }

    private static func loadKind<R: Record>(
        root: DisplayPath, into diagnostics: inout [Diagnostic], files: inout [String: SourceFile],
        unreadable: inout [RecordKind: Set<String>], data: inout [RecordKind: [String: RecordData]], cache: Cache?,
        records: RecordCache?
    ) -> [R] {
        let kind = R.kind
        let folder = root.fileSystemPath + "/" + kind.folder
        let displayFolder = root.child(kind.folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        let expected = "." + kind.format.fileExtension
        // The folder is listed in order, each file read and decoded on any core (most of a big
        // catalog's load is YAML), then the results are gathered in name order, so diagnostics
        // and records never depend on timing.
        var entries: [(id: String, displayPath: String, fullPath: String, stamp: FileStamp?)] = []
        for name in names.sorted() where !isIgnorable(name) {
            let displayPath = displayFolder + "/" + name
            let fullPath = folder + "/" + name
            let found = FileStamp.of(fullPath)
            let isDirectory = found?.isDirectory ?? false
            guard !isDirectory, name.hasSuffix(expected) else {
                diagnostics.append(Diagnostic(
                    at: SourceLocation(path: displayPath, line: 0, column: 0),
                    "unexpected \(isDirectory ? "folder" : "file") in \(displayFolder): each \(kind.singular) is one \(expected) file"))
                continue
            }
            entries.append((String(name.dropLast(expected.count)), displayPath, fullPath, found?.stamp))
        }
        // `restamp`: the file was read and its bytes were the cached ones; its stamp now is the
        // cache entry's new stamp.
        typealias Decoded = (
            bytes: Data, file: SourceFile, record: R?, data: RecordData?, problems: [Diagnostic], todos: [Diagnostic], fresh: Bool,
            stamp: FileStamp?, settled: Bool, restamp: Bool)
        // Only read while the workers run (the records in it are values of type R).
        nonisolated(unsafe) let previous = cache?.entries ?? [:]
        let keepBytes = cache != nil
        let listed = entries
        let results = Slots<Swift.Result<Decoded, Diagnostic>>(count: entries.count)
        DispatchQueue.concurrentPerform(iterations: entries.count) { index in
            let entry = listed[index]
            // A file whose bytes did not change since the last read (`combos serve`) is not
            // decoded again: its text, record, problems and TODOs are the last read's. One whose
            // settled stamp did not change is not even read.
            let hit = previous[entry.displayPath]
            if let hit, hit.settled, let stamp = entry.stamp, hit.stamp == stamp {
                results.set(index, .success((
                    hit.bytes, hit.file, hit.record as? R, hit.data, hit.problems, hit.todos, false, stamp, true, false)))
                return
            }
            let read = SourceFile.bytes(path: entry.fullPath, displayPath: entry.displayPath)
            let settled = entry.stamp?.isSettled(at: Int64(Date().timeIntervalSince1970)) ?? false
            if case .success(let bytes) = read, let hit, hit.bytes == bytes {
                results.set(index, .success((
                    bytes, hit.file, hit.record as? R, hit.data, hit.problems, hit.todos, false, entry.stamp, settled, true)))
                return
            }
            switch read.flatMap({ bytes in SourceFile.decode(bytes, displayPath: entry.displayPath).map { (bytes, $0) } }) {
            case .failure(let diagnostic):
                results.set(index, .failure(diagnostic))
            case .success(let (bytes, file)):
                // A file the record cache holds as it is now (`combos build` after an edit
                // elsewhere) is read back from it: its record and data, with no problem.
                let hash = records.map { _ in StableHash.hash(bytes) } ?? 0
                if let records, let (record, recordData) = decodeCached(R.self, id: entry.id, file: file, hash: hash, from: records) {
                    records.keepStored(file.path)
                    results.set(index, .success((
                        keepBytes ? bytes : Data(), file, record, recordData, [], todoWarnings(in: file), true, entry.stamp, settled, false)))
                    return
                }
                let (record, recordData, problems, fields) = decodeWithFields(R.self, id: entry.id, file: file)
                if let records, problems.isEmpty, let fields { records.keep(fields, path: file.path, hash: hash) }
                // The bytes are kept only for the cache: a build has no use for a second copy of
                // every file (80 MB at ten thousand combos).
                results.set(index, .success((
                    keepBytes ? bytes : Data(), file, record, recordData, problems, todoWarnings(in: file), true, entry.stamp, settled, false)))
            }
        }
        // Ids are lowercase, so of two names differing only in case one is already an error; say
        // what else is wrong with it: on a case-insensitive file system (macOS, Windows) and in
        // the output's URLs the two are one record.
        var byLowercase: [String: [String]] = [:]
        for entry in entries { byLowercase[entry.id.lowercased(), default: []].append(entry.id) }
        var records: [R] = []
        for (entry, result) in zip(entries, results.values) {
            let twins = byLowercase[entry.id.lowercased(), default: []].filter { $0 != entry.id }
            var result = result
            if let twin = twins.first(where: { RecordID<R>.isValid($0) }) ?? twins.first,
               case .success(var decoded) = result {
                decoded.problems = decoded.problems.map { problem in
                    guard problem.message.hasPrefix("the file name \"\(entry.id)\" is not a valid id"),
                          !problem.message.contains("only in case") else { return problem }
                    var problem = problem
                    problem.message += "; it differs from \(twin) only in case, and the two would be one page on a case-insensitive file system"
                    return problem
                }
                result = .success(decoded)
            }
            switch result {
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
                unreadable[kind, default: []].insert(entry.id)
                cache?.filesRead += 1
            case .success(let decoded):
                files[entry.displayPath] = decoded.file
                if decoded.fresh || decoded.restamp { cache?.filesRead += 1 }
                diagnostics += decoded.todos
                if decoded.fresh {
                    cache?.entries[entry.displayPath] = Cache.Entry(
                        bytes: decoded.bytes, file: decoded.file, record: decoded.record, data: decoded.data, problems: decoded.problems,
                        todos: decoded.todos, stamp: decoded.stamp, settled: decoded.settled)
                } else if decoded.restamp {
                    cache?.entries[entry.displayPath]?.stamp = decoded.stamp
                    cache?.entries[entry.displayPath]?.settled = decoded.settled
                }
                diagnostics += decoded.problems
                if let record = decoded.record {
                    records.append(record)
                    data[kind, default: [:]][record.id.raw] = decoded.data
                } else {
                    // The file exists but could not be read; references to it are not dangling.
                    unreadable[kind, default: []].insert(entry.id)
                }
            }
        }
        return records
    }

    /// A TODO left in a record (as `combos new` writes them) is a warning: the record is valid
    /// but not finished.
    static func todoWarnings(in file: SourceFile) -> [Diagnostic] {
        // A byte search first: almost no file has one, and Foundation's substring search is slow.
        guard containsTODO(file.text) else { return [] }
        var warnings: [Diagnostic] = []
        for number in 1...max(1, file.lineCount) {
            guard let line = file.line(number), let range = line.range(of: "TODO") else { continue }
            let column = line.distance(from: line.startIndex, to: range.lowerBound) + 1
            warnings.append(file.diagnostic(.warning, line: number, column: column, "TODO left here: fill it in before publishing", span: 4))
        }
        return warnings
    }

    static func containsTODO(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, bytes.count >= 4 else { return false }
            // From one "T" to the next with memchr (a build reads every file of a big catalog).
            var index = 0
            while index <= bytes.count - 4, let found = memchr(base + index, Int32(UInt8(ascii: "T")), bytes.count - 3 - index) {
                let at = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                if bytes[at + 1] == UInt8(ascii: "O") && bytes[at + 2] == UInt8(ascii: "D") && bytes[at + 3] == UInt8(ascii: "O") { return true }
                index = at + 1
            }
            return false
        }
    }

    /// Editor swap files, backups and hidden files are not records.
    public static func isIgnorable(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".swx")
            || name.hasPrefix("#") || name.hasSuffix(".tmp")
            // Vim writes and deletes "4913" to test whether it may create files in a folder.
            || name == "4913"
    }

    /// Decodes one record file. Returns the record whenever its YAML could be read, even with
    /// field errors, so that references from it are still checked and reported together.
    public static func decode<R: Record>(_ type: R.Type, id: String, file: SourceFile) -> (R?, [Diagnostic]) {
        let (record, _, problems) = decodeWithData(type, id: id, file: file)
        return (record, problems)
    }

    /// Decodes one record file, with its checked fields as data for the JSON API.
    static func decodeWithData<R: Record>(_ type: R.Type, id: String, file: SourceFile) -> (R?, RecordData?, [Diagnostic]) {
        let (record, data, problems, _) = decodeWithFields(type, id: id, file: file)
        return (record, data, problems)
    }

    /// A record file as `records` holds it, when it holds these bytes (`hash`) under this path
    /// and they make a record with no problem; nil otherwise (the file is then parsed).
    static func decodeCached<R: Record>(_ type: R.Type, id: String, file: SourceFile, hash: UInt64, from records: RecordCache) -> (R, RecordData)? {
        guard RecordID<R>.isValid(id), let fields = records.fields(file.path, hash: hash, schema: R.schema) else { return nil }
        var body: MarkdownText?
        if R.kind.format == .markdown {
            guard case .success(let split) = FrontMatter.split(file), !split.body.allSatisfy(\.isWhitespace) else { return nil }
            body = MarkdownText(split.body, at: file.location(line: split.bodyFirstLine, column: 1))
        }
        var problems = Problems(file: file)
        let record = R(id: RecordID(id), path: file.path, fields: fields, body: body, problems: &problems)
        guard problems.diagnostics.isEmpty else { return nil }
        return (record, RecordData(fields: fields, body: body))
    }

    /// Decodes one record file: the record, its data for the JSON API, its problems, and its
    /// checked fields (for the record cache).
    static func decodeWithFields<R: Record>(_ type: R.Type, id: String, file: SourceFile) -> (R?, RecordData?, [Diagnostic], Fields?) {
        var idProblems: [Diagnostic] = []
        if !RecordID<R>.isValid(id) {
            idProblems.append(file.diagnostic(
                line: 1, column: 1,
                "the file name \"\(id)\" is not a valid id: use lowercase letters, digits, '.' and '-' (it becomes the page URL)"))
        }
        switch R.kind.format {
        case .yaml:
            var decoder = RecordDecoder(file: file)
            guard case .some(let node) = decoder.parse(file.text) else {
                return (nil, nil, idProblems + decoder.problems.diagnostics, nil)
            }
            let fields = decoder.decodeDocument(node, schema: R.schema)
            var problems = decoder.problems
            let record = R(id: RecordID(id), path: file.path, fields: fields, body: nil, problems: &problems)
            return (record, RecordData(fields: fields, body: nil), idProblems + problems.diagnostics, fields)

        case .markdown:
            let split: FrontMatter
            switch FrontMatter.split(file) {
            case .failure(let diagnostic): return (nil, nil, idProblems + [diagnostic], nil)
            case .success(let value): split = value
            }
            var decoder = RecordDecoder(file: file, lineOffset: split.yamlFirstLine - 1)
            guard case .some(let node) = decoder.parse(split.yaml) else {
                return (nil, nil, idProblems + decoder.problems.diagnostics, nil)
            }
            let fields = decoder.decodeDocument(node, schema: R.schema)
            var problems = decoder.problems
            let body = MarkdownText(split.body, at: file.location(line: split.bodyFirstLine, column: 1))
            if let control = ControlCharacters.first(in: split.body, firstLine: split.bodyFirstLine, of: file) {
                problems.append(control)
            }
            if split.body.allSatisfy(\.isWhitespace) {
                problems.error(
                    "the Markdown body after the front matter is empty; it holds the \(R.kind.bodyRole)",
                    at: file.location(line: split.bodyFirstLine - 1, column: 1), span: 3)
            }
            let record = R(id: RecordID(id), path: file.path, fields: fields, body: body, problems: &problems)
            return (record, RecordData(fields: fields, body: body), idProblems + problems.diagnostics, fields)
        }
    }
}

extension RecordKind {
    /// What the Markdown body of this kind holds, for messages and the field reference.
    public var bodyRole: String {
        switch self {
        case .runtime: "operational review"
        case .combo: "\"Why this combo\" section"
        case .stack: "write-up of the stack"
        case .guide: "guide itself"
        case .device, .machine, .platform, .model, .benchmark: "notes"
        }
    }
}

/// A folder path as the user gave it, and how to print paths under it.
struct DisplayPath {
    let fileSystemPath: String
    let display: String

    init(_ path: String) {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        fileSystemPath = path
        display = displayPath(path)
    }

    func child(_ name: String) -> String { display == "." ? name : display + "/" + name }
}

/// How a path prints in messages: an absolute path inside the working directory prints
/// relative to it, so `path:line:col` stays short and clickable.
public func displayPath(_ path: String) -> String {
    var path = path
    while path.count > 1, path.hasSuffix("/") { path.removeLast() }
    guard path.hasPrefix("/") else { return path }
    let cwd = FileManager.default.currentDirectoryPath
    if path == cwd { return "." }
    if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
    return path
}
