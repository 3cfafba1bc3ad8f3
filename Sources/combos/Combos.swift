import ArgumentParser

@main
struct Combos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "combos",
        abstract: "Build the hardware-combo catalog: check records, render pages, write public/.",
        subcommands: [BuildCommand.self, CheckCommand.self, ServeCommand.self, NewCommand.self, FitCommand.self, FieldsCommand.self, SynthCommand.self]
    )
}
