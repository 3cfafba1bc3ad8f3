import CAtomicSwap
import Catalog
import Foundation

/// Writes a finished site next to the output folder, then swaps it into place in one step, so
/// the previous output stays whole until the new one is complete, and a failed or interrupted
/// build leaves it untouched.
public enum OutputWriter {
    /// Marks a folder as ours: only a folder with this file (or an empty one) is ever replaced.
    public static let marker = ".combos-build"

    public struct Stats: Sendable {
        public var pages: Int
        public var assets: Int
    }

    /// One file to write, relative to the output folder.
    public struct File: Sendable {
        public var path: String
        public var contents: Data
    }

    public static func write(_ files: [File], assetsFrom assetsDirectory: String?, to output: String) throws(DiagnosticsError) -> Stats {
        let fileManager = FileManager.default
        let outputURL = URL(fileURLWithPath: output).standardizedFileURL
        let parent = outputURL.deletingLastPathComponent()
        let name = outputURL.lastPathComponent
        let display = displayPath(outputURL.path)

        try refuseForeignFolder(outputURL, display: display)
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw failure(display, "cannot create the folder that holds the output: \(error.localizedDescription)")
        }
        removeLeftovers(in: parent, name: name)

        let staging = parent.appendingPathComponent(".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        var assets = 0
        do {
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            try Data("Written by `combos build`. This folder is replaced whole on every build.\n".utf8)
                .write(to: staging.appendingPathComponent(marker))
            var created: Set<String> = []
            for file in files {
                let url = staging.appendingPathComponent(file.path)
                let folder = url.deletingLastPathComponent().path
                if created.insert(folder).inserted {
                    try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
                }
                try file.contents.write(to: url)
            }
            if let assetsDirectory {
                assets = try copyAssets(from: assetsDirectory, to: staging.appendingPathComponent("assets"))
            }
        } catch {
            try? fileManager.removeItem(at: staging)
            throw failure(display, "cannot write the new output: \(error.localizedDescription)")
        }

        do {
            try swap(staging, into: outputURL)
        } catch {
            try? fileManager.removeItem(at: staging)
            throw failure(display, "cannot move the new output into place: \(error.localizedDescription)")
        }
        let pages = files.filter { $0.path.hasSuffix(".html") }.count
        return Stats(pages: pages, assets: assets + files.count - pages)
    }

    /// Lists the files under an assets folder, relative to the output folder (`assets/site.css`).
    public static func assetPaths(in directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory)
            if !isDirectory.boolValue, !CatalogLoader.isIgnorable((relative as NSString).lastPathComponent) {
                paths.append("assets/" + relative)
            }
        }
        return paths.sorted()
    }

    /// Never wipe a folder the user made: replace only an empty folder or one of our outputs.
    private static func refuseForeignFolder(_ output: URL, display: String) throws(DiagnosticsError) {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: output.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw failure(display, "the output path is a file, not a folder; choose another --output")
        }
        let entries = (try? fileManager.contentsOfDirectory(atPath: output.path)) ?? []
        if !entries.isEmpty, !entries.contains(marker) {
            throw failure(display, "refusing to replace this folder: it is not empty and was not written by combos build (it has no \(marker) file); choose another --output or empty it")
        }
    }

    /// Staging folders from builds that were killed part-way are removed by the next build.
    private static func removeLeftovers(in parent: URL, name: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for entry in entries where entry.hasPrefix(".\(name).tmp-") || entry.hasPrefix(".\(name).old-") {
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
        }
    }

    /// Exchanges the folders in one system call where the file system allows it; otherwise
    /// moves the old output aside, the new one in, and deletes the old.
    private static func swap(_ staging: URL, into output: URL) throws {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: output.path) else {
            try fileManager.moveItem(at: staging, to: output)
            return
        }
        if combos_exchange_paths(staging.path, output.path) == 0 {
            try? fileManager.removeItem(at: staging)
            return
        }
        let old = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
        try fileManager.moveItem(at: output, to: old)
        do {
            try fileManager.moveItem(at: staging, to: output)
        } catch {
            try? fileManager.moveItem(at: old, to: output)
            throw error
        }
        try? fileManager.removeItem(at: old)
    }

    private static func copyAssets(from source: String, to destination: URL) throws -> Int {
        let paths = assetPaths(in: source)
        for path in paths {
            let relative = String(path.dropFirst("assets/".count))
            let target = destination.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source + "/" + relative, toPath: target.path)
        }
        return paths.count
    }

    private static func failure(_ path: String, _ message: String) -> DiagnosticsError {
        DiagnosticsError([Diagnostic(at: SourceLocation(path: path, line: 0, column: 0), message)])
    }
}
