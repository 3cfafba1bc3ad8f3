import CAtomicSwap
import CDetachedRemoval
import Catalog
import Foundation

/// Writes a finished site next to the output folder, then swaps it into place in one step, so
/// the previous output stays whole until the new one is complete, and a failed or interrupted
/// build leaves it untouched.
public enum OutputWriter {
    /// Marks a folder as ours: only a folder with this file (or an empty one) is ever replaced.
    public static let marker = ".combos-build"

    /// How an output a whole build replaced, and the spare beside it, are deleted.
    public enum Disposal: Sendable {
        /// Before the build returns: what a caller in the same process (the tests) expects.
        case beforeReturning
        /// By a process of its own that outlives the build (`combos build`). At 10,000 combos,
        /// deleting the old output and the spare took about 10 s, after a build of about 30 s,
        /// with the new output already in place. They are renamed aside first
        /// (`.public.old-PID-N`), so their names are free at once; whatever that process does
        /// not get to (the machine stopped) is a leftover the next build deletes.
        case inBackground
    }

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

        func made() -> File { File(path: path, contents: make()) }
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
        /// `folder` as a path, made once: pages are written from it tens of thousands of times.
        let folderPath: String
        let display: String
        let disposal: Disposal

        init(_ output: String, disposal: Disposal = .beforeReturning) throws(DiagnosticsError) {
            let fileManager = FileManager.default
            let outputURL = URL(fileURLWithPath: output).standardizedFileURL
            self.disposal = disposal
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
            removeLeftovers(in: parent, name: name, disposal)
            folder = parent.appendingPathComponent(".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
            folderPath = folder.path
            do {
                try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data("Written by `combos build`. This folder is replaced whole on every build.\n".utf8)
                    .write(to: folder.appendingPathComponent(marker))
            } catch {
                try? fileManager.removeItem(at: folder)
                throw failure(display, "cannot write the new output: \(error.localizedDescription)")
            }
        }

        /// Creates the folders of `paths` up front (`write` also makes a missing folder, on the
        /// thread that writes into it).
        func makeFolders(for paths: some Sequence<String>) throws {
            var created: Set<String> = []
            for path in paths {
                let folder = (path as NSString).deletingLastPathComponent
                if created.insert(folder).inserted, !folder.isEmpty {
                    try FileWrite.makeFolder(folderPath + "/" + folder)
                }
            }
        }

        func write(_ path: String, _ contents: Data) throws {
            try contents.withUnsafeBytes { try write(path, $0) }
        }

        func write(_ path: String, _ bytes: UnsafeRawBufferPointer) throws {
            try FileWrite.write(bytes, to: folderPath + "/" + path, makingFolders: true)
        }

        /// Writes a file handed over in pieces by `produce`, never holding it whole.
        func write(_ path: String, streaming produce: ((Data) throws -> Void) throws -> Void) throws {
            let url = folder.appendingPathComponent(path)
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try produce { try handle.write(contentsOf: $0) }
        }

        func copyAssets(from directory: String) throws -> Int {
            try OutputWriter.copyAssets(from: directory, to: folder.appendingPathComponent("assets"))
        }

        /// Swaps the new output in; on failure the old one stays. A spare an earlier update kept
        /// goes with the old output: no file of the new one is linked from it, so it would only
        /// hold the old site's bytes on the disk.
        func commit() throws(DiagnosticsError) {
            let old: URL?
            do {
                old = try swap(folder, into: output)
            } catch {
                abandon()
                throw failure(display, "cannot move the new output into place: \(error.localizedDescription)")
            }
            dispose([old, OutputWriter.spare(of: output)].compactMap { $0 }, beside: output, disposal)
        }

        func abandon() {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// Changes to an existing output, swapped in whole like a full build. Each new file is
    /// written beside the output as the build renders it (nothing visible changes), then a copy
    /// of the output is made of hard links (no file's bytes are copied or rewritten), the new
    /// files are renamed into the copy over the links, removed files unlinked, the manifest
    /// written, and the copy exchanged with the output in one step. A file system without hard
    /// links gets the changes renamed into the output one file at a time instead (the manifest
    /// removed first and written last, so a build killed in between leaves an output the next
    /// build does not trust).
    ///
    /// The output an update replaces is kept beside it as the spare (`.public.spare`), and the
    /// next update makes its copy from the spare, relinking only the entries that differ
    /// (`mirrorTree`): at 10,000 combos making a copy from nothing and deleting the old output
    /// were some 43,000 links and 21,000 folders each, seconds of an update that writes two files.
    final class Update: Sendable {
        /// Where an earlier version staged files: inside the output. Removed when found.
        static let legacyIncomingPrefix = ".combos-incoming-"
        let output: URL
        let incoming: URL
        let display: String
        /// The hard-linked copy of the output, made on another thread while the pages render.
        private let copy: URL
        /// Where the output this update replaces is kept, and where the next update starts its copy.
        private let spare: URL
        private let copying = DispatchGroup()
        private let copyFailed = Flag()
        private let disposal: Disposal

        private final class Flag: @unchecked Sendable {
            /// Set before `copying` is left, read after it is waited for.
            var isSet = false
        }

        init(_ output: String, disposal: Disposal = .beforeReturning) throws(DiagnosticsError) {
            let fileManager = FileManager.default
            self.output = URL(fileURLWithPath: output).standardizedFileURL
            self.disposal = disposal
            display = displayPath(self.output.path)
            let parent = self.output.deletingLastPathComponent()
            let name = self.output.lastPathComponent
            removeLeftovers(in: parent, name: name, disposal)
            removeLegacyIncoming(in: self.output)
            let unique = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
            incoming = parent.appendingPathComponent(".\(name).incoming-\(unique)")
            copy = parent.appendingPathComponent(".\(name).tmp-\(unique)")
            spare = OutputWriter.spare(of: self.output)
            do {
                try fileManager.createDirectory(at: incoming, withIntermediateDirectories: true)
            } catch {
                throw failure(display, "cannot write the new output: \(error.localizedDescription)")
            }
            let (source, copy, spare, failed) = (self.output, self.copy, self.spare, copyFailed)
            copying.enter()
            DispatchQueue.global(qos: .userInitiated).async { [copying] in
                do { try copyTree(from: source, to: copy, reusing: spare) } catch { failed.isSet = true }
                copying.leave()
            }
        }

        private func staged(_ path: String) -> URL {
            incoming.appendingPathComponent(path.replacingOccurrences(of: "/", with: "%"))
        }

        /// Writes a file's new contents beside the output; nothing visible changes yet.
        func stage(_ path: String, _ contents: Data) throws {
            try FileWrite.write(contents, to: staged(path).path)
        }

        /// Puts the staged files in place, removes `removed`, and writes the manifest.
        func commit(staged paths: [String], removing removed: [String], manifest: Data) throws(DiagnosticsError) {
            let fileManager = FileManager.default
            defer { abandon() }
            // Only paths inside the output are ever removed, whatever the old manifest says.
            let removed = removed.filter(isInsideOutput)
            copying.wait()
            if copyFailed.isSet {
                try? fileManager.removeItem(at: copy)
                try commitInPlace(staged: paths, removing: removed, manifest: manifest)
                return
            }
            do {
                try apply(paths, removed, manifest, in: copy)
                if let old = try swap(copy, into: output, keepingOldAt: spare) { dispose([old], beside: output, disposal) }
            } catch {
                throw failure(display, "cannot move the new output into place: \(error.localizedDescription)")
            }
        }

        /// The staged files renamed into `root` over what was there, removed files unlinked
        /// (with the folders they leave empty), and the manifest replaced.
        private func apply(_ paths: [String], _ removed: [String], _ manifest: Data, in root: URL) throws {
            let fileManager = FileManager.default
            for path in paths {
                let target = root.appendingPathComponent(path)
                try fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                if rename(staged(path).path, target.path) != 0 {
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
                }
            }
            for path in removed {
                try? fileManager.removeItem(at: root.appendingPathComponent(path))
                // Folders a removed page leaves empty go too, as a clean build would not have them.
                var folder = (path as NSString).deletingLastPathComponent
                while !folder.isEmpty, (try? fileManager.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path))?.isEmpty == true {
                    try? fileManager.removeItem(at: root.appendingPathComponent(folder))
                    folder = (folder as NSString).deletingLastPathComponent
                }
            }
            try writeAtomically(manifest, to: root.appendingPathComponent(BuildManifest.fileName))
        }

        private func commitInPlace(staged paths: [String], removing removed: [String], manifest: Data) throws(DiagnosticsError) {
            let manifestURL = output.appendingPathComponent(BuildManifest.fileName)
            do {
                try? FileManager.default.removeItem(at: manifestURL)
                try apply(paths, removed, manifest, in: output)
            } catch {
                throw failure(display, "cannot update the output in place: \(error.localizedDescription); the next build will write it whole")
            }
        }

        /// A relative path that stays inside the output: no `..`, not absolute, not empty.
        private func isInsideOutput(_ path: String) -> Bool {
            !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." || $0.isEmpty }
        }

        /// Removes the staged files, and keeps a copy that was not swapped in as the spare (the
        /// next update's copy starts from it); after a swap the copy's place holds nothing.
        func abandon() {
            copying.wait()
            if FileManager.default.fileExists(atPath: copy.path), rename(copy.path, spare.path) != 0 {
                try? FileManager.default.removeItem(at: copy)
            }
            try? FileManager.default.removeItem(at: incoming)
        }
    }

    /// The folder beside `output` that holds the output an update replaced: `.public.spare` for
    /// `public`. Its files are hard links to the output's unchanged files, so it costs folders and
    /// the old bytes of the files that changed, not a second site.
    static func spare(of output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).spare")
    }

    /// The file beside `output` that keeps what each record file decoded to (`RecordCache`):
    /// `.public.records` for `public`. Never deployed (it is not inside the output); deleting it
    /// is always safe (the next build parses every file).
    static func recordCache(of output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).records")
    }

    /// The file beside `output` that keeps the model pages' standings of the last build
    /// (`StoredStandings`): `.public.fits` for `public`. Never deployed; deleting it is always
    /// safe (the next update that renders a model page works every configuration out).
    static func fitStandings(of output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).fits")
    }

    /// The file beside `output` that keeps the input files' stamps of the last build
    /// (`InputStamps`): `.public.stamps` for `public`. Never deployed; deleting it is always safe
    /// (the next build reads every input file to hash it).
    static func inputStamps(of output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).stamps")
    }

    /// A hard-linked copy of `source` at `destination`, made from `spare` when there is one (taken
    /// by rename, so two builds never share it) and from nothing otherwise.
    fileprivate static func copyTree(from source: URL, to destination: URL, reusing spare: URL) throws {
        guard rename(spare.path, destination.path) == 0 else {
            return try linkTree(from: source, to: destination)
        }
        do {
            try mirrorTree(from: source, to: destination)
        } catch {
            // A spare this cannot mend (a file in its place, another file system): start afresh.
            try? FileManager.default.removeItem(at: destination)
            try linkTree(from: source, to: destination)
        }
    }

    /// A copy of a folder's tree whose files are hard links to the originals: no file's bytes are read, and no
    /// byte of the original is ever written (files in the copy are only replaced, by rename).
    fileprivate static func linkTree(from source: URL, to destination: URL) throws {
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
        for (name, entry) in try folderEntries(source.path) {
            let from = source.appendingPathComponent(name)
            let to = destination.appendingPathComponent(name)
            if entry.isFolder {
                try linkTree(from: from, to: to)
            } else if link(from.path, to.path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: to.path])
            }
        }
    }

    /// Makes `destination`, an earlier hard-linked copy, a hard-linked copy of `source` again.
    /// An entry linked to the same file as the source's (same inode on the same device) is kept;
    /// anything else in it is removed, and what is missing is linked anew. Like `linkTree`, it
    /// never writes a byte into a file: the spare's files are the output's files.
    fileprivate static func mirrorTree(from source: URL, to destination: URL) throws {
        var sourceInfo = stat(), destinationInfo = stat()
        guard lstat(source.path, &sourceInfo) == 0, lstat(destination.path, &destinationInfo) == 0,
              sourceInfo.st_dev == destinationInfo.st_dev, destinationInfo.st_mode & S_IFMT == S_IFDIR
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path]) }
        try mirrorFolder(from: source.path, to: destination.path)
    }

    private static func mirrorFolder(from source: String, to destination: String) throws {
        let wanted = try folderEntries(source)
        let present = try folderEntries(destination)
        for (name, entry) in present where wanted[name] == nil {
            try removeEntry(destination + "/" + name, isFolder: entry.isFolder)
        }
        for (name, entry) in wanted {
            let from = source + "/" + name, to = destination + "/" + name
            if let existing = present[name] {
                if entry.isFolder && existing.isFolder {
                    try mirrorFolder(from: from, to: to)
                    continue
                }
                if !entry.isFolder && !existing.isFolder && existing.inode == entry.inode { continue }
                try removeEntry(to, isFolder: existing.isFolder)
            }
            if entry.isFolder {
                try linkTree(from: URL(fileURLWithPath: from), to: URL(fileURLWithPath: to))
            } else if link(from, to) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: to])
            }
        }
    }

    /// A folder's entries by name, with their inode numbers as the folder lists them (no `stat`
    /// per file, unless the file system does not say which entries are folders).
    private static func folderEntries(_ path: String) throws -> [String: (inode: UInt64, isFolder: Bool)] {
        guard let folder = opendir(path) else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { closedir(folder) }
        var entries: [String: (inode: UInt64, isFolder: Bool)] = [:]
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            var isFolder = Int32(entry.pointee.d_type) == DT_DIR
            if Int32(entry.pointee.d_type) == DT_UNKNOWN {
                var info = stat()
                guard lstat(path + "/" + name, &info) == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path + "/" + name]) }
                isFolder = info.st_mode & S_IFMT == S_IFDIR
            }
            entries[name] = (UInt64(entry.pointee.d_ino), isFolder)
        }
        return entries
    }

    private static func removeEntry(_ path: String, isFolder: Bool) throws {
        if isFolder {
            try FileManager.default.removeItem(atPath: path)
        } else if unlink(path) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Staging folders an earlier version left inside the output.
    fileprivate static func removeLegacyIncoming(in output: URL) {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? [] where entry.hasPrefix(Update.legacyIncomingPrefix) {
            try? FileManager.default.removeItem(at: output.appendingPathComponent(entry))
        }
    }

    /// Removes what killed builds left beside and inside an output: a build that finds nothing
    /// to do calls this, so it too leaves no stray folder.
    static func removeLeftovers(of output: String, _ disposal: Disposal = .beforeReturning) {
        let url = URL(fileURLWithPath: output).standardizedFileURL
        removeLeftovers(in: url.deletingLastPathComponent(), name: url.lastPathComponent, disposal)
        removeLegacyIncoming(in: url)
    }

    /// Writes a file by a temporary one renamed over it, so it is whole or absent.
    static func writeAtomically(_ contents: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try FileWrite.write(contents, to: temporary.path)
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

    /// Staging folders from builds that were killed part-way are removed by the next build;
    /// those of a build still running (its process id is in the name) are left to it. An old
    /// output another build's removal is still deleting may be among them: deleted twice over,
    /// it goes all the same.
    fileprivate static func removeLeftovers(in parent: URL, name: String, _ disposal: Disposal) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        var leftovers: [URL] = []
        for entry in entries {
            // The last three are the temporary files of the caches beside the output (`RecordCache.write(to:fingerprint:)`, `writeAtomically`).
            guard let prefix = [".\(name).tmp-", ".\(name).old-", ".\(name).incoming-", "..\(name).records.tmp-", "..\(name).fits.tmp-", "..\(name).stamps.tmp-"].first(where: entry.hasPrefix) else { continue }
            let pid = entry.dropFirst(prefix.count).prefix { $0.isNumber }
            if let pid = Int32(pid), pid != ProcessInfo.processInfo.processIdentifier, kill(pid, 0) == 0 || errno == EPERM { continue }
            leftovers.append(parent.appendingPathComponent(entry))
        }
        remove(leftovers, disposal)
    }

    /// Deletes folders an output no longer needs (the output a whole build replaced, the spare),
    /// as `disposal` says; in the background, each is renamed aside first, freeing its name.
    fileprivate static func dispose(_ folders: [URL], beside output: URL, _ disposal: Disposal) {
        var info = stat()
        let present = folders.filter { lstat($0.path, &info) == 0 }
        guard disposal == .inBackground else { return remove(present, disposal) }
        var aside: [URL] = []
        for folder in present {
            let target = output.deletingLastPathComponent().appendingPathComponent(
                ".\(output.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
            if rename(folder.path, target.path) == 0 {
                aside.append(target)
            } else {
                try? FileManager.default.removeItem(at: folder)
            }
        }
        remove(aside, disposal)
    }

    /// Deletes `paths` now, or starts the process that deletes them (now, if it cannot start).
    private static func remove(_ paths: [URL], _ disposal: Disposal) {
        guard !paths.isEmpty else { return }
        if disposal == .inBackground, removeInBackground(paths) != nil { return }
        for path in paths { try? FileManager.default.removeItem(at: path) }
    }

    /// Starts `rm -rf` on `paths` in a process of its own and returns its id, without waiting
    /// for it (`combos_remove_detached`); nil when it could not start.
    static func removeInBackground(_ paths: [URL]) -> pid_t? {
        let copies = paths.map { strdup($0.path) }
        defer { copies.forEach { free($0) } }
        let arguments = copies.map { $0.map { UnsafePointer($0) } }
        let process = arguments.withUnsafeBufferPointer { combos_remove_detached($0.baseAddress, Int32($0.count)) }
        return process > 0 ? process : nil
    }

    /// Exchanges the folders in one system call where the file system allows it; otherwise
    /// moves the old output aside and the new one in. The old output is then kept at
    /// `keepingOldAt` when that place is free; otherwise its place is returned, for the caller
    /// to delete.
    fileprivate static func swap(_ staging: URL, into output: URL, keepingOldAt keep: URL? = nil) throws -> URL? {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: output.path) else {
            try fileManager.moveItem(at: staging, to: output)
            return nil
        }
        func discard(_ old: URL) -> URL? {
            if let keep, rename(old.path, keep.path) == 0 { return nil }
            return old
        }
        if combos_exchange_paths(staging.path, output.path) == 0 {
            return discard(staging)
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
        return discard(old)
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
