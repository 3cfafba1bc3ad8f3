import ArgumentParser
import Catalog
import Foundation
import Preview
import Site

/// `combos serve`: build the site into memory, serve it, rebuild what each edit touches and
/// reload the browser; errors show in the page until they are fixed.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Preview the site: build, serve, watch content/ and templates/, rebuild and reload on every save."
    )

    @Option(name: .long, help: "The address to listen on (127.0.0.1 keeps the preview on this machine).")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on.")
    var port: Int = 8080

    @Option(name: .long, help: "The content folder.")
    var content: String = "content"

    @Option(name: .long, help: "The templates folder.")
    var templates: String = "templates"

    @Flag(name: .long, help: "Print, for each rebuild, how long each phase took and how long after the save the reload was sent.")
    var verbose = false

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be a number from 1 to 65535") }
    }

    func run() async throws {
        // Nothing is written to the output: it names where `combos build` writes, whose record
        // cache (`.public.records`) the first build reads.
        let options = SiteBuilder.Options(
            content: content, templates: templates, output: "public", baseURL: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/")
        do {
            try await PreviewServer.run(options: options, host: host, port: port, verbose: verbose)
        } catch let error as PreviewServer.ServeError {
            print("combos serve: \(error.message)")
            throw ExitCode(1)
        }
    }
}
