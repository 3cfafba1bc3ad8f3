import FixtureSupport
import Foundation

/// Headless Chromium, for the tests that run the builder's script as a visitor's browser would.
enum Chromium {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The DOM of a page after its scripts ran (`--dump-dom`), given up to `seconds` of the
    /// page's own time.
    /// `allowFileAccess` lets a `file://` page read frames it loads from other files.
    static func dumpDOM(_ url: String, seconds: Int = 30, allowFileAccess: Bool = false) throws -> String {
        let binary = try Self.binary()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        let profile = TestScratch.path("chromium")
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=\(profile)", "--virtual-time-budget=\(seconds * 1000)", "--dump-dom", url,
        ]
        if allowFileAccess { process.arguments?.insert("--allow-file-access-from-files", at: 0) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read while it runs, so a large DOM cannot fill the pipe and stall it.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: profile)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "chromium exited with status \(process.terminationStatus) on \(url)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A page after its scripts ran: its DOM and what it wrote to the console (its own
    /// `console.log` lines and the browser's messages, such as Content-Security-Policy
    /// violations), one message per entry.
    static func load(_ url: String, seconds: Int = 10) async throws -> (dom: String, console: [String]) {
        let binary = try Self.binary()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        let profile = TestScratch.path("chromium")
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=\(profile)", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=\(seconds * 1000)",
            "--dump-dom", url,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Both pipes read while it runs, so neither can fill and stall it.
        let errorHandle = errors.fileHandleForReading
        let reading = Task.detached { errorHandle.readDataToEndOfFile() }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = await reading.value
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: profile)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "chromium exited with status \(process.terminationStatus) on \(url)")
        }
        // `[pid:tid:date:INFO:CONSOLE:line] "message", source: url (line)`
        let console = String(decoding: errorData, as: UTF8.self).components(separatedBy: "\n")
            .filter { $0.contains(":CONSOLE") }
            .map { line in line.range(of: "] ").map { String(line[$0.upperBound...]) } ?? line }
        return (String(decoding: data, as: UTF8.self), console)
    }

    /// The Chromium executable this machine has.
    static func binary() throws -> String {
        guard let binary = try? ChromiumBinary.path() else { throw Failure(description: ChromiumBinary.Missing().description) }
        return binary
    }

    /// A PNG of a page after its scripts ran, at a window size.
    static func screenshot(_ url: String, width: Int, height: Int) throws -> [UInt8] {
        let binary = try Self.binary()
        let folder = TestScratch.path("chromium")
        let file = folder + "/shot.png"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
            "--user-data-dir=\(folder)/profile", "--virtual-time-budget=5000", "--window-size=\(width),\(height)",
            "--screenshot=\(file)", url,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: file) else {
            throw Failure(description: "chromium could not take a screenshot of \(url)")
        }
        return [UInt8](data)
    }
}
