import ArgumentParser
import Catalog

/// `combos build`: render the whole site into a temporary folder and swap it into place.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the site into the output folder (the previous output stays until the build succeeds)."
    )

    @Option(name: .long, help: "The content folder.")
    var content: String = "content"

    @Option(name: .long, help: "The templates folder (its assets/ folder is copied to the output).")
    var templates: String = "templates"

    @Option(name: .long, help: "The output folder, replaced as a whole when the build succeeds.")
    var output: String = "public"

    @Option(name: .long, help: "The address the site is served from, for canonical links.")
    var baseURL: String = "http://localhost:8080/"

    @Flag(name: .long, help: "Print the time each build phase took.")
    var verbose = false

    func run() async throws {
        throw ExitCode(2)
    }
}
