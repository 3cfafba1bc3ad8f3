import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site

/// `combos build` a second time: nothing when nothing changed, only what an edit touched
/// otherwise, and always the same bytes a clean build would write.
@Suite("Building a site again")
struct IncrementalBuildTests {
    /// A fixture site with its own copy of the templates, so a test can edit them.
    func makeSite() throws -> FixtureSite {
        let site = FixtureSite()
        try FileManager.default.copyItem(atPath: FixtureSite.packageRoot + "/templates", toPath: site.path("templates"))
        return site
    }

    func options(_ site: FixtureSite, output: String = "public", clean: Bool = false) -> SiteBuilder.Options {
        SiteBuilder.Options(
            content: site.content, templates: site.path("templates"), output: site.path(output),
            baseURL: "https://combos.example/", clean: clean)
    }

    /// Every file under a folder with its bytes, the manifest too: an updated manifest must
    /// equal the one a clean build writes.
    func snapshot(_ folder: String) -> [String: Data] {
        FixtureSite.files(under: folder)
    }

    /// The folders under an output, to see that a removed page leaves no empty folder behind.
    func folders(_ folder: String) -> Set<String> {
        var folders: Set<String> = []
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory)
            if isDirectory.boolValue { folders.insert(relative) }
        }
        return folders
    }

    /// The incremental output equals a clean build of the same inputs, file for file.
    func expectSameAsClean(_ site: FixtureSite, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        _ = try SiteBuilder.build(options(site, output: "clean", clean: true))
        let incremental = snapshot(site.path("public"))
        let clean = snapshot(site.path("clean"))
        #expect(Set(incremental.keys) == Set(clean.keys), sourceLocation: sourceLocation)
        for (path, data) in clean where incremental[path] != data {
            Issue.record("\(path) differs from a clean build", sourceLocation: sourceLocation)
        }
        #expect(folders(site.path("public")) == folders(site.path("clean")), sourceLocation: sourceLocation)
    }

    /// A whole build of the site, and the manifest it wrote.
    func builtManifest(_ site: FixtureSite) throws -> Data {
        _ = try SiteBuilder.build(options(site))
        return try #require(FileManager.default.contents(atPath: site.path("public/" + BuildManifest.fileName)))
    }

    func htmlWritten(_ report: SiteBuilder.Report) -> [String] {
        report.writtenPaths.filter { $0.hasSuffix(".html") }.sorted()
    }

    @Test("a second build with nothing changed writes nothing and says it is up to date")
    func noChange() throws {
        let site = try makeSite()
        defer { site.destroy() }
        let first = try SiteBuilder.build(options(site))
        #expect(!first.incremental && first.written == first.files && first.files > first.pages)
        #expect(first.configurations == 2 && first.configurationsWorkedOut == 2, "a whole build works out every configuration")
        #expect(first.phases.first?.name == "hash inputs")
        let before = snapshot(site.path("public"))
        #expect(before[".combos-build-manifest"] != nil)
        let second = try SiteBuilder.build(options(site))
        #expect(second.upToDate)
        #expect(second.written == 0 && second.pages == first.pages && second.files == first.files)
        #expect(second.phases.map(\.name) == ["hash inputs"], "it stops before reading the catalog")
        #expect(snapshot(site.path("public")) == before)
    }

    /// Writes `text` over the file's bytes in place (same inode, as an editor saving in place
    /// does), then sets its write time: the stamp a build sees is then the one the test chose.
    func overwrite(_ path: String, _ text: String, modified: timespec) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        var times = [modified, modified]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }

    func modified(_ path: String) throws -> timespec {
        var info = stat()
        #expect(stat(path, &info) == 0)
        return info.st_mtim
    }

    /// The stamps the last build kept beside the output, or nil when there are none it would read.
    func keptStamps(_ site: FixtureSite) -> InputStamps? {
        FileManager.default.contents(atPath: site.path(".public.stamps")).flatMap { InputStamps($0, fingerprint: InputStamps.fingerprint()) }
    }

    @Test("an input whose stamp had settled when it was read is not read again while its stamp stays; one read just after a write is")
    func inputStamps() throws {
        let site = try makeSite()
        defer { site.destroy() }
        let combo = site.path("content/combos/gpu-box.md")
        let key = "content/combos/gpu-box.md"
        // Every input last written an hour ago, so settled when the first build reads it.
        let hourAgo = timespec(tv_sec: Int(Date().timeIntervalSince1970) - 3600, tv_nsec: 0)
        for folder in [site.content, site.path("templates")] {
            for relative in FixtureSite.files(under: folder).keys {
                var times = [hourAgo, hourAgo]
                #expect(utimensat(AT_FDCWD, folder + "/" + relative, &times, 0) == 0)
            }
        }
        let manifest = try #require(BuildManifest.parse(try builtManifest(site)))
        // Beside the output, not in it: the output and its manifest are the same bytes wherever they are built.
        #expect(!FileManager.default.fileExists(atPath: site.path("public/.public.stamps")))
        let first = try #require(keptStamps(site))
        #expect(manifest.inputs.count > 20 && first.entries.count == manifest.inputs.count)
        #expect(first.entries.allSatisfy { manifest.inputs[$0.key] == $0.value.hash })
        #expect(first.entries[key] != nil && first.entries.keys.contains { $0.hasPrefix("templates/") })

        // Same size, same write time, same file: the build takes it as unchanged without
        // reading it, as `git status` does (a new write time is what says it changed).
        let text = site.read("content/combos/gpu-box.md")
        let edited = text.replacingOccurrences(of: "title: Four-GPU box", with: "title: Four-GPU bux")
        try overwrite(combo, edited, modified: hourAgo)
        #expect(try SiteBuilder.build(options(site)).upToDate)

        // A new write time: read, and the page that shows the title written again.
        try overwrite(combo, edited, modified: timespec(tv_sec: Int(Date().timeIntervalSince1970), tv_nsec: 0))
        let rebuilt = try SiteBuilder.build(options(site))
        #expect(!rebuilt.upToDate && htmlWritten(rebuilt).contains("hardware-combos/gpu-box/index.html"))
        // Read within `FileStamp.settleSeconds` of its write, its stamp is not kept: a second
        // write in the same tick with the same size leaves the same stamp, and must not be missed.
        let second = try #require(keptStamps(site))
        #expect(second.entries[key] == nil && second.entries.count == first.entries.count - 1)
        try overwrite(combo, text, modified: try modified(combo))
        let restored = try SiteBuilder.build(options(site))
        #expect(!restored.upToDate, "the file with no kept stamp is read again")
        #expect(htmlWritten(restored).contains("hardware-combos/gpu-box/index.html"))
        try expectSameAsClean(site)

        // A build with nothing to do keeps a stamp that settled since (the file dated back, its bytes the same).
        var times = [hourAgo, hourAgo]
        #expect(utimensat(AT_FDCWD, combo, &times, 0) == 0)
        #expect(try SiteBuilder.build(options(site)).upToDate)
        #expect(keptStamps(site)?.entries[key]?.hash == manifest.inputs[key])
        #expect(keptStamps(site)?.entries.count == first.entries.count)

        // A damaged file is not read (every input is read to hash it), and is written again whole.
        for damage in ["combos-input-stamps 1 0\n", "garbage", String(decoding: first.encoded(fingerprint: InputStamps.fingerprint()).dropLast(7), as: UTF8.self)] {
            site.write(".public.stamps", damage)
            #expect(keptStamps(site) == nil, "\(damage.prefix(40))")
            #expect(try SiteBuilder.build(options(site)).upToDate)
            #expect(keptStamps(site)?.entries.count == first.entries.count)
        }
    }

    @Test("the manifest reads back as it was written; a page line naming an id set or page it lacks makes it unreadable")
    func manifestRoundTrip() throws {
        let site = try makeSite()
        defer { site.destroy() }
        let data = try builtManifest(site)
        let manifest = try #require(BuildManifest.parse(data))
        #expect(manifest.pages.count > 10)
        #expect(manifest.pages.values.contains { !$0.targets.isEmpty && $0.dependencyDigest != 0 })
        // Link targets read back as the pages they name (kept as numbers until asked for).
        let (path, linking) = try #require(manifest.pages.first { $0.value.targets.paths.count > 1 })
        let target = try #require(linking.targets.paths.sorted().first)
        #expect(manifest.pages[target] != nil && target != path)
        #expect(!linking.targets.isDisjoint(with: [target, "no/such/page.html"]))
        #expect(linking.targets.isDisjoint(with: [path, "no/such/page.html"]) == !linking.targets.paths.contains(path))
        #expect(linking.targets == BuildManifest.PageTargets(linking.targets.paths))
        #expect(linking.targets != BuildManifest.PageTargets(linking.targets.paths.subtracting([target])))
        // Each page's line carries the digest of its dependencies, as planning gives it.
        let specs = SitePages.all(site.load().catalog, templates: try TemplateSet.load(from: FixtureSite.packageRoot + "/templates").get(),
                                  fits: SiteFits(site.load().catalog))
        #expect(specs.count == manifest.pages.count)
        #expect(specs.allSatisfy { manifest.pages[$0.path.outputFile]?.dependencyDigest == $0.dependencyDigest })
        // Every shown record's "See also" block, as the build worked it out.
        let catalog = site.load().catalog
        #expect(manifest.related == RelatedRecords(catalog).blocks)
        #expect(manifest.related[.init(kind: .combo, id: "gpu-box")]?.isEmpty == false)
        #expect(manifest.serialized() == data, "written again, it is the same bytes")
        #expect(BuildManifest.parse(manifest.serialized()) == manifest)
        let text = String(decoding: data, as: UTF8.self)
        let first = try #require(text.range(of: "\npage "))
        for bad in ["page x\tnot-hex\t0\t\t", "page x\t0\t0\t999999\t", "page x\t0\t0\t1 -2\t", "page x\t0\t0\t1  2\t", "page x\t0\t999999\t\t", "page x\t0", "page x\t0\t0\t",
                    "related combo:x\t999999", "related nonsense:x\t", "related combo:x"] {
            let damaged = text.replacingCharacters(in: first, with: "\n" + bad + "\npage ")
            #expect(BuildManifest.parse(Data(damaged.utf8)) == nil, "\(bad)")
        }
    }

    @Test("a manifest writes the lines of carried pages as it read them, only while id sets and pages are numbered the same")
    func carriedLines() throws {
        let site = try makeSite()
        defer { site.destroy() }
        let data = try builtManifest(site)
        let text = String(decoding: data, as: UTF8.self)
        // A page line with its link targets written backwards: it reads as the same page, and
        // its text tells a line written as it was read from one numbered afresh.
        let line = try #require(text.split(separator: "\n").first {
            $0.hasPrefix("page ") && $0.split(separator: "\t", omittingEmptySubsequences: false)[3].split(separator: " ").count > 2
        })
        var fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        let path = String(fields[0].dropFirst("page ".count))
        fields[3] = fields[3].split(separator: " ").reversed().joined(separator: " ")
        let backwards = fields.joined(separator: "\t")
        let previous = try #require(BuildManifest.parse(Data(text.replacingOccurrences(of: String(line), with: backwards).utf8)))
        #expect(previous == BuildManifest.parse(data))
        var next = previous
        next.linesRead = nil
        let all = Set(next.pages.keys)
        // Numbered the same: a carried page's line is written as read; another is numbered afresh.
        #expect(String(decoding: next.serialized(carrying: all, from: previous), as: UTF8.self).contains(backwards))
        #expect(next.serialized(carrying: all.subtracting([path]), from: previous) == data)
        // A page that sorts before every other numbers them all again: no line is written as read.
        next.pages["!first.html"] = next.pages[path]
        let afresh = next.serialized()
        #expect(afresh != data)
        #expect(!String(decoding: afresh, as: UTF8.self).contains(backwards))
        #expect(next.serialized(carrying: all, from: previous) == afresh)
    }

    @Test("editing a combo's prose rewrites only its page")
    func proseEdit() throws {
        let site = try makeSite()
        defer { site.destroy() }
        _ = try SiteBuilder.build(options(site))
        site.replace(in: "content/combos/gpu-box.md", "A loud, fast box.", with: "A loud, fast, hot box.")
        let report = try SiteBuilder.build(options(site))
        #expect(report.incremental)
        #expect(htmlWritten(report) == ["hardware-combos/gpu-box/index.html"])
        #expect(report.rendered < report.pages / 2)
        // Its page shows its own answers; the other combo's are not worked out.
        #expect(report.configurations == 2 && report.configurationsWorkedOut == 1)
        #expect(report.relatedReused, "the references did not change: the last build's See also blocks serve")
        #expect(report.listingFilesKept, "no listing changed: the builder's data and the search index are kept")
        #expect(report.planKept, "only a record's text changed: no page's dependencies did")
        try expectSameAsClean(site)
        // Again, from the manifest the kept plan wrote: the same page, and still a clean build.
        site.replace(in: "content/combos/gpu-box.md", "A loud, fast, hot box.", with: "A loud, hot box.")
        let again = try SiteBuilder.build(options(site))
        #expect(again.planKept)
        #expect(htmlWritten(again) == ["hardware-combos/gpu-box/index.html"])
        try expectSameAsClean(site)
    }

    @Test("an edit to what a record names works out the See also blocks again")
    func referencesEdit() throws {
        let site = try makeSite()
        defer { site.destroy() }
        let first = try SiteBuilder.build(options(site))
        #expect(!first.relatedReused)
        let page = "hardware-combos/gpu-box/index.html"
        func seeAlso() throws -> String {
            let html = try String(contentsOfFile: site.path("public/" + page), encoding: .utf8)
            let start = try #require(html.range(of: "id=\"see-also\""))
            return String(html[start.lowerBound...].prefix(2000))
        }
        #expect(try seeAlso().contains("A fixture guide"), "the guide names the combo")
        // The guide stops naming the combo: its See also block no longer lists the guide.
        site.replace(in: "content/guides/fixture-guide.md", "combos: [mini-cluster, gpu-box]", with: "combos: [mini-cluster]")
        let report = try SiteBuilder.build(options(site))
        #expect(report.incremental && !report.relatedReused)
        #expect(htmlWritten(report).contains(page))
        #expect(try !seeAlso().contains("A fixture guide"))
        try expectSameAsClean(site)
    }

    @Test("editing a combo's title rewrites its page and the pages that list it")
    func titleEdit() throws {
        let site = try makeSite()
        defer { site.destroy() }
        _ = try SiteBuilder.build(options(site))
        site.replace(in: "content/combos/gpu-box.md", "title: Four-GPU box", with: "title: Four-GPU tower")
        let report = try SiteBuilder.build(options(site))
        #expect(report.incremental)
        let written = htmlWritten(report)
        for path in ["hardware-combos/gpu-box/index.html", "hardware-combos/index.html", "hardware-combos/mini-cluster/index.html",
                     "guides/fixture-guide/index.html", "will-it-run/combo/gpu-box/index.html"] {
            #expect(written.contains(path), "\(path) shows the title")
        }
        #expect(!written.contains("methodology/index.html"))
        // A list of cards the combo is not on shows nothing of its title.
        for path in ["hardware-combos/difficulty/advanced/index.html", "hardware-combos/interconnect/thunderbolt-5/index.html"] {
            #expect(!written.contains(path), "\(path) does not list the combo")
        }
        #expect(written.count < report.pages)
        #expect(!report.planKept, "a title is in the combo's listing: the pages are planned again")
        // The search index shows the title: made again, and written.
        #expect(!report.listingFilesKept)
        #expect(report.writtenPaths.contains("search/search-index.js"))
        // The model pages list the combo: they rank the combos by the standings of the last
        // build, kept beside the output, not by working every configuration out.
        #expect(written.contains("models/model-dense/index.html"))
        #expect(report.standingsReadBack == report.configurations)
        try expectSameAsClean(site)
    }

    @Test("the model pages' standings kept beside the output serve an update only for the same fit inputs, and only whole")
    func storedStandings() throws {
        let site = try makeSite()
        defer { site.destroy() }
        let stored = site.path(".public.fits")
        let first = try SiteBuilder.build(options(site))
        #expect(first.standingsReadBack == 0)
        // Beside the output, never inside it (it is not deployed).
        #expect(FileManager.default.fileExists(atPath: stored))
        #expect(!FileManager.default.fileExists(atPath: site.path("public/.public.fits")))
        let written = try Data(contentsOf: URL(fileURLWithPath: stored))

        // A device's memory is what the answers read: the model pages are rendered again, their
        // standings worked out again, and the file written again for the new inputs.
        site.replace(in: "content/devices/gpu-24.yaml", "memory_gb: 24", with: "memory_gb: 32")
        let device = try SiteBuilder.build(options(site))
        #expect(device.standingsReadBack == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: stored)) != written)
        try expectSameAsClean(site)

        site.replace(in: "content/combos/gpu-box.md", "title: Four-GPU box", with: "title: Four-GPU tower")
        #expect(try SiteBuilder.build(options(site)).standingsReadBack == first.configurations)
        try expectSameAsClean(site)

        // A damaged file is not read, and the build writes a whole one again.
        try Data("combos-fit-standings 1 0\nnot standings".utf8).write(to: URL(fileURLWithPath: stored))
        site.replace(in: "content/combos/gpu-box.md", "title: Four-GPU tower", with: "title: Four-GPU box")
        #expect(try SiteBuilder.build(options(site)).standingsReadBack == 0)
        try expectSameAsClean(site)
        site.replace(in: "content/combos/gpu-box.md", "title: Four-GPU box", with: "title: Four-GPU rack")
        #expect(try SiteBuilder.build(options(site)).standingsReadBack == first.configurations)
        try expectSameAsClean(site)
    }

    @Test("a new combo: the lists it joins, and every list's filter counts, are written again")
    func comboAdded() throws {
        let site = try makeSite()
        defer { site.destroy() }
        _ = try SiteBuilder.build(options(site))
        let cluster = try String(contentsOfFile: site.path("content/combos/mini-cluster.md"), encoding: .utf8)
        try cluster.replacingOccurrences(of: "title: Four test minis", with: "title: Five test minis")
            .write(toFile: site.path("content/combos/mini-cluster-2.md"), atomically: true, encoding: .utf8)
        let report = try SiteBuilder.build(options(site))
        let written = htmlWritten(report)
        #expect(written.contains("hardware-combos/interconnect/thunderbolt-5/index.html"), "it lists the new combo")
        // These list only the other combo, but their filter panels count every combo.
        for path in ["hardware-combos/interconnect/in-box/index.html", "hardware-combos/platform/linux-test/index.html"] {
            #expect(written.contains(path), "\(path) counts the new combo")
        }
        try expectSameAsClean(site)
    }

    @Test("deleting a combo removes its pages")
    func deleteCombo() throws {
        let site = try makeSite()
        defer { site.destroy() }
        // A third combo, which nothing else names, so it can go.
        site.write("content/combos/gpu-box-two.md", site.read("content/combos/gpu-box.md")
            .replacingOccurrences(of: "title: Four-GPU box", with: "title: Second GPU box"))
        _ = try SiteBuilder.build(options(site))
        #expect(FileManager.default.fileExists(atPath: site.path("public/hardware-combos/gpu-box-two/index.html")))
        site.remove("content/combos/gpu-box-two.md")
        let report = try SiteBuilder.build(options(site))
        #expect(report.incremental)
        #expect(report.removedPaths.contains("hardware-combos/gpu-box-two/index.html"))
        #expect(report.removedPaths.contains("will-it-run/combo/gpu-box-two/index.html"))
        #expect(!FileManager.default.fileExists(atPath: site.path("public/hardware-combos/gpu-box-two")))
        try expectSameAsClean(site)
    }

    @Test("a content error leaves the output and its manifest untouched")
    func contentError() throws {
        let site = try makeSite()
        defer { site.destroy() }
        _ = try SiteBuilder.build(options(site))
        let before = snapshot(site.path("public"))
        site.replace(in: "content/devices/gpu-24.yaml", "memory_gb: 24", with: "memory_gb: -1")
        #expect(throws: DiagnosticsError.self) { try SiteBuilder.build(options(site)) }
        #expect(snapshot(site.path("public")) == before)
        site.replace(in: "content/devices/gpu-24.yaml", "memory_gb: -1", with: "memory_gb: 24")
        #expect(try SiteBuilder.build(options(site)).upToDate)
    }

    @Test("an update reads unchanged record files back from the cache beside the output; a damaged cache is parsed around")
    func recordCache() throws {
        let site = try makeSite()
        defer { site.destroy() }
        let cache = site.path(".public.records")
        let first = try SiteBuilder.build(options(site))
        #expect(first.recordFiles == 15 && first.recordsReused == 0)
        // Beside the output, never inside it (it is not deployed).
        #expect(FileManager.default.fileExists(atPath: cache))
        #expect(!FileManager.default.fileExists(atPath: site.path("public/.public.records")))

        site.replace(in: "content/combos/gpu-box.md", "A loud, fast box.", with: "A loud, fast, hot box.")
        let update = try SiteBuilder.build(options(site))
        #expect(update.incremental && update.recordsReused == 14)
        try expectSameAsClean(site)

        // A cache damaged in any way is not read, and the build writes a whole one again.
        try Data("combos-records\nnot a cache".utf8).write(to: URL(fileURLWithPath: cache))
        site.replace(in: "content/combos/gpu-box.md", "A loud, fast, hot box.", with: "A loud box.")
        let damaged = try SiteBuilder.build(options(site))
        #expect(damaged.incremental && damaged.recordsReused == 0)
        try expectSameAsClean(site)
        site.replace(in: "content/combos/gpu-box.md", "A loud box.", with: "A box.")
        #expect(try SiteBuilder.build(options(site)).recordsReused == 14)

        // --clean parses everything.
        #expect(try SiteBuilder.build(options(site, clean: true)).recordsReused == 0)
    }

    @Test("a template change rebuilds everything")
    func templateChange() throws {
        let site = try makeSite()
        defer { site.destroy() }
        _ = try SiteBuilder.build(options(site))
        site.replace(in: "templates/pages/device.mustache", "{{title}}", with: "{{title}} ")
        let report = try SiteBuilder.build(options(site))
        #expect(!report.incremental && report.rendered == report.pages && report.written == report.files)
        try expectSameAsClean(site)
    }

    @Test("an edit that removes an anchor another page links to fails the build and leaves the output as it was")
    func brokenAnchor() throws {
        let site = try makeSite()
        defer { site.destroy() }
        site.replace(in: "content/combos/gpu-box.md", "A loud, fast box.", with: "A loud, fast box. See [the split](/guides/fixture-guide/#tensor-parallel).")
        _ = try SiteBuilder.build(options(site))
        let before = snapshot(site.path("public"))
        site.replace(in: "content/guides/fixture-guide.md", "## Tensor parallel", with: "## Tensor split")
        site.replace(in: "content/guides/fixture-guide.md", "(#tensor-parallel)", with: "(#tensor-split)")
        #expect {
            try SiteBuilder.build(options(site))
        } throws: { error in
            let headlines = site.headlines((error as! DiagnosticsError).diagnostics)
            return headlines.count == 1 && headlines[0].hasPrefix("content/combos/gpu-box.md:")
                && headlines[0].contains("has no element with id \"tensor-parallel\"")
        }
        #expect(snapshot(site.path("public")) == before)
    }

    @Test("an update killed half-way leaves no manifest, so the next build writes everything")
    func interruptedUpdate() throws {
        let site = try makeSite()
        defer { site.destroy() }
        _ = try SiteBuilder.build(options(site))
        // What a build killed between its first rename and its manifest leaves: new pages, no manifest.
        site.remove("public/.combos-build-manifest")
        site.write("public/hardware-combos/gpu-box/index.html", "<p>half")
        site.write("public/.combos-incoming-999/x", "<p>")
        let report = try SiteBuilder.build(options(site))
        #expect(!report.incremental && report.written == report.files)
        try expectSameAsClean(site)
    }
}
