import FixtureSupport
import Foundation

/// `combos serve` as a child process, built from this package, over a copy of a content folder
/// and the shipped templates, on a free port of 127.0.0.1: what a browser and an editor see.
/// A crash in the server ends the child, not the tests, and its memory and open files can be
/// read from /proc.
final class ServeProcess: @unchecked Sendable {
    let root: String
    let port: Int
    let process = Process()
    let lines = LineLog()
    private let pipe = Pipe()
    private var pending = Data()
    private let pendingLock = NSLock()
    /// Whether a connection to the port, made the moment the "serving" line arrived, was
    /// accepted (nil until the line arrives): the line promises the port is open.
    private(set) var listeningWhenServingSaid: Bool?

    /// The `combos` executable built beside the test bundle (`swift build --build-tests` and
    /// `swift test` build it), else the package's debug or release build.
    static var binary: String? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let candidates = [
            (exe as NSString).deletingLastPathComponent + "/combos",
            FixtureSite.packageRoot + "/.build/debug/combos",
            FixtureSite.packageRoot + "/.build/release/combos",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts the server over a copy of `content` (the valid fixture site by default) and waits
    /// until it says it is serving.
    init(content: String = FixtureSite.validSite + "/content", seconds: Double = 180) throws {
        guard let binary = Self.binary else {
            throw Failure(description: "the combos executable is not built; run `swift build --build-tests` first")
        }
        root = TestScratch.path("combos-serve-load")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: content, toPath: root + "/content")
        try FileManager.default.copyItem(atPath: FixtureSite.packageRoot + "/templates", toPath: root + "/templates")
        port = try Self.freePort()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--content", root + "/content", "--templates", root + "/templates",
                             "--host", "127.0.0.1", "--port", String(port)]
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.pendingLock.withLock {
                self.pending.append(data)
                while let newline = self.pending.firstIndex(of: 10) {
                    let line = String(decoding: self.pending[self.pending.startIndex..<newline], as: UTF8.self)
                    if line.hasPrefix("serving "), self.listeningWhenServingSaid == nil {
                        let socket = RawHTTP.connect(self.port)
                        self.listeningWhenServingSaid = socket != nil
                        if let socket { close(socket) }
                    }
                    self.lines.append(line)
                    self.pending.removeSubrange(self.pending.startIndex...newline)
                }
            }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if lines.all.contains(where: { $0.hasPrefix("serving ") }) { return }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let output = lines.all.joined(separator: "\n")
        stop()
        throw Failure(description: "combos serve did not start serving within \(Int(seconds)) s:\n\(output)")
    }

    deinit { stop() }

    /// SIGTERM, as Ctrl-C would; SIGKILL if it has not stopped within 10 s.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        pipe.fileHandleForReading.readabilityHandler = nil
        try? FileManager.default.removeItem(atPath: root)
    }

    var isRunning: Bool { process.isRunning }

    /// For a failed expectation: whether the server still runs, and the last lines it printed
    /// (these load tests have failed under a loaded machine with connections refused; this says
    /// whether the server had died and why).
    var state: String {
        let status = process.isRunning ? "running" : "stopped (exit status \(process.terminationStatus))"
        return "server \(status) on port \(port); its last lines: " + lines.all.suffix(10).joined(separator: " | ")
    }

    /// The server's resident memory (VmRSS), in KiB.
    var residentKiB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
    }

    /// How many files and sockets the server has open.
    var openFiles: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count) ?? -1
    }

    /// A port nothing listens on now: bind port 0, read the number, let it go.
    static func freePort() throws -> Int {
        let listening = try ListeningSocket()
        return listening.port
    }

    /// Saves a file of the copied site as an editor does: written whole, then renamed over.
    func replace(_ relative: String, _ old: String, with new: String) throws {
        let path = root + "/" + relative
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard text.contains(old) else { throw Failure(description: "\(relative) does not contain \(old)") }
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// HTTP/1.1 over a plain socket, byte for byte as given: no client normalizes the path or
/// refuses a header, so the server sees exactly what an attacker or a broken client sends.
enum RawHTTP {
    struct Response {
        let status: Int
        let head: String
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }

        func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
    }

    /// A connected socket to 127.0.0.1:port, or nil.
    static func connect(_ port: Int) -> Int32? {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            return nil
        }
        return fd
    }

    /// Sends every byte; false when the server closed the connection first.
    @discardableResult
    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// What came back for a request: a response, the connection closed without one, or
    /// nothing at all within the time allowed.
    enum Outcome: CustomStringConvertible {
        case response(Response)
        case closed
        case silent

        var response: Response? {
            if case .response(let response) = self { return response }
            return nil
        }

        var description: String {
            switch self {
            case .response(let response): "\(response.status)"
            case .closed: "closed"
            case .silent: "no answer"
            }
        }
    }

    /// Reads one response: its head, then `Content-Length` bytes of body (or to the end of the
    /// connection). Nil when the connection closed, or nothing came in `seconds`, before a head.
    static func receive(_ fd: Int32, seconds: Double) -> Response? {
        receiveOutcome(fd, seconds: seconds).response
    }

    static func receiveOutcome(_ fd: Int32, seconds: Double) -> Outcome {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(seconds)
        var headEnd: Int?
        var length: Int?
        var closed = false
        while Date() < deadline {
            if let end = headEnd {
                if let length, received.count - end >= length { break }
            } else if let range = find([13, 10, 13, 10], in: received) {
                headEnd = range
                let head = String(decoding: received[..<range], as: UTF8.self)
                length = Response(status: 0, head: head, body: []).header("Content-Length").flatMap { Int($0) }
                if let length, received.count - range >= length { break }
                continue
            }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            let remaining = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&fds, 1, min(remaining, 200)) > 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 {
                closed = true
                break
            }
            received += buffer[0..<count]
        }
        guard let end = headEnd else { return closed ? .closed : .silent }
        let head = String(decoding: received[..<end], as: UTF8.self)
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var body = Array(received[(end + 4)...])
        if let length, body.count > length { body = Array(body[..<length]) }
        return .response(Response(status: status, head: head, body: body))
    }

    /// Opens a connection, sends `request`, reads the response, closes.
    static func exchange(_ port: Int, _ request: [UInt8], seconds: Double = 10) -> Response? {
        exchangeOutcome(port, request, seconds: seconds).response
    }

    static func exchangeOutcome(_ port: Int, _ request: [UInt8], seconds: Double = 10) -> Outcome {
        guard let fd = connect(port) else { return .closed }
        defer { Glibc.close(fd) }
        send(fd, request)
        return receiveOutcome(fd, seconds: seconds)
    }

    /// A GET of `target` exactly as written, with Connection: close.
    static func get(_ port: Int, _ target: String, seconds: Double = 10) -> Response? {
        exchange(port, Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8), seconds: seconds)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}
