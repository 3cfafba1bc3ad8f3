import ArgumentParser

@main
struct Combos: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "combos",
        abstract: "Build the hardware-combo catalog: check records, render pages, write public/.",
        subcommands: [BuildCommand.self, CheckCommand.self, FitCommand.self]
    )
}
