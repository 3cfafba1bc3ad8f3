import Foundation

/// A program run to the end by a test, its standard output and error read together.
public struct Command: Sendable {
    public let status: Int32
    public let output: String

    /// Runs `executable` (a path, or a name looked up on PATH through `/usr/bin/env`).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Command {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Command(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
