import ArgumentParser
import Catalog
import Foundation

/// `combos synth`: a valid synthetic catalog of any size, for measuring the build. The real
/// devices, machines, platforms, runtimes and models are copied; the combos are generated from
/// them by `SyntheticCatalog`, deterministically for a given count and seed.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a synthetic catalog of N generated combos, drawn from the real records, for benchmarks.",
        discussion: "The same --combos and --seed give byte-identical files. The output folder must be empty, missing, or a previous synth output (marked by a \(SyntheticCatalog.marker) file), whose contents are replaced."
    )

    @Option(name: .long, help: "How many combos to generate (at least 2, so each has an alternative).")
    var combos: Int

    @Option(name: .long, help: "The folder to write the catalog into.")
    var output: String

    @Option(name: .long, help: "The seed of the generator.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "The content folder the real records are read from.")
    var content: String = "content"

    func validate() throws {
        guard combos >= 2 else { throw ValidationError("--combos must be at least 2: every combo needs another one as its alternative") }
    }

    func run() throws {
        let loaded = CatalogLoader.load(from: content)
        if loaded.diagnostics.hasErrors {
            Terminal.printDiagnostics(loaded.diagnostics)
            print("the source catalog in \(content)/ has errors; fix them first")
            throw ExitCode(1)
        }
        let copies = try SyntheticCatalog.readCopies(from: content)
        let files = SyntheticCatalog.generate(from: loaded.catalog, copies: copies, combos: combos, seed: seed)
        try prepare(output)
        var folders: Set<String> = []
        for file in files {
            let path = output + "/" + file.path
            let folder = (path as NSString).deletingLastPathComponent
            if folders.insert(folder).inserted {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            try write(file.text, to: path)
        }
        try write("written by combos synth --combos \(combos) --seed \(seed)\n", to: output + "/" + SyntheticCatalog.marker)
        print("wrote \(combos) combos and \(files.count - combos) records into \(output)")
    }

    /// Writes a file with plain POSIX calls: Foundation's `Data.write` syncs every file to disk,
    /// which made writing 10,000 combos take a minute of waiting instead of a second.
    private func write(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            guard written > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            offset += written
        }
    }

    /// Empties a previous synth output; refuses any other folder that has something in it.
    private func prepare(_ output: String) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: output, isDirectory: &isDirectory) else {
            try fileManager.createDirectory(atPath: output, withIntermediateDirectories: true)
            return
        }
        guard isDirectory.boolValue else {
            print("\(output) is a file, not a folder; pass another --output")
            throw ExitCode(1)
        }
        let entries = try fileManager.contentsOfDirectory(atPath: output)
        guard !entries.isEmpty else { return }
        guard entries.contains(SyntheticCatalog.marker) else {
            print("\(output) is not empty and was not written by combos synth (no \(SyntheticCatalog.marker) file); refusing to replace it")
            throw ExitCode(1)
        }
        for entry in entries.sorted() { try fileManager.removeItem(atPath: output + "/" + entry) }
    }
}
