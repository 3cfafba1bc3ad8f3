// A libFuzzer target over the record loader: the bytes of one content file, read as text (or
// refused with a diagnostic), split into front matter and body, and decoded as every record kind
// of its format, each diagnostic rendered with its line and caret. Any crash, trap or hang is a
// bug: bad content must only ever produce diagnostics.
//
// Built only by Fuzz/run.sh, with `-sanitize=fuzzer -D FUZZING`; in a normal build (and in
// `swift build --build-tests`) it is a stub that says so.
import Catalog
import Foundation

enum CatalogFuzz {
    /// One input: what `combos check` does with one record file, short of cross-record rules.
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let text: SourceFile
        switch SourceFile.decode(Data(buffer: bytes), displayPath: "content/fuzz/input") {
        case .failure(let diagnostic):
            _ = diagnostic.description
            return
        case .success(let file):
            text = file
        }
        var diagnostics: [Diagnostic] = []
        if text.text.hasPrefix("---") {
            switch FrontMatter.split(text) {
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            case .success(let split): _ = (split.yaml.count, split.body.count)
            }
            diagnostics += CatalogLoader.decode(Runtime.self, id: "fuzz-runtime", file: text).1
            diagnostics += CatalogLoader.decode(Combo.self, id: "fuzz-combo", file: text).1
            diagnostics += CatalogLoader.decode(Stack.self, id: "fuzz-stack", file: text).1
            diagnostics += CatalogLoader.decode(Guide.self, id: "fuzz-guide", file: text).1
        } else {
            diagnostics += CatalogLoader.decode(Device.self, id: "fuzz-device", file: text).1
            diagnostics += CatalogLoader.decode(Machine.self, id: "fuzz-machine", file: text).1
            diagnostics += CatalogLoader.decode(Platform.self, id: "fuzz-platform", file: text).1
            diagnostics += CatalogLoader.decode(Model.self, id: "fuzz-model", file: text).1
            diagnostics += CatalogLoader.decode(Benchmark.self, id: "fuzz-benchmark", file: text).1
        }
        for diagnostic in diagnostics {
            // Every diagnostic points into the file, and renders with its line and caret.
            precondition(diagnostic.location.line >= 1 && diagnostic.location.line <= text.lineCount,
                         "diagnostic outside the file: \(diagnostic.headline)")
            _ = diagnostic.description
        }
        // One input in four also replaces a record of the valid fixture site, and the whole
        // catalog is loaded: references to it, and every cross-record rule, run on its values.
        if bytes.reduce(0, { $0 &+ Int($1) }) % 4 == 0 {
            loadInCatalog(bytes, text: text)
        }
    }

    /// A copy of Tests/Fixtures/valid-site/content in a temporary folder, made once: the folder
    /// `Fuzz/run.sh` made (`CATALOG_FUZZ_SCRATCH`), which it removes however the run ends (a
    /// crash included), or else `catalog-fuzz-PID` in the temporary folder.
    static let site: String = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/valid-site/content").path
        let root = ProcessInfo.processInfo.environment["CATALOG_FUZZ_SCRATCH"].map { $0 + "/site" }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("catalog-fuzz-\(getpid())").path
        try? FileManager.default.removeItem(atPath: root)
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try! FileManager.default.copyItem(atPath: source, toPath: root + "/content")
        return root + "/content"
    }()

    static let markdownRecords = ["combos/gpu-box.md", "combos/mini-cluster.md", "runtimes/rt-gpu.md", "stacks/cluster-stack.md", "guides/fixture-guide.md"]
    static let yamlRecords = ["devices/gpu-24.yaml", "devices/soc-64.yaml", "machines/box-4gpu.yaml", "machines/mini-64.yaml",
                              "platforms/macos-test.yaml", "models/model-moe.yaml", "benchmarks/gpu-24-dense.yaml"]

    static func loadInCatalog(_ bytes: UnsafeBufferPointer<UInt8>, text: SourceFile) {
        let records = text.text.hasPrefix("---") ? markdownRecords : yamlRecords
        let relative = records[bytes.count % records.count]
        let path = site + "/" + relative
        let original = FileManager.default.contents(atPath: path)!
        FileManager.default.createFile(atPath: path, contents: Data(buffer: bytes))
        defer { FileManager.default.createFile(atPath: path, contents: original) }
        let result = CatalogLoader.load(from: site)
        for diagnostic in result.diagnostics {
            if diagnostic.location.path.hasSuffix(relative) {
                precondition(diagnostic.location.line >= 1 && diagnostic.location.line <= text.lineCount,
                             "diagnostic outside the file: \(diagnostic.headline)")
            }
            _ = diagnostic.description
        }
        for combo in result.catalog.combos { _ = result.catalog.totals(of: combo) }
    }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// libFuzzer's driver, started from our own `main` (SwiftPM names the executable's entry point
/// itself, so libFuzzer's `main` is not linked in).
@main
struct CatalogFuzzMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = withUnsafeMutablePointer(to: &argv) { argv in
            runFuzzerDriver(&argc, argv) { data, size in
                CatalogFuzz.run(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
                return 0
            }
        }
        exit(status)
    }
}
#else
@main
struct CatalogFuzzMain {
    static func main() {
        // Without libFuzzer: check the files named on the command line, for reproducing a crash
        // in a normal (debuggable) build.
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            print("catalog-fuzz: built without libFuzzer. Run Fuzz/run.sh to fuzz, or pass files to replay them.")
            return
        }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("cannot read \(path)")
                exit(1)
            }
            data.withUnsafeBytes { CatalogFuzz.run($0.bindMemory(to: UInt8.self)) }
            print("\(path): no crash")
        }
    }
}
#endif
