import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site

/// `combos serve` keeps the site in memory and rebuilds only what an edit touches. Whatever it
/// skips, the result must be the site a full build makes of the same files.
@Suite("Rebuilding after an edit")
struct LiveSiteTests {
    /// The shipped content and templates in a temporary folder, to edit.
    final class Workspace {
        let root: String
        init() {
            root = TestScratch.path("combos-live")
            try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            for folder in ["content", "templates"] {
                try! FileManager.default.copyItem(atPath: FixtureSite.packageRoot + "/" + folder, toPath: root + "/" + folder)
            }
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }

        var options: SiteBuilder.Options {
            SiteBuilder.Options(content: root + "/content", templates: root + "/templates", output: root + "/public", baseURL: "https://combos.example/")
        }

        func replace(_ relative: String, _ old: String, with new: String) {
            let path = root + "/" + relative
            let text = try! String(contentsOfFile: path, encoding: .utf8)
            precondition(text.contains(old), "\(relative) does not contain \(old)")
            try! text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
        }

        /// What a full build writes, file by file.
        func fullBuild() throws -> [String: Data] {
            let output = root + "/full-\(UUID().uuidString)"
            var options = self.options
            options.output = output
            _ = try SiteBuilder.build(options)
            defer { try? FileManager.default.removeItem(atPath: output) }
            var files: [String: Data] = [:]
            let enumerator = FileManager.default.enumerator(atPath: output)
            while let relative = enumerator?.nextObject() as? String {
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: output + "/" + relative, isDirectory: &isDirectory)
                if !isDirectory.boolValue, !relative.hasPrefix(".combos-build") { files[relative] = FileManager.default.contents(atPath: output + "/" + relative) }
            }
            return files
        }
    }

    func expectSame(_ live: [String: Data], _ full: [String: Data], _ comment: String) {
        #expect(Set(live.keys) == Set(full.keys), "\(comment): different files")
        let different = full.keys.filter { live[$0] != full[$0] }.sorted()
        #expect(different.isEmpty, "\(comment): \(different.prefix(5)) differ from a full build")
    }

    @Test("an edit to a combo's failure modes renders the pages that quote it, and the site equals a full build")
    func editorialEdit() throws {
        let workspace = Workspace()
        let site = LiveSite(workspace.options)
        let first = try site.rebuild().get()
        #expect(first.rendered == first.total)
        workspace.replace("content/combos/quad-mac-mini-m4-pro-exo.md", "A node disappears from RDMA placements", with: "A mini drops out of RDMA placements")
        let report = try site.rebuild().get()
        // The combo page, the tool pages (they quote every combo's verdicts) and the benchmarks
        // page (it lists the combos' benchmark targets); not the will-it-run page, the model pages
        // or the builder, which show no editorial text.
        let catalog = CatalogLoader.load(from: workspace.root + "/content").catalog
        let expected = ["hardware-combos/quad-mac-mini-m4-pro-exo/index.html", "benchmarks/index.html"]
            + catalog.runtimes.map { "tools/\($0.id)/index.html" }
        #expect(report.renderedPaths == expected.sorted())
        expectSame(site.files, try workspace.fullBuild(), "after editing failure modes")

        // A stack's body: the page plan is kept (no dependency changed), and the stack's page is
        // the one page that shows it.
        workspace.replace("content/stacks/multi-machine-apple-cluster.md", "used to be a party trick", with: "was a party trick")
        let stack = try site.rebuild().get()
        #expect(stack.renderedPaths == ["stacks/multi-machine-apple-cluster/index.html"])
        expectSame(site.files, try workspace.fullBuild(), "after editing a stack's body")

        // The filter values, kept through that edit, are worked out again when one changes.
        workspace.replace("content/combos/quad-mac-mini-m4-pro-exo.md", "difficulty: advanced", with: "difficulty: beginner")
        let moved = try site.rebuild().get()
        #expect(moved.renderedPaths.contains("hardware-combos/difficulty/beginner/index.html"))
        expectSame(site.files, try workspace.fullBuild(), "after a difficulty edit that followed a text edit")
    }

    @Test("the first rebuild reads the record files a build left in its cache back from it, and makes the same site")
    func recordCache() throws {
        let workspace = Workspace()
        _ = try SiteBuilder.build(workspace.options)
        workspace.replace("content/combos/quad-mac-mini-m4-pro-exo.md", "A node disappears from RDMA placements", with: "A mini drops out of RDMA placements")
        let site = LiveSite(workspace.options)
        let first = try site.rebuild().get()
        // Every record file but the edited one; its own cache is in memory from then on.
        let records = ["devices", "machines", "platforms", "runtimes", "models", "combos", "guides", "stacks", "benchmarks"]
            .map { (try? FileManager.default.contentsOfDirectory(atPath: workspace.root + "/content/" + $0).count) ?? 0 }
            .reduce(0, +)
        #expect(first.recordsReused == records - 1)
        expectSame(site.files, try workspace.fullBuild(), "after reading the record cache")
        workspace.replace("content/combos/quad-mac-mini-m4-pro-exo.md", "A mini drops out of RDMA placements", with: "A mini drops out")
        #expect(try site.rebuild().get().recordsReused == 0)
    }

    @Test("a title edit renders the pages that show the title; a hardware edit the fit answers too; both equal a full build")
    func titleAndHardwareEdits() throws {
        let workspace = Workspace()
        let site = LiveSite(workspace.options)
        _ = try site.rebuild().get()
        workspace.replace("content/combos/quad-rtx-3090.md", "title: \"4x RTX 3090 workstation", with: "title: \"Four RTX 3090 workstation")
        let title = try site.rebuild().get()
        #expect(title.rendered > 2 && title.rendered < title.total)
        expectSame(site.files, try workspace.fullBuild(), "after a title edit")

        workspace.replace("content/combos/quad-mac-mini-m4-pro-exo.md", "gbit_s: 80", with: "gbit_s: 40")
        let link = try site.rebuild().get()
        #expect(link.rendered > 2 && link.rendered < link.total)
        expectSame(site.files, try workspace.fullBuild(), "after a link edit")

        workspace.replace("content/devices/rtx-3090.yaml", "bandwidth_gb_s: 936", with: "bandwidth_gb_s: 900")
        _ = try site.rebuild().get()
        expectSame(site.files, try workspace.fullBuild(), "after a device edit")

        // What names what: the "See also" ranking, kept between edits that leave it alone, is
        // worked out again.
        workspace.replace("content/combos/quad-rtx-3090.md", "alternatives: [mac-studio-m3-ultra-256gb, quad-mac-mini-m4-pro-exo, dual-rtx-3090]",
                          with: "alternatives: [mac-studio-m3-ultra-256gb, dual-rtx-3090, rtx-4090-single]")
        _ = try site.rebuild().get()
        expectSame(site.files, try workspace.fullBuild(), "after an alternatives edit")

        // A filter value: the combo moves between lists, and every list's counts change.
        workspace.replace("content/combos/quad-rtx-3090.md", "difficulty: advanced", with: "difficulty: beginner")
        _ = try site.rebuild().get()
        expectSame(site.files, try workspace.fullBuild(), "after a difficulty edit")
    }

    @Test("a file unchanged since well before it was read is not read again; an edited one is, while its write is recent")
    func unchangedFilesAreNotRead() throws {
        let workspace = Workspace()
        let content = workspace.root + "/content"
        var paths: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: content)
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".md") || relative.hasSuffix(".yaml") { paths.append(content + "/" + relative) }
        }
        let anHourAgo = Date(timeIntervalSinceNow: -3600)
        for path in paths { try FileManager.default.setAttributes([.modificationDate: anHourAgo], ofItemAtPath: path) }
        let site = LiveSite(workspace.options)
        #expect(try site.rebuild().get().filesRead == paths.count)
        let again = try site.rebuild().get()
        #expect(again.filesRead == 0)
        #expect(again.rendered == 0)

        workspace.replace("content/combos/quad-mac-mini-m4-pro-exo.md", "A node disappears from RDMA placements", with: "A mini drops out of RDMA placements")
        // Written "a moment ago" for as long as the test runs, however long a busy machine
        // makes it wait between the rebuilds (a write time in the future is never settled).
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: 600)], ofItemAtPath: workspace.root + "/content/combos/quad-mac-mini-m4-pro-exo.md")
        let edited = try site.rebuild().get()
        #expect(edited.filesRead == 1)
        #expect(edited.renderedPaths.contains("hardware-combos/quad-mac-mini-m4-pro-exo/index.html"))
        // Written a moment ago: a second write within the same tick of the file system's clock
        // could leave the same stamp, so it is read again (and found unchanged).
        let soon = try site.rebuild().get()
        #expect(soon.filesRead == 1)
        #expect(soon.rendered == 0)
        expectSame(site.files, try workspace.fullBuild(), "after reading only the edited file")
    }

    @Test("a rewrite in place that leaves the same size and write time as the last read is still seen")
    func sameStampRewrite() throws {
        let workspace = Workspace()
        let site = LiveSite(workspace.options)
        let path = workspace.root + "/content/combos/quad-mac-mini-m4-pro-exo.md"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Written "just now" (a write time in the future is never settled, however long a busy
        // machine makes the test wait), however the copy kept its time.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 600)], ofItemAtPath: path)
        _ = try site.rebuild().get()
        var before = stat()
        #expect(stat(path, &before) == 0)
        // The same number of bytes, in the same file (not renamed over it), then its write time
        // set back to the last read's: as if both writes fell in one tick of the clock.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(text.replacingOccurrences(of: "A node disappears", with: "A node vanishes!!").utf8))
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_ino == before.st_ino && after.st_size == before.st_size)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
        let report = try site.rebuild().get()
        #expect(report.renderedPaths.contains("hardware-combos/quad-mac-mini-m4-pro-exo/index.html"))
        expectSame(site.files, try workspace.fullBuild(), "after a rewrite with the same stamp")
    }

    @Test("a broken edit fails and keeps the last good site; fixing it rebuilds")
    func brokenEdit() throws {
        let workspace = Workspace()
        let site = LiveSite(workspace.options)
        _ = try site.rebuild().get()
        let good = site.files
        workspace.replace("content/combos/quad-mac-mini-m4-pro-exo.md", "\nfailure_modes:", with: "\nfailure_mode:")
        guard case .failure(let error) = site.rebuild() else {
            Issue.record("a broken file built")
            return
        }
        #expect(error.diagnostics.contains { $0.description.contains("quad-mac-mini-m4-pro-exo.md:") && $0.description.contains("failure_mode") })
        #expect(site.files == good)
        workspace.replace("content/combos/quad-mac-mini-m4-pro-exo.md", "\nfailure_mode:", with: "\nfailure_modes:")
        let fixed = try site.rebuild().get()
        #expect(fixed.rendered >= 0)
        expectSame(site.files, try workspace.fullBuild(), "after fixing")
    }

    @Test("a new record and a removed one add and remove pages; a template edit renders everything")
    func addRemoveAndTemplates() throws {
        let workspace = Workspace()
        let site = LiveSite(workspace.options)
        _ = try site.rebuild().get()
        let stack = try String(contentsOfFile: workspace.root + "/content/stacks/multi-machine-apple-cluster.md", encoding: .utf8)
        try stack.replacingOccurrences(of: "title: \"", with: "title: \"Copy of ")
            .write(toFile: workspace.root + "/content/stacks/copy-of-stack.md", atomically: true, encoding: .utf8)
        _ = try site.rebuild().get()
        #expect(site.files["stacks/copy-of-stack/index.html"] != nil)
        expectSame(site.files, try workspace.fullBuild(), "after adding a stack")
        try FileManager.default.removeItem(atPath: workspace.root + "/content/stacks/copy-of-stack.md")
        _ = try site.rebuild().get()
        #expect(site.files["stacks/copy-of-stack/index.html"] == nil)
        expectSame(site.files, try workspace.fullBuild(), "after removing it")

        workspace.replace("templates/base.mustache", "Skip to the content", with: "Skip to the main content")
        let templates = try site.rebuild().get()
        #expect(templates.rendered == templates.total)
        expectSame(site.files, try workspace.fullBuild(), "after a template edit")
    }

    @Test("the pages open in a browser are rendered first and handed over early; the rest, and the result, are a full rebuild's")
    func openPagesFirst() throws {
        let workspace = Workspace()
        let site = LiveSite(workspace.options)
        _ = try site.rebuild().get()
        let before = site.files
        // A machine swap touches most pages; two are open, one of them (the compatibility
        // page, which shows no hardware) not among them, and one open path is no page at all.
        workspace.replace("content/combos/dual-rtx-3090.md", "machine: dual-rtx-3090-workstation", with: "machine: dual-rtx-4090-workstation")
        let open: Set<String> = ["hardware-combos/dual-rtx-3090/index.html", "compatibility/index.html", "no/such/index.html"]
        var handed: [LiveSite.Early] = []
        let report = try site.rebuild(opening: open) { handed.append($0) }.get()
        let early = try #require(handed.count == 1 ? handed.first : nil)
        #expect(!report.renderedPaths.contains("compatibility/index.html"))
        #expect(report.rendered > 100)
        #expect(early.phases.last?.name == "render 1 open page")
        // The open pages as the finished rebuild has them, the untouched one as it was.
        #expect(Set(early.files.keys) == ["hardware-combos/dual-rtx-3090/index.html", "compatibility/index.html"])
        #expect(early.files["hardware-combos/dual-rtx-3090/index.html"] == site.files["hardware-combos/dual-rtx-3090/index.html"])
        #expect(early.files["hardware-combos/dual-rtx-3090/index.html"] != before["hardware-combos/dual-rtx-3090/index.html"])
        #expect(early.files["compatibility/index.html"] == before["compatibility/index.html"])
        // Everything else the rebuild wrote again was pending, and nothing it left alone was.
        let changed = Set(site.files.keys.filter { site.files[$0] != before[$0] }).subtracting(early.files.keys)
        #expect(changed.isSubset(of: early.pending), "\(changed.subtracting(early.pending).sorted().prefix(5))")
        #expect(Set(report.renderedPaths).subtracting(open).isSubset(of: early.pending))
        #expect(early.pending.allSatisfy { !$0.hasPrefix("assets/") })
        #expect(!early.pending.contains("compatibility/index.html"))
        expectSame(site.files, try workspace.fullBuild(), "after a machine swap with open pages")

        // No early hand-over when the open pages are all there is to render, none is open, or
        // none of them changes.
        workspace.replace("content/combos/dual-rtx-3090.md", "machine: dual-rtx-4090-workstation", with: "machine: dual-rtx-3090-workstation")
        _ = try site.rebuild(opening: []) { handed.append($0) }.get()
        workspace.replace("content/combos/dual-rtx-3090.md", "machine: dual-rtx-3090-workstation", with: "machine: dual-rtx-4090-workstation")
        let unchanged = try site.rebuild(opening: ["compatibility/index.html"]) { handed.append($0) }.get()
        #expect(unchanged.rendered > 100)
        workspace.replace("content/combos/dual-rtx-3090.md", "machine: dual-rtx-4090-workstation", with: "machine: dual-rtx-3090-workstation")
        _ = try site.rebuild().get()
        workspace.replace("content/stacks/multi-machine-apple-cluster.md", "used to be a party trick", with: "was a party trick")
        let stack = try site.rebuild(opening: ["stacks/multi-machine-apple-cluster/index.html"]) { handed.append($0) }.get()
        #expect(stack.renderedPaths == ["stacks/multi-machine-apple-cluster/index.html"])
        #expect(handed.count == 1)

        // An open page that fails to render fails the rebuild before anything is handed over.
        workspace.replace("templates/pages/combo.mustache", "{{title}}", with: "{{no_such_field}}")
        let broken = site.rebuild(opening: ["hardware-combos/dual-rtx-3090/index.html"]) { handed.append($0) }
        #expect(throws: DiagnosticsError.self) { try broken.get() }
        #expect(handed.count == 1)
    }
}
