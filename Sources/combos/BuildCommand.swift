import ArgumentParser
import Catalog
import Site

/// `combos build`: render the site into the output folder. The first build (and `--clean`)
/// writes a temporary folder and swaps it into place; later ones update only what changed.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the site into the output folder (the previous output stays until the build succeeds).",
        discussion: """
            The output folder keeps a manifest of what the build read and wrote. The next build stops at once when \
            nothing changed, and otherwise renders only the pages an edit touched and replaces only the files whose \
            bytes changed. A change to the templates or to combos itself, or --clean, rebuilds everything.

            Beside the output, .OUTPUT.records (.public.records for public) keeps what each record file decoded to, \
            so the next build reads unchanged files back instead of parsing them; --clean ignores it, and deleting \
            it is always safe. Likewise .OUTPUT.fits keeps how each model stands on each configuration, which an \
            update that renders the model pages ranks the combos by, and .OUTPUT.stamps each input file's stamp \
            (device, inode, size, write time), so that a file whose stamp has not changed is not read to hash it.
            """
    )

    @Option(name: .long, help: "The content folder.")
    var content: String = "content"

    @Option(name: .long, help: "The templates folder (its assets/ folder is copied to the output).")
    var templates: String = "templates"

    @Option(name: .long, help: "The output folder, replaced as a whole when the build succeeds.")
    var output: String = "public"

    @Option(name: .long, help: "The address the site is served from, for canonical links.")
    var baseURL: String = "http://localhost:8080/"

    @Flag(name: .long, help: "Render every page and replace the output whole, ignoring what the last build recorded.")
    var clean = false

    @Flag(name: .long, help: "Print the time each build phase took.")
    var verbose = false

    func validate() throws {
        let lowered = baseURL.lowercased()
        guard (lowered.hasPrefix("http://") || lowered.hasPrefix("https://")), baseURL.count > 8, !baseURL.contains(" ") else {
            throw ValidationError("--base-url must be an absolute http:// or https:// address, such as https://combos.example/")
        }
    }

    func run() throws {
        var options = SiteBuilder.Options(content: content, templates: templates, output: output, baseURL: baseURL, clean: clean)
        // The old output goes in the background, and the build's memory with the exit: this
        // process is done once the new output is in place.
        options.disposal = .inBackground
        options.keepsMemoryUntilExit = true
        do {
            let report = try SiteBuilder.build(options)
            if !report.warnings.isEmpty { Terminal.printDiagnostics(report.warnings) }
            if verbose {
                for phase in report.phases {
                    print(String(format: "%8.1f ms  %@  (peak %.0f MB)", phase.duration.milliseconds, phase.name, Double(phase.peakBytes) / 1e6))
                }
            }
            if report.upToDate {
                print("up to date: \(report.pages) pages in \(output)/ (nothing changed, wrote 0 of \(report.files) files)")
            } else {
                let how = report.incremental ? "rendered \(report.rendered) of \(report.pages) pages, " : ""
                print("built \(report.pages) pages (\(how)wrote \(report.written) of \(report.files) files) and \(report.assets) assets into \(output)/ from \(report.catalogSummary)")
                if verbose, !report.removedPaths.isEmpty { print("removed \(report.removedPaths.count) files no longer produced") }
                if verbose { print("record files read back from the record cache: \(report.recordsReused) of \(report.recordFiles)") }
                if verbose { print("fit answers worked out for \(report.configurationsWorkedOut) of \(report.configurations) configurations") }
                if verbose, report.standingsReadBack > 0 {
                    print("the model pages ranked the combos by the last build's standings for \(report.standingsReadBack) configurations")
                }
                if verbose, report.planKept { print("page plan kept from the last build (only records' text changed)") }
                if verbose, report.relatedReused { print("\"See also\" blocks reused from the last build (the references did not change)") }
                if verbose, report.listingFilesKept {
                    print("the builder's data and the search index kept from the last build (no record's listing changed)")
                }
            }
        } catch {
            Terminal.printDiagnostics(error.diagnostics)
            print("build failed; \(output)/ was left as it was")
            throw ExitCode(1)
        }
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
