import Catalog

/// The line a broken link was written on, read from its content file when a diagnostic quotes
/// it: a build drops the texts it read once it has hashed them (ten thousand combos' Markdown is
/// tens of MB it no longer needs). Display paths are relative to the working directory or
/// absolute, so they open as they are.
enum SourceLines {
    static func line(_ path: String, _ number: Int) -> String? {
        guard case .success(let file) = SourceFile.read(path: path, displayPath: path) else { return nil }
        return file.line(number)
    }
}
