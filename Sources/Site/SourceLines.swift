import Catalog

/// Content files by display path, for quoting the line a broken link was written on: the texts
/// the loader read, or, once a build has dropped them (ten thousand combos' Markdown is tens of
/// MB it no longer needs after hashing), the file read again when a diagnostic asks for it.
/// Display paths are relative to the working directory or absolute, so they open as they are.
struct SourceLines: Sendable {
    let files: [String: SourceFile]
    let readingFromDisk: Bool

    init(_ files: [String: SourceFile]) {
        self.files = files
        readingFromDisk = false
    }

    /// Nothing in memory: each asked-for file is read again.
    static let onDisk = SourceLines(files: [:], readingFromDisk: true)

    private init(files: [String: SourceFile], readingFromDisk: Bool) {
        self.files = files
        self.readingFromDisk = readingFromDisk
    }

    func line(_ path: String, _ number: Int) -> String? {
        if let file = files[path] { return file.line(number) }
        guard readingFromDisk, case .success(let file) = SourceFile.read(path: path, displayPath: path) else { return nil }
        return file.line(number)
    }
}
