import Catalog
import FixtureSupport
import Foundation
import Testing

/// The bad-input corpus: `Tests/Fixtures/bad-input/<case>/` holds content files laid over a copy of
/// the valid fixture site, and `expected.txt` every diagnostic the loader must print for them
/// (lines starting with `#` describe the case). Each case is loaded together with two sentinel
/// files that have one mistake each, so a case that crashes, hangs or swallows the rest of the
/// catalog fails; each load runs on its own thread with a wall-clock bound, so a hang is reported
/// as a failure rather than stopping the run. Cases too big or too platform-bound to commit (a
/// 10 MB file, 10,000 levels of nesting, two file names differing only in case) are generated below.
@Suite("Bad-input corpus")
struct BadInputCorpusTests {
    static let corpus = FixtureSite.packageRoot + "/Tests/Fixtures/bad-input"

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: corpus + "/" + $0 + "/expected.txt") }.sorted()
    }

    /// One mistake in a YAML record and one in a Markdown record, in files no case touches, sorting
    /// before and after every other file: their errors must come out whatever a case does.
    static let sentinels: [(path: String, text: String, headline: String)] = [
        ("content/benchmarks/zz-sentinel.yaml",
         "devices:\n  - device: soc-64\nplatform: macos-test\nruntime: rt-cluster\nmodel: model-moe\nquant: MLX 4-bit\ndepth_tokens: -1\ndecode_tps: 20\nmeasured: 2026-10-01\nsource:\n  title: Sentinel\n  url: https://example.com/sentinel\n",
         "content/benchmarks/zz-sentinel.yaml:7:15: error: \"depth_tokens\" must be at least 0, found -1"),
        ("content/guides/aa-sentinel.md",
         "---\ntitle: Sentinel\nsumary: A sentinel.\npublished: 2026-11-01\n---\nBody.\n",
         "content/guides/aa-sentinel.md:3:1: error: unknown field \"sumary\" in a guide; did you mean \"summary\"?"),
    ]

    /// The hang guard: generous, as the slowest case loads in well under a second in a debug build.
    static let timeLimit: Double = 20

    @Test("every corpus case gives its exact diagnostics, alongside the rest of the catalog's", arguments: cases)
    func corpusCase(_ name: String) throws {
        let folder = Self.corpus + "/" + name
        let expected = try String(contentsOfFile: folder + "/expected.txt", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true)
            .map(String.init)
            .filter { !$0.hasPrefix("#") }
        let site = FixtureSite()
        defer { site.destroy() }
        overlay(folder + "/content", onto: site.content)
        let headlines = try load(site, name)
        #expect(!expected.isEmpty, "\(name)/expected.txt lists no diagnostic")
        #expect(headlines == (expected + Self.sentinels.map(\.headline)).sorted(by: Self.diagnosticOrder),
                Comment(rawValue: "\(name): the loader said\n" + headlines.joined(separator: "\n")))
    }

    @Test("a 10 MB record reports its mistake at the last line, quickly")
    func tenMegabytes() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        var text = site.read("content/devices/gpu-24.yaml")
        var line = text.split(separator: "\n", omittingEmptySubsequences: true).count
        text += "summary: >\n"
        line += 1
        let filler = "  A long summary of the card, repeated to make a record of ten megabytes.\n"
        while text.utf8.count < 10_000_000 {
            text += filler
            line += 1
        }
        text += "dies: 0\n"
        line += 1
        site.write("content/devices/gpu-24.yaml", text)
        let headlines = try load(site, "10 MB file")
        #expect(headlines == withSentinels([
            "content/devices/gpu-24.yaml:\(line):7: error: \"dies\" must be at least 1, found 0",
        ]))
    }

    @Test("a 10 MB record on one line: the error is placed, and shown around its column")
    func tenMegabytesOnOneLine() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let summary = "summary: " + String(repeating: "word ", count: 2_000_000) + "key: value"
        site.replace(in: "content/devices/gpu-24.yaml", "power_w: 350", with: summary)
        let (headlines, result) = try loadResult(site, "10 MB line")
        #expect(headlines == withSentinels([
            "content/devices/gpu-24.yaml:8:10000013: error: invalid YAML: mapping values are not allowed in this context",
        ]))
        // Rendered, the line is cut to a window around the column, so a terminal gets a few lines.
        let diagnostic = try #require(result.diagnostics.first { $0.location.path.hasSuffix("gpu-24.yaml") })
        let words = String(repeating: "word ", count: 30)
        #expect(site.relative(diagnostic.description) == """
            content/devices/gpu-24.yaml:8:10000013: error: invalid YAML: mapping values are not allowed in this context
             8 | …\(words)key: value
               | \(String(repeating: " ", count: 1 + words.count + 3))^
            """)
    }

    @Test("10,000 levels of nesting stop at the nesting limit (100) with the place, no crash", arguments: [
        ("flow lists", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
        ("flow mappings", String(repeating: "{a: ", count: 10_000) + "1" + String(repeating: "}", count: 10_000)),
        ("block lists", String(repeating: "- ", count: 10_000) + "x"),
        ("mixed", String(repeating: "[{a: ", count: 5_000) + "1" + String(repeating: "}]", count: 5_000)),
    ])
    func deepNesting(_ shape: String, _ value: String) throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.replace(in: "content/devices/gpu-24.yaml", "backends: [cuda, vulkan]", with: "backends: [cuda, vulkan]\nnotes:\n  " + value)
        let headlines = try load(site, "deep nesting, \(shape)")
        // libyaml stops at the level past its limit, or earlier when it has read ahead: the
        // column falls inside the nested value.
        #expect(headlines.count == 3, "\(headlines)")
        let error = try #require(headlines.first { $0.hasPrefix("content/devices/gpu-24.yaml:") })
        let parts = error.split(separator: ":", maxSplits: 3)
        #expect(parts[1] == "14")
        #expect((3...(value.count + 2)).contains(Int(parts[2]) ?? 0), "\(error)")
        #expect(parts[3] == " error: invalid YAML: lists and mappings nested more than 100 levels deep; records need a few")
    }

    @Test("deep nesting in front matter counts lines from the file's top")
    func deepNestingInFrontMatter() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.replace(in: "content/combos/gpu-box.md", "reference_model: model-dense\n",
                     with: "reference_model: model-dense\nextra: " + String(repeating: "[", count: 5_000) + "\n")
        let headlines = try load(site, "deep nesting in front matter")
        #expect(headlines.count == 3, "\(headlines)")
        let error = try #require(headlines.first { $0.hasPrefix("content/combos/gpu-box.md:") })
        let parts = error.split(separator: ":", maxSplits: 3)
        #expect(parts[1] == "44")
        #expect((8...5007).contains(Int(parts[2]) ?? 0), "\(error)")
        #expect(parts[3] == " error: invalid YAML: lists and mappings nested more than 100 levels deep; records need a few")
    }

    @Test("two record files whose names differ only in case")
    func idsDifferingInCase() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.write("content/devices/GPU-24.yaml", site.read("content/devices/gpu-24.yaml"))
        site.write("content/combos/Gpu-Box.md", site.read("content/combos/gpu-box.md"))
        let names = try FileManager.default.contentsOfDirectory(atPath: site.content + "/devices")
        // On a case-insensitive file system the second write replaced the first file.
        try #require(names.contains("GPU-24.yaml") && names.contains("gpu-24.yaml"), "the file system ignores case")
        let headlines = try load(site, "ids differing in case")
        #expect(headlines == withSentinels([
            "content/combos/Gpu-Box.md:1:1: error: the file name \"Gpu-Box\" is not a valid id: use lowercase letters, digits, '.' and '-' (it becomes the page URL); it differs from gpu-box only in case, and the two would be one page on a case-insensitive file system",
            "content/devices/GPU-24.yaml:1:1: error: the file name \"GPU-24\" is not a valid id: use lowercase letters, digits, '.' and '-' (it becomes the page URL); it differs from gpu-24 only in case, and the two would be one page on a case-insensitive file system",
        ]))
    }

    @Test("every broken file of the corpus in one catalog: each one's errors are reported")
    func everythingAtOnce() throws {
        // The cases, each under its own file names, in one content folder.
        let site = FixtureSite()
        defer { site.destroy() }
        var expected: [String] = []
        for name in Self.cases {
            let content = Self.corpus + "/" + name + "/content"
            let enumerator = FileManager.default.enumerator(atPath: content)
            while let relative = enumerator?.nextObject() as? String {
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: content + "/" + relative, isDirectory: &isDirectory)
                guard !isDirectory.boolValue else { continue }
                let parts = relative.split(separator: "/")
                let renamed = "\(parts[0])/x-\(name)-\(parts[1])"
                try FileManager.default.copyItem(atPath: content + "/" + relative, toPath: site.content + "/" + renamed)
            }
        }
        let headlines = try load(site, "every case at once")
        // Each renamed file has errors of its own (at least its id is new, so other records do
        // not point at it): every one of them must be there.
        let reported = Set(headlines.compactMap { $0.split(separator: ":").first.map(String.init) })
        for name in Self.cases {
            let content = Self.corpus + "/" + name + "/content"
            for relative in FileManager.default.enumerator(atPath: content)?.allObjects as? [String] ?? [] where relative.contains(".") {
                let parts = relative.split(separator: "/")
                let renamed = "content/\(parts[0])/x-\(name)-\(parts[1])"
                expected.append(renamed)
            }
        }
        let missing = expected.filter { path in !reported.contains(path) && !Self.validWhenRenamed.contains(path) }
        #expect(missing == [], "files with no diagnostic: \(missing)")
        for sentinel in Self.sentinels {
            #expect(headlines.contains(sentinel.headline))
        }
    }

    /// Files of the corpus that are valid on their own (their case is about what other files say
    /// of them), so renamed they have nothing to report.
    static let validWhenRenamed: Set<String> = ["content/combos/x-circular-references-gpu-box.md"]

    // MARK: Helpers

    func withSentinels(_ headlines: [String]) -> [String] {
        (headlines + Self.sentinels.map(\.headline)).sorted(by: Self.diagnosticOrder)
    }

    /// The loader's order: by path, then line, then column, then message.
    static func diagnosticOrder(_ a: String, _ b: String) -> Bool {
        func key(_ s: String) -> (String, Int, Int, String) {
            let parts = s.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, let line = Int(parts[1]), let column = Int(parts[2]) else { return (s, 0, 0, s) }
            return (String(parts[0]), line, column, String(parts[3]))
        }
        return key(a) < key(b)
    }

    /// Copies every file under `source` into `destination`, replacing what is there.
    func overlay(_ source: String, onto destination: String) {
        let enumerator = FileManager.default.enumerator(atPath: source)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: source + "/" + relative, isDirectory: &isDirectory)
            let target = destination + "/" + relative
            if isDirectory.boolValue {
                try? FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            } else {
                try? FileManager.default.removeItem(atPath: target)
                try! FileManager.default.copyItem(atPath: source + "/" + relative, toPath: target)
            }
        }
    }

    /// Adds the sentinels, loads the site on its own thread and returns the headlines; a load
    /// that does not finish within the time limit fails the test (and is left running).
    func load(_ site: FixtureSite, _ what: String) throws -> [String] {
        try loadResult(site, what).headlines
    }

    func loadResult(_ site: FixtureSite, _ what: String) throws -> (headlines: [String], result: CatalogLoader.Result) {
        for sentinel in Self.sentinels { site.write(sentinel.path, sentinel.text) }
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let content = site.content
        let started = Date()
        let thread = Thread {
            box.result = CatalogLoader.load(from: content)
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        guard done.wait(timeout: .now() + Self.timeLimit) == .success, let result = box.result else {
            Issue.record("\(what): loading did not finish within \(Int(Self.timeLimit)) s (a hang)")
            throw HangError()
        }
        let seconds = Date().timeIntervalSince(started)
        #expect(seconds < Self.timeLimit, "\(what): loading took \(seconds) s")
        return (site.headlines(result.diagnostics), result)
    }

    struct HangError: Error {}

    final class ResultBox: @unchecked Sendable {
        var result: CatalogLoader.Result?
    }
}
