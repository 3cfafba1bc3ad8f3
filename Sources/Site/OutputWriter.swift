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

    /// A generated file (JSON export, feed, sitemap, search index) made only when it is
    /// written: a build makes, writes and drops them one at a time.
    struct Generated: Sendable {
        let path: String
        let make: @Sendable () -> Data

        var file: File { File(path: path, contents: make()) }
    }

    public static func write(_ files: [File], assetsFrom assetsDirectory: String?, to output: String) throws(DiagnosticsError) -> Stats {
        let staging = try Staging(output)
        var assets = 0
        do {
            try staging.makeFolders(for: files.map(\.path))
            for file in files { try staging.write(file.path, file.contents) }
            if let assetsDirectory { assets = try staging.copyAssets(from: assetsDirectory) }
        } catch {
            staging.abandon()
            throw failure(staging.display, "cannot write the new output: \(error.localizedDescription)")
        }
        try staging.commit()
        let pages = files.filter { $0.path.hasSuffix(".html") }.count
        return Stats(pages: pages, assets: assets + files.count - pages)
    }

    /// A new output written in a folder beside the old one, then swapped into its place whole.
    /// Files may be written from several threads once their folders exist.
    final class Staging: Sendable {
        let output: URL
        let folder: URL
        let display: String

        init(_ output: String) throws(DiagnosticsError) {
            let fileManager = FileManager.default
            let outputURL = URL(fileURLWithPath: output).standardizedFileURL
            let parent = outputURL.deletingLastPathComponent()
            let name = outputURL.lastPathComponent
            self.output = outputURL
            display = displayPath(outputURL.path)
            try refuseForeignFolder(outputURL, display: display)
            do {
                try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            } catch {
                throw failure(display, "cannot create the folder that holds the output: \(error.localizedDescription)")
            }
            removeLeftovers(in: parent, name: name)
            folder = parent.appendingPathComponent(".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
            do {
                try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data("Written by `combos build`. This folder is replaced whole on every build.\n".utf8)
                    .write(to: folder.appendingPathComponent(marker))
            } catch {
                try? fileManager.removeItem(at: folder)
                throw failure(display, "cannot write the new output: \(error.localizedDescription)")
            }
        }

        /// Creates the folders of `paths` up front, so writers on many threads never race to.
        func makeFolders(for paths: some Sequence<String>) throws {
            var created: Set<String> = []
            for path in paths {
                let folder = (path as NSString).deletingLastPathComponent
                if created.insert(folder).inserted, !folder.isEmpty {
                    try FileManager.default.createDirectory(
                        at: self.folder.appendingPathComponent(folder), withIntermediateDirectories: true)
                }
            }
        }

        func write(_ path: String, _ contents: Data) throws {
            try contents.write(to: folder.appendingPathComponent(path))
        }

        func copyAssets(from directory: String) throws -> Int {
            try OutputWriter.copyAssets(from: directory, to: folder.appendingPathComponent("assets"))
        }

        /// Swaps the new output in; on failure the old one stays.
        func commit() throws(DiagnosticsError) {
            do {
                try swap(folder, into: output)
            } catch {
                abandon()
                throw failure(display, "cannot move the new output into place: \(error.localizedDescription)")
            }
        }

        func abandon() {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// Changes to an existing output made in place: each new file is written into a folder
    /// inside the output first, then renamed over the old one, so a reader never sees half a
    /// page. The manifest goes first and comes back last, so a build killed in between leaves
    /// an output the next build does not trust.
    final class Update: Sendable {
        static let incomingPrefix = ".combos-incoming-"
        let output: URL
        let incoming: URL
        let display: String

        init(_ output: String) throws(DiagnosticsError) {
            let fileManager = FileManager.default
            self.output = URL(fileURLWithPath: output).standardizedFileURL
            display = displayPath(self.output.path)
            removeLeftovers(in: self.output.deletingLastPathComponent(), name: self.output.lastPathComponent)
            for entry in (try? fileManager.contentsOfDirectory(atPath: self.output.path)) ?? [] where entry.hasPrefix(Self.incomingPrefix) {
                try? fileManager.removeItem(at: self.output.appendingPathComponent(entry))
            }
            incoming = self.output.appendingPathComponent("\(Self.incomingPrefix)\(ProcessInfo.processInfo.processIdentifier)")
            do {
                try fileManager.createDirectory(at: incoming, withIntermediateDirectories: true)
            } catch {
                throw failure(display, "cannot write the new output: \(error.localizedDescription)")
            }
        }

        private func staged(_ path: String) -> URL {
            incoming.appendingPathComponent(path.replacingOccurrences(of: "/", with: "%"))
        }

        /// Writes a file's new contents beside the output; nothing visible changes yet.
        func stage(_ path: String, _ contents: Data) throws {
            try contents.write(to: staged(path))
        }

        /// Moves the staged files into place, removes `removed`, and writes the manifest last.
        func commit(staged paths: [String], removing removed: [String], manifest: Data) throws(DiagnosticsError) {
            let fileManager = FileManager.default
            let manifestURL = output.appendingPathComponent(BuildManifest.fileName)
            do {
                try? fileManager.removeItem(at: manifestURL)
                for path in paths {
                    let target = output.appendingPathComponent(path)
                    try fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    if rename(staged(path).path, target.path) != 0 {
                        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
                    }
                }
                for path in removed {
                    try? fileManager.removeItem(at: output.appendingPathComponent(path))
                    // Folders a removed page leaves empty go too, as a clean build would not have them.
                    var folder = (path as NSString).deletingLastPathComponent
                    while !folder.isEmpty, (try? fileManager.contentsOfDirectory(atPath: output.appendingPathComponent(folder).path))?.isEmpty == true {
                        try? fileManager.removeItem(at: output.appendingPathComponent(folder))
                        folder = (folder as NSString).deletingLastPathComponent
                    }
                }
                try? fileManager.removeItem(at: incoming)
                try writeAtomically(manifest, to: manifestURL)
            } catch {
                throw failure(display, "cannot update the output in place: \(error.localizedDescription); the next build will write it whole")
            }
        }

        func abandon() {
            try? FileManager.default.removeItem(at: incoming)
        }
    }

    /// Writes a file by a temporary one renamed over it, so it is whole or absent.
    static func writeAtomically(_ contents: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try contents.write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
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
    fileprivate static func refuseForeignFolder(_ output: URL, display: String) throws(DiagnosticsError) {
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
    fileprivate static func removeLeftovers(in parent: URL, name: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for entry in entries where entry.hasPrefix(".\(name).tmp-") || entry.hasPrefix(".\(name).old-") {
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
        }
    }

    /// Exchanges the folders in one system call where the file system allows it; otherwise
    /// moves the old output aside, the new one in, and deletes the old.
    fileprivate static func swap(_ staging: URL, into output: URL) throws {
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

    fileprivate static func copyAssets(from source: String, to destination: URL) throws -> Int {
        let paths = assetPaths(in: source)
        for path in paths {
            let relative = String(path.dropFirst("assets/".count))
            let target = destination.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source + "/" + relative, toPath: target.path)
        }
        return paths.count
    }

    fileprivate static func failure(_ path: String, _ message: String) -> DiagnosticsError {
        DiagnosticsError([Diagnostic(at: SourceLocation(path: path, line: 0, column: 0), message)])
    }
}
