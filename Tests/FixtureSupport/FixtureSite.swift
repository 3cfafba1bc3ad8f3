import Catalog
import Foundation

/// A copy of a fixture site in a fresh temporary folder, to change one thing and see what the
/// loader or the build says (Zola keeps invalid sites as folders; Hugo writes them inline; this
/// starts from one valid site and makes one mistake per test).
public struct FixtureSite: Sendable {
    /// The package root, found from this file's place in `Tests/FixtureSupport/`.
    public static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    public static let validSite = packageRoot + "/Tests/Fixtures/valid-site"

    public let root: String

    /// Copies `Tests/Fixtures/valid-site` (or another folder) into a new temporary folder.
    public init(copying source: String = FixtureSite.validSite) {
        let root = TestScratch.path("combos-fixture")
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for entry in try! FileManager.default.contentsOfDirectory(atPath: source) {
            try! FileManager.default.copyItem(atPath: source + "/" + entry, toPath: root + "/" + entry)
        }
        self.root = root
    }

    public var content: String { root + "/content" }

    /// Every file under a folder with its bytes, to compare two outputs exactly.
    public static func files(under folder: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files[relative] = FileManager.default.contents(atPath: folder + "/" + relative) }
        }
        return files
    }

    public func path(_ relative: String) -> String { root + "/" + relative }

    public func write(_ relative: String, _ text: String) {
        let url = URL(fileURLWithPath: path(relative))
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(text.utf8).write(to: url)
    }

    public func writeBytes(_ relative: String, _ bytes: [UInt8]) {
        try! Data(bytes).write(to: URL(fileURLWithPath: path(relative)))
    }

    public func read(_ relative: String) -> String {
        try! String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// Replaces text in a file; the text must be there, so a fixture change cannot silently miss.
    public func replace(in relative: String, _ old: String, with new: String) {
        let text = read(relative)
        precondition(text.contains(old), "\(relative) does not contain \(old)")
        write(relative, text.replacingOccurrences(of: old, with: new))
    }

    public func remove(_ relative: String) {
        try? FileManager.default.removeItem(atPath: path(relative))
    }

    public func load() -> CatalogLoader.Result {
        CatalogLoader.load(from: content)
    }

    /// Paths in diagnostics as the site would print them from its own folder.
    public func relative(_ text: String) -> String {
        text.replacingOccurrences(of: root + "/", with: "")
    }

    /// Each diagnostic's first line, `path:line:col: error: message`, relative to the site.
    public func headlines(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.sorted().map { relative($0.headline) }
    }

    public func destroy() {
        try? FileManager.default.removeItem(atPath: root)
    }
}
