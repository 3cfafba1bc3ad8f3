import FixtureSupport
import Foundation
import Site
import Testing
@testable import Preview

/// The idle timeout, in process with a short one: connections that never make a request are
/// closed, the live-reload stream is not.
@Suite("Preview server idle connections")
struct PreviewIdleTests {
    @Test("connections that send nothing, half a request or only blank lines, and idle keep-alives, are closed after the idle timeout; the reload stream stays open")
    func idleConnectionsClosed() async throws {
        let session = PreviewSession(
            options: SiteBuilder.Options(
                content: FixtureSite.validSite + "/content", templates: FixtureSite.packageRoot + "/templates",
                output: "", baseURL: "http://127.0.0.1/"),
            log: { _ in })
        session.rebuild(after: nil)
        let app = PreviewServer.application(session: session, host: "127.0.0.1", port: 0, idleTimeout: .seconds(1))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let stream = try EventStreamReader(port: port)
            #expect(await stream.waitFor("retry: 500", seconds: 30))
            let outcomes: [(String, String)] = await onThread {
                var sockets: [(String, Int32)] = []
                if let fd = RawHTTP.connect(port) { sockets.append(("nothing sent", fd)) }
                if let fd = RawHTTP.connect(port) {
                    RawHTTP.send(fd, Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag".utf8))
                    sockets.append(("half a request", fd))
                }
                if let fd = RawHTTP.connect(port) {
                    RawHTTP.send(fd, Array(String(repeating: "\r\n", count: 50_000).utf8))
                    sockets.append(("only blank lines", fd))
                }
                if let fd = RawHTTP.connect(port) {
                    RawHTTP.send(fd, Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
                    let first = RawHTTP.receive(fd, seconds: 10)
                    sockets.append(("idle keep-alive after a \(first?.status ?? 0)", fd))
                }
                var outcomes: [(String, String)] = []
                for (name, fd) in sockets {
                    // Closed after about a second; 10 s is only the limit of the wait.
                    outcomes.append((name, "\(RawHTTP.receiveOutcome(fd, seconds: 10))"))
                    Glibc.close(fd)
                }
                return outcomes
            }
            #expect(outcomes.count == 4)
            for (name, outcome) in outcomes {
                #expect(outcome == "closed", "\(name): \(outcome)")
            }
            // The event stream has been open longer than the timeout, and still delivers.
            await session.hub.broadcast()
            #expect(await stream.waitFor("event: reload", seconds: 30), "the reload stream was cut by the idle timeout")
            stream.close()
            await session.hub.finishAll()
        }
    }

    /// Blocking socket work on a thread of its own, off the cooperative pool the server needs.
    func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
