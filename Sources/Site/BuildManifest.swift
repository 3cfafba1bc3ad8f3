import Catalog
import Foundation

/// What the last `combos build` was made of and what it wrote, kept in the output folder so the
/// next build can skip what did not change: the inputs' hashes (to stop at once when nothing
/// changed), each record's hashes as `DependencyKey`s see it (to tell which pages to render
/// again), each output file's hash, each page's element ids, link targets and the digest of
/// its dependencies (to write only files whose bytes changed, to check links without the other
/// pages' HTML and to tell whose dependencies changed),
/// and every record's "See also" block (reused while no record names different records).
///
/// It is written last, by a temporary file renamed into place; an in-place update removes it
/// first, so a build killed half-way leaves no manifest and the next build starts from scratch.
/// The format is plain lines, one fact each, so a person can read it and a diff shows a change.
struct BuildManifest: Equatable, Sendable {
    static let fileName = ".combos-build-manifest"
    /// Raised when the format or what the build writes changes in a way a manifest cannot show.
    static let formatVersion = 5

    struct Page: Equatable, Sendable {
        /// `PageSpec.dependencyDigest`: whether the page's dependencies are the last build's is
        /// all a build asks of them (at ten thousand combos the sets themselves were a third of
        /// the manifest, and comparing them 0.15 s of an update).
        var dependencyDigest: UInt64
        var ids: PageIDs
        /// The other pages it links to, for checking it again when one of them changes.
        var targets: PageTargets
        /// Its dependencies that name records' text (`DependencyKey.isText`), sorted: after an
        /// edit to records' text alone, a build keeps the last page plan and renders the pages
        /// these say show that text.
        var textKeys: [String] = []
    }

    /// The build's options and the binary that ran it: a change rebuilds everything.
    var fingerprint: UInt64 = 0
    /// Every input file (`content/...`, `templates/...`) with its content hash.
    var inputs: [String: UInt64] = [:]
    /// Each record (`combo:x`) with the hashes of its full text and of its listing.
    var records: [String: RecordHashes] = [:]
    /// The reference graph, which chooses the "See also" blocks.
    var references: UInt64 = 0
    /// Every record the fit answers read.
    var fitInputs: UInt64 = 0
    /// Each combo's configuration, which its fit answers are worked out from.
    var comboKeys: [String: UInt64] = [:]
    /// Every record's "See also" block, as `references` chose it: the next build reuses them
    /// while the references stay the same.
    var related: [RelatedRecords.Node: [RelatedRecords.Node]] = [:]
    /// Every output file but the manifest and the marker, with its content hash.
    var files: [String: UInt64] = [:]
    /// Every page, by output file.
    var pages: [String: Page] = [:]
    /// The page lines as they were read, so that a build writes the lines of the pages it
    /// carries over unchanged again as they were.
    var linesRead: LinesRead?

    /// How a read manifest numbered id sets and pages, and its page lines in order. Numbering
    /// twenty thousand pages' targets was most of writing a large site's manifest, and an
    /// update renders a handful of pages. Not part of what a manifest says: two manifests are
    /// equal whatever they hold here.
    struct LinesRead: Equatable, Sendable {
        let idTexts: [String]
        /// The pages' files, in the order of their lines.
        let paths: [String]
        /// Each page's line after `page `, in the same order.
        let lines: [Substring]

        static func == (_: LinesRead, _: LinesRead) -> Bool { true }
    }

    /// A page's link targets, by output file. Read from a manifest they stay numbers into its
    /// list of pages until they are asked for, which an update does only when a page's ids
    /// changed or a page went: at ten thousand combos, making a set of paths for each of twenty
    /// thousand pages was most of reading the manifest.
    struct PageTargets: Equatable, Sendable {
        private let set: Set<String>
        private let numbers: [Int32]
        private let table: PathTable?

        /// The pages' files, in the order a manifest numbers them, shared by its pages.
        final class PathTable: Sendable {
            let paths: [String]
            init(_ paths: [String]) { self.paths = paths }
        }

        init(_ set: Set<String>) {
            self.set = set
            numbers = []
            table = nil
        }

        /// `numbers` index `table.paths` (the caller checked they are in range).
        init(numbers: [Int32], table: PathTable) {
            set = []
            self.numbers = numbers
            self.table = table
        }

        var paths: Set<String> {
            guard let table else { return set }
            return Set(numbers.map { table.paths[Int($0)] })
        }

        var isEmpty: Bool { table == nil ? set.isEmpty : numbers.isEmpty }

        func isDisjoint(with other: Set<String>) -> Bool {
            guard let table else { return set.isDisjoint(with: other) }
            return !numbers.contains { other.contains(table.paths[Int($0)]) }
        }

        static func == (lhs: PageTargets, rhs: PageTargets) -> Bool { lhs.paths == rhs.paths }
    }

    struct RecordHashes: Equatable, Sendable {
        var full: UInt64
        var listing: UInt64
    }

    // MARK: Reading and writing

    /// `carried`: pages whose entry is `previous`'s, unchanged; their lines are written as
    /// `previous` read them when it numbered id sets and pages as this manifest does.
    func serialized(carrying carried: Set<String> = [], from previous: BuildManifest? = nil) -> Data {
        var whole = Data()
        // Appending cannot fail.
        try? serialize(carrying: carried, from: previous) { whole.append($0) }
        return whole
    }

    /// The manifest in pieces of about a MB, to `emit` in order: at ten thousand combos it is
    /// tens of MB, and written whole it was the build's last peak of memory.
    func serialize(carrying carried: Set<String> = [], from previous: BuildManifest? = nil, _ emit: (Data) throws -> Void) throws {
        let chunk = 1 << 20
        var out = Data()
        out.reserveCapacity(chunk + 64 * 1024)
        func line(_ text: String) throws {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\n"))
            if out.count >= chunk {
                try emit(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        try line("combos-build-manifest \(Self.formatVersion)")
        try line("fingerprint \(hex(fingerprint))")
        try line("counts \(pages.count) \(files.count)")
        for (path, hash) in inputs.sorted(by: { $0.key < $1.key }) { try line("input \(hex(hash)) \(path)") }
        try line("end-inputs")
        try line("references \(hex(references))")
        try line("fit-inputs \(hex(fitInputs))")
        for (key, hashes) in records.sorted(by: { $0.key < $1.key }) {
            try line("record \(key) \(hex(hashes.full)) \(hex(hashes.listing))")
        }
        for (id, hash) in comboKeys.sorted(by: { $0.key < $1.key }) { try line("combo-key \(id) \(hex(hash))") }
        // A line per record, its block naming the others by their lines' numbers. Blocks list
        // only records that have a line; if one did not, none are written, and the next build
        // works them out again.
        let relatedNodes = related.keys.sorted { ($0.kind.rawValue, $0.id) < ($1.kind.rawValue, $1.id) }
        var nodeNumbers: [RelatedRecords.Node: Int] = [:]
        for (number, node) in relatedNodes.enumerated() { nodeNumbers[node] = number }
        if related.values.allSatisfy({ $0.allSatisfy { nodeNumbers[$0] != nil } }) {
            for node in relatedNodes {
                let block = (related[node] ?? []).compactMap { nodeNumbers[$0] }.map(String.init).joined(separator: " ")
                try line("related \(node.kind.rawValue):\(node.id)\t\(block)")
            }
        }
        for (path, hash) in files.sorted(by: { $0.key < $1.key }) { try line("file \(hex(hash)) \(path)") }
        // Element id sets are shared by many pages, so each is written once and named by
        // number: the twenty thousand pages of a large site have a few dozen (every will-it-run
        // page has the same model and quant anchors), and written out per page they were most
        // of its manifest.
        var idNumbers: [String: Int] = [:]
        let idTexts = Set(pages.values.map(\.ids.text)).sorted()
        for text in idTexts {
            idNumbers[text] = idNumbers.count
            try line("ids \(text)")
        }
        // Link targets are pages, named by their line's number among the pages.
        let sortedPaths = pages.keys.sorted()
        var pageNumbers: [String: Int] = [:]
        for (number, path) in sortedPaths.enumerated() { pageNumbers[path] = number }
        // The page lines are made on every core, a few thousand at a time (made one after
        // another, naming twenty thousand pages' targets by number was most of
        // writing a large site's manifest; made all at once, they would all be held).
        let (idTable, pageTable, pages) = (idNumbers, pageNumbers, self.pages)
        // A carried page's line as it was read, when the same numbers name the same id sets and
        // pages.
        let read = previous?.linesRead.flatMap { read in
            read.idTexts == idTexts && read.paths == sortedPaths ? read : nil
        }
        let batch = 4096
        for start in stride(from: 0, to: sortedPaths.count, by: batch) {
            let paths = Array(sortedPaths[start..<min(start + batch, sortedPaths.count)])
            let made = Parallel.map(paths) { path -> String? in
                if let read, carried.contains(path), let number = pageTable[path] { return "page " + read.lines[number] }
                guard let page = pages[path] else { return nil }
                let targets = page.targets.paths.compactMap { pageTable[$0] }.sorted().map(String.init).joined(separator: " ")
                return "page \(path)\t\(hex(page.dependencyDigest))\t\(idTable[page.ids.text] ?? 0)\t\(targets)\t"
                    + page.textKeys.joined(separator: " ")
            }
            for text in made {
                if let text { try line(text) }
            }
        }
        try line("end")
        if !out.isEmpty { try emit(out) }
    }

    /// The manifest in `data`, or nil when it is missing, from another version or cut short.
    static func parse(_ data: Data, headerOnly: Bool = false) -> BuildManifest? {
        let text = String(decoding: data, as: UTF8.self)
        // Lines and fields are found byte by byte: splitting by Characters took seconds on the
        // tens of MB of a large site's manifest, and a header-only read stops at the header.
        var lines = Lines(text)
        guard lines.next() == "combos-build-manifest \(formatVersion)"[...] else { return nil }
        var manifest = BuildManifest()
        var idSets: [PageIDs] = []
        var pageLines: [Substring] = []
        var relatedLines: [Substring] = []
        var ended = false
        while let line = lines.next() {
            guard let space = line.utf8.firstIndex(of: UInt8(ascii: " ")) else {
                if line == "end" { ended = true; break }
                if line == "end-inputs" {
                    if headerOnly { return manifest }
                    continue
                }
                return nil
            }
            let tag = line[..<space]
            let rest = line[line.index(after: space)...]
            switch tag {
            case "fingerprint": manifest.fingerprint = UInt64(rest, radix: 16) ?? 0
            case "counts": continue
            case "input", "file":
                guard let cut = rest.utf8.firstIndex(of: UInt8(ascii: " ")), let hash = UInt64(rest[..<cut], radix: 16) else { return nil }
                let path = String(rest[rest.index(after: cut)...])
                if tag == "input" { manifest.inputs[path] = hash } else { manifest.files[path] = hash }
            case "references": manifest.references = UInt64(rest, radix: 16) ?? 0
            case "fit-inputs": manifest.fitInputs = UInt64(rest, radix: 16) ?? 0
            case "record":
                let parts = fields(rest, UInt8(ascii: " "))
                guard parts.count == 3, let full = UInt64(parts[1], radix: 16), let listing = UInt64(parts[2], radix: 16) else { return nil }
                manifest.records[String(parts[0])] = RecordHashes(full: full, listing: listing)
            case "combo-key":
                let parts = fields(rest, UInt8(ascii: " "))
                guard parts.count == 2, let hash = UInt64(parts[1], radix: 16) else { return nil }
                manifest.comboKeys[String(parts[0])] = hash
            case "ids": idSets.append(PageIDs(text: rest))
            case "page": pageLines.append(rest)
            case "related": relatedLines.append(rest)
            default: return nil
            }
        }
        guard ended else { return nil }
        guard let related = parseRelated(relatedLines) else { return nil }
        manifest.related = related
        // Each page's line is read on every core: turning its numbers back into a set of pages
        // (tens of strings each, for twenty thousand pages) was most of reading a large site's
        // manifest. Its link targets stay numbers (`PageTargets`), checked to be in range.
        let idTable = idSets
        let count = pageLines.count
        let read = Parallel.map(pageLines) { line -> (path: String, digest: UInt64, ids: PageIDs, targets: [Int32], textKeys: [String])? in
            let fields = Self.fields(line, UInt8(ascii: "\t"), omittingEmpty: false)
            guard fields.count == 5 else { return nil }
            guard let digest = UInt64(fields[1], radix: 16), let ids = Int(fields[2]), idTable.indices.contains(ids),
                  let targets = numbers(fields[3], below: count)
            else { return nil }
            let textKeys = Self.fields(fields[4], UInt8(ascii: " ")).map(String.init)
            return (String(fields[0]), digest, idTable[ids], targets, textKeys)
        }
        var paths: [String] = []
        paths.reserveCapacity(read.count)
        for entry in read {
            guard let entry else { return nil }
            paths.append(entry.path)
        }
        let table = PageTargets.PathTable(paths)
        manifest.pages.reserveCapacity(read.count)
        for case let entry? in read {
            manifest.pages[entry.path] = Page(
                dependencyDigest: entry.digest, ids: entry.ids, targets: PageTargets(numbers: entry.targets, table: table),
                textKeys: entry.textKeys)
        }
        manifest.linesRead = LinesRead(idTexts: idSets.map(\.text), paths: paths, lines: pageLines)
        return manifest
    }

    /// Numbers separated by single spaces, each below `limit`; nil for anything else.
    private static func numbers(_ text: Substring, below limit: Int) -> [Int32]? {
        var numbers: [Int32] = []
        var current = -1
        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") {
                guard current >= 0 else { return nil }
                numbers.append(Int32(current))
                current = -1
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                current = max(current, 0) * 10 + Int(byte - UInt8(ascii: "0"))
                guard current < limit else { return nil }
            } else {
                return nil
            }
        }
        if current >= 0 { numbers.append(Int32(current)) } else if !numbers.isEmpty { return nil }
        return numbers
    }

    /// The `related` lines: `kind:id`, a tab, and the block's records by their lines' numbers.
    private static func parseRelated(_ lines: [Substring]) -> [RelatedRecords.Node: [RelatedRecords.Node]]? {
        var nodes: [RelatedRecords.Node] = []
        var blocks: [Substring] = []
        nodes.reserveCapacity(lines.count)
        for line in lines {
            let parts = fields(line, UInt8(ascii: "\t"), omittingEmpty: false)
            guard parts.count == 2, let colon = parts[0].utf8.firstIndex(of: UInt8(ascii: ":")),
                  let kind = RecordKind(rawValue: String(parts[0][..<colon]))
            else { return nil }
            nodes.append(RelatedRecords.Node(kind: kind, id: String(parts[0][parts[0].index(after: colon)...])))
            blocks.append(parts[1])
        }
        var related: [RelatedRecords.Node: [RelatedRecords.Node]] = [:]
        related.reserveCapacity(nodes.count)
        for (node, block) in zip(nodes, blocks) {
            var members: [RelatedRecords.Node] = []
            for number in fields(block, UInt8(ascii: " ")) {
                guard let index = Int(number), nodes.indices.contains(index) else { return nil }
                members.append(nodes[index])
            }
            related[node] = members
        }
        return related
    }

    /// The lines of a text, one at a time, without their newlines.
    private struct Lines {
        let text: String
        var position: String.Index

        init(_ text: String) {
            self.text = text
            position = text.startIndex
        }

        mutating func next() -> Substring? {
            let bytes = text.utf8
            guard position < bytes.endIndex else { return nil }
            let end = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            defer { position = end < bytes.endIndex ? bytes.index(after: end) : end }
            return text[position..<end]
        }
    }

    /// `text` split at each `separator` byte (an ASCII character).
    private static func fields(_ text: Substring, _ separator: UInt8, omittingEmpty: Bool = true) -> [Substring] {
        text.utf8.split(separator: separator, omittingEmptySubsequences: omittingEmpty).map { Substring($0) }
    }

    /// The page and file counts from the header, for saying what an up-to-date output holds.
    static func counts(from output: String) -> (pages: Int, files: Int)? {
        guard let handle = FileHandle(forReadingAtPath: output + "/" + fileName) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 512)) ?? Data(), as: UTF8.self)
        guard let line = head.split(separator: "\n").first(where: { $0.hasPrefix("counts ") }) else { return nil }
        let parts = line.split(separator: " ")
        guard parts.count == 3, let pages = Int(parts[1]), let files = Int(parts[2]) else { return nil }
        return (pages, files)
    }

    // MARK: Inputs

    /// Every file under the content and templates folders with its hash, keyed `content/...` and
    /// `templates/...`: the same files in another place are the same inputs. A file whose stamp
    /// is the one `known` (the last build's, `InputStamps`) kept for it is not read: its hash is
    /// the one kept (with nothing in the page cache, reading every file was most of a build with
    /// no change at ten thousand combos). Returns the stamps settled when their files were read,
    /// for the next build.
    static func hashInputs(
        content: String, templates: String, known: InputStamps? = nil
    ) -> (hashes: [String: UInt64], stamps: InputStamps) {
        var paths: [(key: String, path: String, stamp: FileStamp?)] = []
        for (prefix, root) in [("content/", content), ("templates/", templates)] {
            guard let enumerator = FileManager.default.enumerator(atPath: root) else { continue }
            while let relative = enumerator.nextObject() as? String {
                let path = root + "/" + relative
                let found = FileStamp.of(path)
                if found?.isDirectory != true { paths.append((prefix + relative, path, found?.stamp)) }
            }
        }
        // Before any file is read: a stamp settled at this moment was settled when its file was read.
        let now = Int64(Date().timeIntervalSince1970)
        let known = known?.entries ?? [:]
        let hashed = Parallel.map(paths) { entry -> (UInt64, FileStamp?) in
            if let stamp = entry.stamp, let kept = known[entry.key], kept.stamp == stamp { return (kept.hash, stamp) }
            let hash = FileManager.default.contents(atPath: entry.path).map { StableHash.hash($0) } ?? 0
            return (hash, entry.stamp.flatMap { $0.isSettled(at: now) ? $0 : nil })
        }
        var hashes: [String: UInt64] = [:]
        var stamps = InputStamps()
        for (entry, (hash, stamp)) in zip(paths, hashed) {
            hashes[entry.key] = hash
            if let stamp { stamps.entries[entry.key] = InputStamps.Entry(hash: hash, stamp: stamp) }
        }
        return (hashes, stamps)
    }

    /// The options and the binary: its size and modification time stand for its version, so a
    /// rebuilt `combos` renders everything again.
    static func fingerprint(_ config: SiteConfig) -> UInt64 {
        StableHash.hash("format \(formatVersion)\nbase \(config.baseURL)\n" + binary)
    }

    /// The binary alone, for what does not depend on the options: the record cache, which
    /// `combos build`, `check` and `serve` share whatever their base URL.
    static func binaryFingerprint() -> UInt64 {
        StableHash.hash("records\n" + binary)
    }

    /// The running binary's path, size and modification time: a rebuilt `combos` differs.
    private static var binary: String {
        guard let executable = Bundle.main.executablePath,
              let attributes = try? FileManager.default.attributesOfItem(atPath: executable)
        else { return "" }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "binary \(executable) \(size) \(modified)\n"
    }

    // MARK: What changed

    /// Each record's hashes as the dependency keys see it: the full text, and the listing other
    /// pages show (`LiveSite.listing`; the full text when the listing is the whole record).
    static func recordHashes(_ catalog: Catalog, files: [String: SourceFile]) -> [String: RecordHashes] {
        var hashes: [String: RecordHashes] = [:]
        for kind in RecordKind.allCases {
            for id in catalog.ids(of: kind) {
                guard let path = catalog.path(of: kind, id: id), let text = files[path]?.text else { continue }
                let full = StableHash.hash(text)
                hashes["\(kind.rawValue):\(id)"] = RecordHashes(full: full, listing: LiveSite.listing(kind, id, catalog).map(StableHash.hash) ?? full)
            }
        }
        return hashes
    }

    /// The reference graph, one line per record, as `LiveSite` compares it.
    static func referencesHash(_ catalog: Catalog) -> UInt64 {
        var hash = StableHash()
        for kind in RecordKind.allCases {
            for id in catalog.ids(of: kind) {
                let targets = catalog.references(of: kind, id: id).map { "\($0.kind.rawValue):\($0.id)" }.sorted()
                hash.combine("\(kind.rawValue):\(id)>" + targets.joined(separator: ",") + "\n")
            }
        }
        return hash.value
    }

    /// Every record the fit answers read, by id and full text.
    static func fitInputsHash(_ records: [String: RecordHashes], _ catalog: Catalog) -> UInt64 {
        var hash = StableHash()
        for kind in [RecordKind.device, .machine, .platform, .runtime, .model, .benchmark] {
            for id in catalog.ids(of: kind) {
                hash.combine("\(kind.rawValue):\(id) \(records["\(kind.rawValue):\(id)"]?.full ?? 0)\n")
            }
        }
        return hash.value
    }

    /// The dependency keys that differ between this manifest and `next`, as `LiveSite` works them
    /// out between two builds in memory.
    func changedKeys(to next: BuildManifest) -> Set<String> {
        typealias Key = DependencyKey
        var changed: Set<String> = []
        for key in Set(records.keys).union(next.records.keys) where records[key] != next.records[key] {
            let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = RecordKind(rawValue: parts[0]) else { continue }
            changed.insert(Key.full(kind, parts[1]))
            changed.insert(Key.anyFull(kind))
            if records[key]?.listing != next.records[key]?.listing {
                changed.insert(Key.listing(kind, parts[1]))
                changed.insert(Key.kind(kind))
            }
        }
        if references != next.references { changed.insert(Key.references) }
        // Fit answers, as `SiteFits(reusing:)` decides which to work out again.
        var fitsChanged = false
        let sameInputs = fitInputs == next.fitInputs
        for id in Set(comboKeys.keys).union(next.comboKeys.keys) where !sameInputs || comboKeys[id] != next.comboKeys[id] {
            changed.insert(Key.comboFits(RecordID<Combo>(id)))
            fitsChanged = true
        }
        if !sameInputs {
            for key in Set(records.keys).union(next.records.keys) where key.hasPrefix("device:") {
                changed.insert(Key.deviceFits(RecordID<Device>(String(key.dropFirst("device:".count)))))
            }
            fitsChanged = true
        }
        if fitsChanged { changed.insert(Key.fits) }
        return changed
    }
}

private func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
