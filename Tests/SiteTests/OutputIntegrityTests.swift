import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site

/// What `combos build` does to the output folder when it is killed, run twice, or pointed at the
/// wrong folder: the `combos` binary run as a visitor's CI would run it, on a synthetic catalog
/// (`combos synth`) large enough that a build takes a few seconds.
@Suite("Output integrity", .serialized)
struct OutputIntegrityTests {
    /// The `combos` binary `swift build` put beside this test bundle.
    static let combos: String = {
        let bundleFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
        for candidate in [bundleFolder + "/combos", FixtureSite.packageRoot + "/.build/debug/combos"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return bundleFolder + "/combos"
    }()

    struct Run {
        var status: Int32
        var killed: Bool
        var output: String
    }

    /// Runs `combos` with arguments in a folder; with `killWhen`, polls every few milliseconds
    /// and sends SIGKILL the first time it returns true.
    static func run(_ arguments: [String], in folder: String, environment: [String: String] = [:], killWhen: (() -> Bool)? = nil) throws -> Run {
        #expect(FileManager.default.isExecutableFile(atPath: combos), "no combos binary at \(combos): run swift build first")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: combos)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let log = folder + "/.run-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        var killed = false
        if let killWhen {
            while process.isRunning {
                if killWhen() {
                    kill(process.processIdentifier, SIGKILL)
                    killed = true
                    break
                }
                usleep(2_000)
            }
        }
        process.waitUntilExit()
        try handle.close()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: log)
        return Run(status: process.terminationStatus, killed: killed && process.terminationReason == .uncaughtSignal, output: output)
    }

    /// Every file and folder under `folder`, hidden ones too: files with their bytes, folders as nil.
    static func tree(_ folder: String) -> [String: Data?] {
        var entries: [String: Data?] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory)
            entries[relative] = isDirectory.boolValue ? .some(nil) : FileManager.default.contents(atPath: folder + "/" + relative)
        }
        return entries
    }

    /// Whether a staging folder holds a rendered page yet: pages are written as they render
    /// (a full build's under their paths, an update's flattened, `a%b%index.html`).
    static func holdsPages(_ folder: String) -> Bool {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return false }
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".html") { return true }
        }
        return false
    }

    /// A site folder with a synthetic catalog in `content/`.
    static func synthetic(combos count: Int) throws -> FixtureSite {
        let site = FixtureSite(copying: FixtureSite.validSite)
        site.remove("content")
        let run = try Self.run(["synth", "--combos", String(count), "--content", FixtureSite.packageRoot + "/content", "--output", site.content], in: site.root)
        #expect(run.status == 0, "\(run.output)")
        return site
    }

    /// What sits beside the output: only the output itself, the content, the spare (the output
    /// an update replaced, kept for the next update's copy) and the two caches, nothing a build left.
    /// `settling`: after `combos build`, whose removal of old folders runs in a process of its
    /// own, wait (up to half a minute) for what it removes to go.
    static func strays(_ site: FixtureSite, settling: Bool = false) throws -> [String] {
        // The spare, the record cache, the standings and the input stamps are meant to stay; anything else (a
        // staging folder, a cache's temporary file `..public.records.tmp-PID`) is a stray.
        func list() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: site.root)
                .filter { ($0.hasPrefix(".public") || $0.hasPrefix("..public")) && ![".public.spare", ".public.records", ".public.fits", ".public.stamps"].contains($0) }.sorted()
        }
        let deadline = Date().addingTimeInterval(30)
        var strays = try list()
        while settling, !strays.isEmpty, Date() < deadline {
            usleep(20_000)
            strays = try list()
        }
        return strays
    }

    /// A build of a fixture site into `output` with the package's templates, in this process.
    static func options(_ site: FixtureSite, output: String = "public", clean: Bool = false) -> SiteBuilder.Options {
        SiteBuilder.Options(
            content: site.content, templates: FixtureSite.packageRoot + "/templates", output: site.path(output),
            baseURL: "https://combos.example/", clean: clean)
    }

    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return lstat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    static let templates = FixtureSite.packageRoot + "/templates"
    static let build = ["build", "--content", "content", "--templates", templates, "--output", "public", "--base-url", "https://combos.example/"]

    @Test("a build killed while it renders leaves the previous output byte-identical; the next build leaves no staging folder",
          arguments: ["full", "incremental"])
    func killedMidBuild(kind: String) throws {
        let site = try Self.synthetic(combos: 24)
        defer { site.destroy() }
        let first = try Self.run(Self.build, in: site.root)
        #expect(first.status == 0, "\(first.output)")
        let before = Self.tree(site.path("public"))
        #expect(before.count > 100)

        var arguments = Self.build
        let combo = try #require(try FileManager.default.contentsOfDirectory(atPath: site.path("content/combos")).sorted().first)
        let original = site.read("content/combos/" + combo)
        if kind == "full" {
            arguments.append("--clean")
        } else {
            // A change every page of the synthetic catalog shows: each combo's title.
            for file in try FileManager.default.contentsOfDirectory(atPath: site.path("content/combos")) {
                site.replace(in: "content/combos/" + file, "title: ", with: "title: Edited ")
            }
        }
        // Kill it as soon as a rendered page has been staged, beside the output or (as builds
        // once did) inside it.
        let killed = try Self.run(arguments, in: site.root) {
            ((try? FileManager.default.contentsOfDirectory(atPath: site.root)) ?? []).filter { $0.hasPrefix(".public.") }
                .contains { Self.holdsPages(site.path($0)) }
                || ((try? FileManager.default.contentsOfDirectory(atPath: site.path("public"))) ?? []).filter { $0.hasPrefix(".combos-incoming") }
                .contains { Self.holdsPages(site.path("public/" + $0)) }
        }
        #expect(killed.killed, "the build finished before it could be killed: \(killed.output)")
        #expect(Self.tree(site.path("public")) == before, "the killed build changed the output")
        #expect(try !Self.strays(site).isEmpty, "a killed build leaves its staging folder (the next build removes it)")

        if kind == "incremental" {
            for file in try FileManager.default.contentsOfDirectory(atPath: site.path("content/combos")) {
                site.replace(in: "content/combos/" + file, "title: Edited ", with: "title: ")
            }
            #expect(site.read("content/combos/" + combo) == original)
        }
        // The content is what the output was built from: the next build has nothing to do, and still tidies up.
        let next = try Self.run(Self.build, in: site.root)
        #expect(next.status == 0 && next.output.hasPrefix("up to date"), "\(next.output)")
        #expect(try Self.strays(site, settling: true) == [])
        #expect(Self.tree(site.path("public")) == before)

        // And a build with something to do after a killed one leaves nothing either.
        site.replace(in: "content/combos/" + combo, "title: ", with: "title: Renamed ")
        let killedAgain = try Self.run(Self.build, in: site.root) {
            ((try? FileManager.default.contentsOfDirectory(atPath: site.root)) ?? []).contains { $0.hasPrefix(".public.") }
        }
        #expect(killedAgain.killed || killedAgain.status == 0)
        // Watched while it runs, as a web server serving the folder would see it: always whole.
        var looks = 0
        var broken: [String] = []
        let last = try Self.run(Self.build, in: site.root) {
            looks += 1
            for file in [OutputWriter.marker, BuildManifest.fileName, "index.html", "hardware-combos/index.html"]
            where FileManager.default.contents(atPath: site.path("public/" + file))?.isEmpty ?? true {
                broken.append(file)
            }
            return false
        }
        #expect(last.status == 0, "\(last.output)")
        #expect(looks > 0 && broken.isEmpty, "\(looks) looks, missing: \(broken)")
        #expect(try Self.strays(site, settling: true) == [])
        #expect(!Self.tree(site.path("public")).keys.contains { $0.split(separator: "/").contains { $0.hasPrefix(".combos-incoming") } })
    }

    @Test("combos build swaps a whole new output in and leaves the old one and the spare to a process of their own: their names are free at once, nothing is left after, and the build's own output is not held open")
    func oldOutputRemovedInBackground() throws {
        let site = try Self.synthetic(combos: 12)
        defer { site.destroy() }
        #expect(try Self.run(Self.build, in: site.root).status == 0)
        // An update, so that a spare sits beside the output.
        let combo = try #require(try FileManager.default.contentsOfDirectory(atPath: site.path("content/combos")).sorted().first)
        site.replace(in: "content/combos/" + combo, "title: ", with: "title: Edited ")
        #expect(try Self.run(Self.build, in: site.root).status == 0)
        #expect(FileManager.default.fileExists(atPath: site.path(".public.spare/index.html")))
        // A folder a whole build does not write, in the old output.
        let padding = site.path("public/zz-padding")
        try FileManager.default.createDirectory(atPath: padding, withIntermediateDirectories: true)
        for index in 0..<100 { FileManager.default.createFile(atPath: padding + "/\(index)", contents: nil) }
        let oldFolder = Self.inode(site.path("public"))

        // Its standard output a pipe, read to the end: the end comes when the build exits, not
        // when the removal does (the removal's process does not hold the pipe).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.combos)
        process.arguments = Self.build + ["--clean"]
        process.currentDirectoryURL = URL(fileURLWithPath: site.root)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")

        // The new output is in place and the spare's name is free; the old folders go.
        #expect(Self.inode(site.path("public")) != oldFolder)
        #expect(!FileManager.default.fileExists(atPath: padding))
        #expect(!FileManager.default.fileExists(atPath: site.path(".public.spare")))
        // Then they go, and the output is what a clean build in this process writes.
        #expect(try Self.strays(site, settling: true) == [])
        _ = try SiteBuilder.build(Self.options(site, output: "clean", clean: true))
        var expected = Self.tree(site.path("clean"))
        var built = Self.tree(site.path("public"))
        // The manifests differ only by the binary that wrote them (this test process, and `combos`).
        expected[BuildManifest.fileName] = nil
        built[BuildManifest.fileName] = nil
        #expect(built == expected)
    }

    @Test("the process that deletes an old output is a process of its own: in its own process group, reading and writing /dev/null (no pipe of the build's held open), and it deletes every path it is given")
    func backgroundRemoval() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        // Thousands of files (tens of milliseconds of work): stopped at once, microseconds after
        // it starts, the process has not finished with them. Not more: this test holds one of the
        // test run's few threads while it makes them.
        let folders = ["one", "two"].map { site.path(".public.old-test-\($0)") }
        for folder in folders {
            try FileManager.default.createDirectory(atPath: folder + "/nested", withIntermediateDirectories: true)
            for index in 0..<3_000 { FileManager.default.createFile(atPath: folder + "/nested/\(index)", contents: nil) }
        }
        let process = try #require(OutputWriter.removeInBackground(folders.map { URL(fileURLWithPath: $0) }))
        kill(process, SIGSTOP)
        #expect(process != getpid())
        #expect(getpgid(process) == process, "not in a process group of its own: Ctrl-C for the next command would stop it")
        #if os(Linux)
        for descriptor in 0...2 {
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process)/fd/\(descriptor)")
            #expect(target == "/dev/null", "descriptor \(descriptor) is \(target ?? "closed")")
        }
        #endif
        kill(process, SIGCONT)
        var status: Int32 = 0
        #expect(waitpid(process, &status, 0) == process)
        #expect(status == 0, "rm exited with status \(status)")
        for folder in folders { #expect(!FileManager.default.fileExists(atPath: folder)) }
    }

    @Test("an incremental build swaps the output whole: the old folder is never changed, the new one appears in one step")
    func incrementalSwapsWhole() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let options = Self.options(site)
        _ = try SiteBuilder.build(options)
        let oldOutput = Self.tree(site.path("public"))
        // A reader holding a page of the old output (as a deploy tool or a server would), by another name.
        let held = site.path("held")
        #expect(link(site.path("public/hardware-combos/gpu-box/index.html"), held) == 0)
        let oldPage = site.read("held")
        var before = stat()
        #expect(stat(site.path("public"), &before) == 0)

        site.replace(in: "content/combos/gpu-box.md", "A loud, fast box.", with: "A loud, fast box, edited.")
        let report = try SiteBuilder.build(options)
        #expect(report.incremental && report.written > 0 && report.written < report.files)
        var after = stat()
        #expect(stat(site.path("public"), &after) == 0)
        #expect(before.st_ino != after.st_ino, "the output folder was changed in place, not swapped in")
        #expect(site.read("held") == oldPage, "a file of the old output was written to")
        #expect(site.read("public/hardware-combos/gpu-box/index.html").contains("A loud, fast box, edited."))
        // The old output is kept beside the new one as the spare, whole and as it was; nothing else is left.
        #expect(Self.tree(site.path(".public.spare")) == oldOutput)
        #expect(Self.inode(site.path(".public.spare")) == UInt64(before.st_ino))
        #expect(try Self.strays(site) == [])
        // And the result is what a clean build writes.
        let clean = Self.options(site, output: "clean", clean: true)
        _ = try SiteBuilder.build(clean)
        #expect(Self.tree(site.path("public")) == Self.tree(site.path("clean")))

        // The next update makes its copy from the spare (the folder swapped in is the spare's),
        // and the output it replaces becomes the spare in turn.
        let firstUpdate = Self.tree(site.path("public"))
        let spareFolder = Self.inode(site.path(".public.spare"))
        let firstUpdateFolder = Self.inode(site.path("public"))
        site.replace(in: "content/combos/gpu-box.md", "A loud, fast box, edited.", with: "A loud, fast box, edited twice.")
        #expect(try SiteBuilder.build(options).incremental)
        #expect(Self.inode(site.path("public")) == spareFolder)
        #expect(Self.inode(site.path(".public.spare")) == firstUpdateFolder)
        #expect(Self.tree(site.path(".public.spare")) == firstUpdate)
        #expect(site.read("held") == oldPage, "a file of the old output was written to")
        _ = try SiteBuilder.build(clean)
        #expect(Self.tree(site.path("public")) == Self.tree(site.path("clean")))
        #expect(try Self.strays(site) == [])
    }

    @Test("a spare that no longer matches the output is mended, never written through; a whole build removes it",
          arguments: ["extra file", "changed file", "folder for a file", "file for a folder", "missing folder", "not a folder"])
    func spareMended(tampering: String) throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let options = Self.options(site)
        _ = try SiteBuilder.build(options)
        site.replace(in: "content/combos/gpu-box.md", "A loud, fast box.", with: "A loud, fast box, edited.")
        _ = try SiteBuilder.build(options)
        #expect(FileManager.default.fileExists(atPath: site.path(".public.spare/index.html")))
        switch tampering {
        case "extra file": site.write(".public.spare/hardware-combos/stray/index.html", "<p>stray")
        case "changed file":
            site.remove(".public.spare/index.html")
            site.write(".public.spare/index.html", "<p>stale")
        case "folder for a file":
            site.remove(".public.spare/404.html")
            site.write(".public.spare/404.html/index.html", "<p>in the way")
        case "file for a folder":
            site.remove(".public.spare/machines")
            site.write(".public.spare/machines", "a file")
        case "missing folder": site.remove(".public.spare/hardware-combos")
        default:
            site.remove(".public.spare")
            site.write(".public.spare", "a file")
        }
        // Readers holding every file of the live output: none of them may change.
        let live = Self.tree(site.path("public"))
        let held = site.path("held")
        for (path, data) in live where data != nil {
            try FileManager.default.createDirectory(atPath: held + "/" + (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(link(site.path("public/" + path), held + "/" + path) == 0)
        }
        site.replace(in: "content/combos/gpu-box.md", "A loud, fast box, edited.", with: "A loud, fast box, edited twice.")
        #expect(try SiteBuilder.build(options).incremental)
        #expect(Self.tree(held).filter { $0.value != nil } == live.filter { $0.value != nil }, "a file of the live output was written to")
        #expect(Self.tree(site.path(".public.spare")) == live)
        let clean = Self.options(site, output: "clean", clean: true)
        _ = try SiteBuilder.build(clean)
        #expect(Self.tree(site.path("public")) == Self.tree(site.path("clean")))
        #expect(try Self.strays(site) == [])

        // A whole build shares no file with the spare: it goes with the old output.
        _ = try SiteBuilder.build(Self.options(site, clean: true))
        #expect(!FileManager.default.fileExists(atPath: site.path(".public.spare")))
        #expect(Self.tree(site.path("public")) == Self.tree(site.path("clean")))
    }

    @Test("the same input gives byte-identical output, from two processes and into the same folder again; the manifest included; the environment does not change it")
    func deterministic() throws {
        // Two processes (different ids, threads scheduled differently), different folders, then
        // the same folder rebuilt from scratch: every file, the manifest and the marker included.
        // The manifest holds no time or path: its fingerprint is of the options and the binary.
        let site = try Self.synthetic(combos: 12)
        defer { site.destroy() }
        // The second process has Yams's encoding variable set, which the YAML parser must not read:
        // with it, Yams would print a line for every file and parse each through UTF-16.
        for (output, environment) in [("one", [:]), ("two", ["YAMS_DEFAULT_ENCODING": "UTF16"])] {
            let run = try Self.run(["build", "--content", "content", "--templates", Self.templates, "--output", output], in: site.root,
                                   environment: environment)
            #expect(run.status == 0, "\(run.output)")
            #expect(!run.output.contains("YAMS_DEFAULT_ENCODING"), "\(run.output)")
        }
        let one = Self.tree(site.path("one"))
        #expect(one.count > 100 && one[BuildManifest.fileName] != nil && one[OutputWriter.marker] != nil)
        #expect(one == Self.tree(site.path("two")))
        let again = try Self.run(["build", "--content", "content", "--templates", Self.templates, "--output", "one", "--clean"], in: site.root)
        #expect(again.status == 0, "\(again.output)")
        #expect(Self.tree(site.path("one")) == one)
        // The hostile fixture too: escaping and data export are as deterministic as the rest.
        let hostile = FixtureSite(copying: HostileSite.fixture)
        defer { hostile.destroy() }
        for output in ["one", "two"] {
            let run = try Self.run(["build", "--content", "content", "--templates", FixtureSite.packageRoot + "/templates", "--output", output],
                                   in: hostile.root)
            #expect(run.status == 0, "\(run.output)")
        }
        #expect(Self.tree(hostile.path("one")) == Self.tree(hostile.path("two")))
    }

    @Test("--output refuses a folder that is not a previous build's, says why, and deletes nothing",
          arguments: ["files", "hidden", "nested", "site-root", "file"])
    func refusesForeignOutput(kind: String) throws {
        let site = FixtureSite()
        defer { site.destroy() }
        var output = "public"
        switch kind {
        case "files": site.write("public/notes.txt", "precious")
        case "hidden": site.write("public/.git/HEAD", "ref: refs/heads/main\n")
        case "nested": site.write("public/drafts/2026/post.md", "precious")
        case "site-root": output = "."  // the folder holding content/: a user's project
        default: site.write("public", "a file, not a folder")
        }
        let before = Self.tree(site.root)
        let run = try Self.run(["build", "--content", "content", "--templates", FixtureSite.packageRoot + "/templates", "--output", output],
                               in: site.root)
        #expect(run.status == 1)
        if kind == "file" {
            #expect(run.output.contains("error: the output path is a file, not a folder; choose another --output"), "\(run.output)")
        } else {
            #expect(run.output.contains(
                "error: refusing to replace this folder: it is not empty and was not written by combos build (it has no .combos-build file); choose another --output or empty it"),
                "\(run.output)")
        }
        #expect(run.output.contains("build failed;"), "\(run.output)")
        #expect(Self.tree(site.root) == before, "something was written or deleted")
    }

    @Test("an old manifest naming files outside the output cannot make a build delete them")
    func manifestCannotReachOut() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let options = Self.options(site)
        _ = try SiteBuilder.build(options)
        site.write("precious.txt", "keep me")
        // A manifest edited (or corrupted) to list a file outside the output as one it wrote.
        let manifest = site.read("public/" + BuildManifest.fileName)
        let line = try #require(manifest.split(separator: "\n").first { $0.hasPrefix("file ") && $0.contains("404.html") })
        site.write("public/" + BuildManifest.fileName, manifest.replacingOccurrences(of: String(line), with: String(line) + "\n" + line.replacingOccurrences(of: "404.html", with: "../precious.txt")))
        site.replace(in: "content/combos/gpu-box.md", "A loud, fast box.", with: "A loud, fast box, edited.")
        _ = try SiteBuilder.build(options)
        #expect(FileManager.default.contents(atPath: site.path("precious.txt")) == Data("keep me".utf8), "a file outside the output was deleted")
    }

    @Test("a page is written into folders made on demand, and a file that cannot be written says why")
    func writingFiles() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        // Folders above a page are made by whichever writer needs them first.
        try FileWrite.write(Data("<p>deep</p>".utf8), to: site.path("out/a/b/c/index.html"), makingFolders: true)
        #expect(site.read("out/a/b/c/index.html") == "<p>deep</p>")
        // Written again: replaced, not appended to.
        try FileWrite.write(Data("<p>x</p>".utf8), to: site.path("out/a/b/c/index.html"))
        #expect(site.read("out/a/b/c/index.html") == "<p>x</p>")
        // Without `makingFolders`, a missing folder is an error, as is a file where a folder should be.
        #expect(throws: FileWrite.Failure.self) { try FileWrite.write(Data(), to: site.path("out/missing/index.html")) }
        site.write("out/blocker", "a file")
        do {
            try FileWrite.write(Data("x".utf8), to: site.path("out/blocker/index.html"), makingFolders: true)
            Issue.record("writing under a file succeeded")
        } catch {
            #expect(error.localizedDescription == "Not a directory")
        }
        #expect(throws: FileWrite.Failure.self) { try FileWrite.makeFolder(site.path("out/blocker/sub")) }
    }
}
