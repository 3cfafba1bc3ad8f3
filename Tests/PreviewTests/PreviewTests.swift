import Catalog
import FixtureSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Site
import Testing
@testable import Preview

/// A copy of the shipped content and templates to edit, and a preview session over it.
final class Workspace: @unchecked Sendable {
    let root: String
    let session: PreviewSession
    let lines = LineLog()

    init() throws {
        root = TestScratch.path("combos-serve")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for folder in ["content", "templates"] {
            try FileManager.default.copyItem(atPath: FixtureSupport.FixtureSite.packageRoot + "/" + folder, toPath: root + "/" + folder)
        }
        let lines = self.lines
        session = PreviewSession(
            options: SiteBuilder.Options(content: root + "/content", templates: root + "/templates", output: "", baseURL: "http://127.0.0.1/"),
            verbose: true, log: { lines.append($0) })
    }

    deinit {
        session.stop()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Saves a file as an editor does: the whole file written at once.
    func replace(_ relative: String, _ old: String, with new: String) throws {
        try replace(relative, [(old, new)])
    }

    /// Several changes to one file in one save, as an editor makes them: two saves in a row can
    /// be two bursts on a busy machine, and so two rebuilds.
    func replace(_ relative: String, _ changes: [(old: String, new: String)]) throws {
        let path = root + "/" + relative
        var text = try String(contentsOfFile: path, encoding: .utf8)
        for (old, new) in changes {
            precondition(text.contains(old), "\(relative) does not contain \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func page(_ path: String) -> String {
        let answer = PreviewPages.answer(path: path, served: session.state.served)
        return String(decoding: answer.body, as: UTF8.self)
    }

    /// Waits until `condition` holds, at most `seconds`.
    func wait(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition()
    }
}

final class LineLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite("Preview pages")
struct PreviewPagesTests {
    let files: [String: Data] = [
        "index.html": Data("<!doctype html><html><head><title>Home</title></head><body><p>hi</p></body></html>".utf8),
        "hardware-combos/x/index.html": Data("<html><head></head><body class=\"page\">x</body></html>".utf8),
        "assets/site.css": Data("body{}".utf8),
        "assets/fit.js": Data("var a;".utf8),
        "will-it-run/custom/fit-data.js": Data("window.X = 1;".utf8),
    ]

    @Test("pages get the reload script at the start of <head>; files keep their bytes and get their types")
    func types() {
        let home = PreviewPages.answer(path: "/", files: files, diagnostics: [])
        #expect(home.status == 200)
        #expect(home.contentType == "text/html; charset=utf-8")
        #expect(String(decoding: home.body, as: UTF8.self).hasPrefix("<!doctype html><html><head>" + PreviewPages.reloadScript + "<title>"))
        let page = PreviewPages.answer(path: "/hardware-combos/x/", files: files, diagnostics: [])
        #expect(String(decoding: page.body, as: UTF8.self).contains(PreviewPages.reloadScript))
        let css = PreviewPages.answer(path: "/assets/site.css", files: files, diagnostics: [])
        #expect(css.contentType == "text/css; charset=utf-8" && css.body == files["assets/site.css"])
        #expect(PreviewPages.answer(path: "/assets/fit.js", files: files, diagnostics: []).contentType == "text/javascript; charset=utf-8")
        #expect(PreviewPages.answer(path: "/will-it-run/custom/fit-data.js", files: files, diagnostics: []).body == files["will-it-run/custom/fit-data.js"])
        let folder = PreviewPages.answer(path: "/hardware-combos/x", files: files, diagnostics: [])
        #expect(folder.status == 301 && folder.location == "/hardware-combos/x/")
        #expect(PreviewPages.answer(path: "/hardware-combos/y/", files: files, diagnostics: []).status == 404)
    }

    @Test("paths that climb out of the site are refused, encoded or not", arguments: [
        "/../Package.swift", "/assets/../../Package.swift", "/%2e%2e/Package.swift", "/assets/%2E%2E%2F%2E%2E%2FPackage.swift",
        "/assets/..%2fsite.css", "/./index.html", "/assets\\..\\site.css", "/%00/index.html",
    ])
    func traversal(path: String) {
        let answer = PreviewPages.answer(path: path, files: files, diagnostics: [])
        #expect(answer.status == 400 || answer.status == 404, "\(path) gave \(answer.status)")
    }

    @Test("after a failed rebuild every page carries the diagnostics over it, escaped")
    func overlay() {
        let diagnostic = Diagnostic(at: SourceLocation(path: "content/combos/x.md", line: 12, column: 3), "unknown field \"<b>failure_mode</b>\"",
                                    lineText: "failure_mode:")
        let page = String(decoding: PreviewPages.answer(path: "/hardware-combos/x/", files: files, diagnostics: [diagnostic]).body, as: UTF8.self)
        #expect(page.contains("<body class=\"page\"><div id=\"combos-error-overlay\" role=\"alert\""))
        #expect(page.contains("content/combos/x.md:12:3: error: unknown field &quot;&lt;b&gt;failure_mode&lt;/b&gt;&quot;"))
        #expect(!page.contains("<b>failure_mode</b>"))
        #expect(page.contains("x</body>"), "the last good page is still under it")
    }
}

@Suite("Preview server")
struct PreviewServerTests {
    @Test("with Hummingbird's test client: pages, assets and the event stream's headers, with no-cache; other methods than GET and HEAD get 405")
    func served() async throws {
        let workspace = try Workspace()
        workspace.session.rebuild(after: nil)
        let app = PreviewServer.application(session: workspace.session, host: "127.0.0.1", port: 0)
        try await app.test(.router) { client in
            try await client.execute(uri: "/hardware-combos/quad-mac-mini-m4-pro-exo/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-cache")
                let body = String(buffer: response.body)
                #expect(body.contains("<head>" + PreviewPages.reloadScript))
                #expect(body.contains("4x Mac mini M4 Pro exo cluster"))
            }
            try await client.execute(uri: "/assets/site.css", method: .get) { response in
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-cache")
            }
            try await client.execute(uri: "/", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/%2e%2e/Package.swift", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/no/such/page/", method: .get) { response in
                #expect(response.status == .notFound)
            }
            // A form or a script writing to the preview: the page exists, the method is refused.
            for method in [HTTPRequest.Method.post, .put, .delete, .options] {
                try await client.execute(uri: "/", method: method, body: ByteBuffer(string: "a=1")) { response in
                    #expect(response.status == .methodNotAllowed, "\(method)")
                    #expect(response.headers[.allow] == "GET, HEAD")
                    #expect(String(buffer: response.body) == "The preview serves GET and HEAD")
                }
            }
        }
    }

    @Test("on a real port, the reload event arrives after an edit, with the edit already served")
    func reloadAfterEdit() async throws {
        let workspace = try Workspace()
        try workspace.session.start()
        // The test client keeps one connection for the whole test. On a busy two-core run this
        // test can wait minutes for a cooperative thread (other suites block theirs on builds and
        // processes), and with the server's 30-second idle timeout the connection was closed
        // under it ("I/O on closed channel"): the timeout is not what this test is about.
        let app = PreviewServer.application(session: workspace.session, host: "127.0.0.1", port: 0, idleTimeout: .seconds(900))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let stream = try EventStreamReader(port: port)
            #expect(await stream.waitFor("retry: 500", seconds: 60))
            try workspace.replace("content/combos/quad-mac-mini-m4-pro-exo.md", "A node disappears from RDMA placements", with: "A mini drops out of RDMA placements")
            #expect(await stream.waitFor("event: reload", seconds: 60))
            // By the time the event is sent the new page is what the server serves.
            try await client.execute(uri: "/hardware-combos/quad-mac-mini-m4-pro-exo/", method: .get) { response in
                #expect(String(buffer: response.body).contains("A mini drops out of RDMA placements"))
            }
            stream.close()
            await workspace.session.hub.finishAll()
        }
        let rebuilt = workspace.lines.all.first { $0.hasPrefix("rebuilt") } ?? ""
        #expect(rebuilt.contains("content/combos/quad-mac-mini-m4-pro-exo.md"))
        #expect(rebuilt.contains("reload sent"))
    }

    @Test("the page a browser has open is rendered first and the reload sent then; other pages wait for the rest of the rebuild, never stale")
    func openPageFirst() async throws {
        let workspace = try Workspace()
        try workspace.session.start()
        let app = PreviewServer.application(session: workspace.session, host: "127.0.0.1", port: 0, idleTimeout: .seconds(900))
        let combo = "/hardware-combos/dual-rtx-3090/"
        let willItRun = "/will-it-run/combo/dual-rtx-3090/"
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let stream = try EventStreamReader(port: port, page: combo)
            #expect(await stream.waitFor("retry: 500", seconds: 60))
            #expect(workspace.session.hub.openPages == ["hardware-combos/dual-rtx-3090/index.html"])
            let before = workspace.session.state.rebuilds
            // A machine swap: most pages of the site change.
            try workspace.replace("content/combos/dual-rtx-3090.md", "machine: dual-rtx-3090-workstation", with: "machine: dual-rtx-4090-workstation")
            #expect(await stream.waitFor("event: reload", seconds: 60))
            var early: [String: String] = [:]
            for path in [combo, willItRun, "/hardware-combos/"] {
                try await client.execute(uri: path, method: .get) { response in early[path] = String(buffer: response.body) }
            }
            #expect(early[combo]?.contains("machines/dual-rtx-4090-workstation/") == true)
            // Once the rebuild is over, every page asked for after the reload is what it serves.
            #expect(workspace.wait { workspace.session.state.rebuilds > before })
            for path in [combo, willItRun, "/hardware-combos/"] {
                #expect(early[path] == workspace.page(path), "\(path) was served from before the edit")
            }

            // A broken edit (the machine swapped back, a field misspelt), then the fix: the open
            // page comes back early, without the error overlay, and the other pages after the rest.
            let broken = workspace.session.state.rebuilds
            try workspace.replace("content/combos/dual-rtx-3090.md", [
                ("machine: dual-rtx-4090-workstation", "machine: dual-rtx-3090-workstation"),
                ("\nfailure_modes:", "\nfailure_modez:"),
            ])
            #expect(workspace.wait { workspace.session.state.rebuilds > broken })
            #expect(workspace.page(combo).contains("combos-error-overlay"))
            #expect(await stream.waitFor("event: reload", times: 2, seconds: 60))
            let fixed = workspace.session.state.rebuilds
            try workspace.replace("content/combos/dual-rtx-3090.md", "\nfailure_modez:", with: "\nfailure_modes:")
            #expect(await stream.waitFor("event: reload", times: 3, seconds: 60))
            for path in [combo, willItRun] {
                try await client.execute(uri: path, method: .get) { response in early[path] = String(buffer: response.body) }
            }
            #expect(early[combo]?.contains("combos-error-overlay") == false)
            #expect(early[combo]?.contains("machines/dual-rtx-3090-workstation/") == true)
            #expect(workspace.wait { workspace.session.state.rebuilds > fixed })
            for path in [combo, willItRun] {
                #expect(early[path] == workspace.page(path), "\(path) after the fix")
            }
            stream.close()
            await workspace.session.hub.finishAll()
        }
        let rebuilt = workspace.lines.all.filter { $0.hasPrefix("rebuilt") }
        #expect(rebuilt.count == 2)
        #expect(rebuilt.allSatisfy { $0.contains("with the open page rendered first") }, "\(rebuilt)")
        #expect(workspace.session.hub.openPages.isEmpty)
    }

    @Test("a page open in headless Chromium says which page it is, so the rebuild renders it first")
    func openInChromium() async throws {
        let binary = try ChromiumBinary.path()
        let workspace = try Workspace()
        try workspace.session.start()
        let app = PreviewServer.application(session: workspace.session, host: "127.0.0.1", port: 0, idleTimeout: .seconds(900))
        let page = "hardware-combos/dual-rtx-3090/index.html"
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let profile = TestScratch.path("chromium")
            let browser = Process()
            browser.executableURL = URL(fileURLWithPath: binary)
            browser.arguments = [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir=\(profile)", "--remote-debugging-port=0", "http://127.0.0.1:\(port)/hardware-combos/dual-rtx-3090/",
            ]
            browser.standardOutput = FileHandle.nullDevice
            browser.standardError = FileHandle.nullDevice
            try browser.run()
            defer {
                browser.terminate()
                browser.waitUntilExit()
                try? FileManager.default.removeItem(atPath: profile)
            }
            #expect(await offThePool(seconds: 120) { workspace.session.hub.openPages.contains(page) })
            let before = workspace.session.state.rebuilds
            try workspace.replace("content/combos/dual-rtx-3090.md", "machine: dual-rtx-3090-workstation", with: "machine: dual-rtx-4090-workstation")
            #expect(await offThePool(seconds: 120) { workspace.session.state.rebuilds > before })
            // The reload reached the page: it closed its stream and opened a new one.
            #expect(await offThePool(seconds: 60) { workspace.lines.all.contains { $0.hasPrefix("rebuilt") } && workspace.session.hub.openPages.contains(page) })
            await workspace.session.hub.finishAll()
        }
        let rebuilt = workspace.lines.all.first { $0.hasPrefix("rebuilt") } ?? ""
        #expect(rebuilt.contains("with the open page rendered first"), "\(rebuilt)")
    }

    /// Waits on a thread of its own until `condition` holds, at most `seconds`: a blocking wait
    /// must not hold one of the cooperative threads the server under test needs.
    func offThePool(seconds: Double, _ condition: @escaping @Sendable () -> Bool) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let deadline = Date().addingTimeInterval(seconds)
                while !condition(), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
                continuation.resume(returning: condition())
            }
        }
    }

    @Test("a port in use is named, with the flag that changes it")
    func portInUse() throws {
        let socket = try ListeningSocket()
        let message = try #require(PreviewServer.portProblem(host: "127.0.0.1", port: socket.port))
        #expect(message == "port \(socket.port) is already in use on 127.0.0.1; pass --port with another number, for example --port \(socket.port + 1)")
        #expect(PreviewServer.portProblem(host: "no such host.invalid", port: 8080)?.contains("--host") == true)
    }
}

@Suite("Preview rebuilds")
struct PreviewRebuildTests {
    @Test("a broken edit shows the error over the last good page at its line and column; fixing it removes it")
    func brokenAndFixed() throws {
        let workspace = try Workspace()
        try workspace.session.start()
        let good = workspace.page("/hardware-combos/quad-mac-mini-m4-pro-exo/")
        let before = workspace.session.state.rebuilds
        try workspace.replace("content/combos/quad-mac-mini-m4-pro-exo.md", "\nfailure_modes:", with: "\nfailure_modez:")
        #expect(workspace.wait { workspace.session.state.rebuilds > before })
        let broken = workspace.page("/hardware-combos/quad-mac-mini-m4-pro-exo/")
        let text = try String(contentsOfFile: workspace.root + "/content/combos/quad-mac-mini-m4-pro-exo.md", encoding: .utf8)
        let line = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("failure_modez:") }) + 1
        #expect(broken.contains("combos-error-overlay"))
        #expect(broken.contains("content/combos/quad-mac-mini-m4-pro-exo.md:\(line):1: error: unknown field &quot;failure_modez&quot;"))
        // Every page shows it, over the last good build.
        #expect(workspace.page("/").contains("combos-error-overlay"))
        #expect(broken.contains("A node disappears from RDMA placements"))

        let failed = workspace.session.state.rebuilds
        try workspace.replace("content/combos/quad-mac-mini-m4-pro-exo.md", "\nfailure_modez:", with: "\nfailure_modes:")
        #expect(workspace.wait { workspace.session.state.rebuilds > failed })
        let fixed = workspace.page("/hardware-combos/quad-mac-mini-m4-pro-exo/")
        #expect(!fixed.contains("combos-error-overlay"))
        #expect(fixed == good)
    }

    @Test("a burst of saves gives one rebuild; editors' swap files give none")
    func burst() throws {
        let workspace = try Workspace()
        try workspace.session.start()
        let before = workspace.session.state.rebuilds
        let path = workspace.root + "/content/combos/quad-rtx-3090.md"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // The saves follow each other within microseconds, unless this thread is made to wait
        // for a core (two cores, other suites' servers and builds beside it): a pause as long
        // as the watcher's quiet window (10 ms) rightly ends a burst. Pauses of half of it or
        // more are counted, and each may start one more rebuild; with none, there is one.
        let clock = ContinuousClock()
        var pauses = 0
        var last = clock.now
        for index in 1...6 {
            try text.replacingOccurrences(of: "title: \"4x RTX 3090", with: "title: \"\(index)x RTX 3090").write(toFile: path, atomically: true, encoding: .utf8)
            let now = clock.now
            if index > 1, now - last >= .milliseconds(5) { pauses += 1 }
            last = now
        }
        #expect(workspace.wait { workspace.session.state.rebuilds > before })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(workspace.session.state.rebuilds >= before + 1)
        #expect(workspace.session.state.rebuilds <= before + 1 + pauses, "\(pauses) pauses of 5 ms or more between the saves")
        #expect(workspace.page("/hardware-combos/quad-rtx-3090/").contains("6x RTX 3090"))

        let quiet = workspace.session.state.rebuilds
        for name in [".quad-rtx-3090.md.swp", "quad-rtx-3090.md~", "4913", "#quad.md#"] {
            try "scratch".write(toFile: workspace.root + "/content/combos/" + name, atomically: false, encoding: .utf8)
            try FileManager.default.removeItem(atPath: workspace.root + "/content/combos/" + name)
        }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(workspace.session.state.rebuilds == quiet)
    }
}

/// Reads a server-sent event stream over a plain socket, as a browser's EventSource does.
/// Unchecked: one test uses it, one read at a time.
final class EventStreamReader: @unchecked Sendable {
    private let socket: Int32
    private var received = ""

    /// `page` is the page the stream says it listens for, as the reload script sends it.
    init(port: Int, page: String? = nil) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Chromeless(message: "cannot connect to port \(port)") }
        let query = page.map { "?page=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? ""
        let request = "GET /__livereload\(query) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { send(socket, $0, strlen($0), 0) }
    }

    /// Reads until the stream has contained `text` (`times` times), at most `seconds`.
    func read(until text: String, times: Int = 1, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        func seen() -> Bool { received.components(separatedBy: text).count > times }
        while !seen(), Date() < deadline {
            var fds = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 100) > 0 else { continue }
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return seen()
    }

    /// `read(until:seconds:)` on a thread of its own. The blocking poll must not hold one of the
    /// few cooperative threads (two on a two-core machine) that the server under test also needs,
    /// or a busy test run starves the server and the wait times out. The generous limit only
    /// matters when something is wrong: the wait ends as soon as the text arrives.
    func waitFor(_ text: String, times: Int = 1, seconds: Double) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.read(until: text, times: times, seconds: seconds)) }
        }
    }

    func close() { Glibc.close(socket) }

    struct Chromeless: Error { let message: String }
}

/// A port taken by another program.
final class ListeningSocket {
    let socket: Int32
    let port: Int

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socket = socket
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && listen(socket, 1) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw EventStreamReader.Chromeless(message: "cannot bind") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { Glibc.close(socket) }
}
