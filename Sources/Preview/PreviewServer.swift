import Catalog
import Foundation
import Hummingbird
import NIOCore
import Site

/// `combos serve`: the site in memory over HTTP with Hummingbird, pages sent with
/// `Cache-Control: no-cache`, and a server-sent event stream that tells open pages to reload.
public enum PreviewServer {
    /// How long a connection may go without a request before the server closes it: one that
    /// sends nothing, stops half-way through its headers, or sends only blank lines, and a
    /// browser's idle keep-alive connection (which it reopens when it needs one). A response in
    /// progress, such as the live-reload event stream, is never cut. Without it each such
    /// connection held a socket for as long as the client kept it open.
    public static let idleTimeout = Duration.seconds(30)

    /// The HTTP side: every GET and HEAD answered from the session's current site.
    /// `onRunning` is called once the port is listening.
    public static func application(
        session: PreviewSession, host: String, port: Int, idleTimeout: Duration = PreviewServer.idleTimeout,
        onRunning: @escaping @Sendable () -> Void = {}
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: ReadOnlyMiddleware())
        let hub = session.hub
        router.get(RouterPath(PreviewPages.eventsPath)) { request, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    let page = request.uri.queryParameters.get("page").flatMap(PreviewPages.outputPath)
                    let (id, events) = await hub.subscribe(page: page)
                    do {
                        // When the page goes away its stream ends at once. Waiting for the next
                        // reload to find the connection closed kept every closed stream, its
                        // task and its socket until then: each page a reader left, or a client
                        // opening streams in a loop, grew the server by a socket and some 20 KB.
                        try await request.body.consumeWithInboundCloseHandler { _ in
                            try await writer.write(ByteBuffer(string: "retry: 500\n\n"))
                            for await event in events {
                                try await writer.write(ByteBuffer(string: "event: \(event)\ndata: {}\n\n"))
                            }
                        } onInboundClosed: {
                            Task { await hub.unsubscribe(id) }
                        }
                    } catch {
                        // The page went away.
                    }
                    await hub.unsubscribe(id)
                    try? await writer.finish(nil)
                })
        }
        let state = session.state
        @Sendable func respond(_ request: Request, head: Bool) async -> Response {
            // After an early reload, what the rest of the rebuild may change waits for it.
            if let path = PreviewPages.outputPath(request.uri.path) { await state.settle(path) }
            let answer = PreviewPages.answer(path: request.uri.path, served: state.served)
            var headers: HTTPFields = [.contentType: answer.contentType, .cacheControl: "no-cache"]
            if let location = answer.location { headers[.location] = location }
            headers[.contentLength] = String(answer.body.count)
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                headers: headers,
                body: head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        router.get("/") { request, _ in await respond(request, head: false) }
        router.head("/") { request, _ in await respond(request, head: true) }
        router.get("**") { request, _ in await respond(request, head: false) }
        router.head("**") { request, _ in await respond(request, head: true) }
        let (seconds, attoseconds) = idleTimeout.components
        let idle = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: idle)),
            configuration: .init(address: .hostname(host, port: port), serverName: "combos serve"),
            onServerRunning: { _ in onRunning() })
    }

    /// Builds, watches and serves until Ctrl-C (or SIGTERM), then stops cleanly.
    public static func run(options: SiteBuilder.Options, host: String, port: Int, verbose: Bool) async throws {
        if let problem = portProblem(host: host, port: port) { throw ServeError(message: problem) }
        let session = PreviewSession(options: options, verbose: verbose)
        try session.start()
        defer { session.stop() }
        // Hummingbird's own log lines (start, shutdown) would only repeat ours; LOG_LEVEL=info brings them back.
        if ProcessInfo.processInfo.environment["LOG_LEVEL"] == nil { setenv("LOG_LEVEL", "critical", 1) }
        // Said once the port listens, not before: a script (or a test) that opens the address as
        // soon as it reads this line must not find the port closed, as it did about one start
        // in three on a loaded machine.
        let address = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/"
        let content = displayPath(options.content)
        let app = application(session: session, host: host, port: port) {
            PreviewSession.say("serving \(content) at \(address) (Ctrl-C stops)")
        }
        let server = Task { try await app.run() }
        // Ctrl-C and SIGTERM: close the open event streams, say so, and exit. The preview holds
        // nothing to save, and a graceful stop of the server is not safe: a connection accepted
        // while it winds down traps in swift-nio ("Deinited NIOAsyncWriter without calling
        // finish()", seen about one stop in six under load with requests in flight).
        let hub = session.hub
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Task {
                    await hub.finishAll()
                    PreviewSession.say("stopped")
                    exit(0)
                }
            }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }
        do {
            try await server.value
        } catch is CancellationError {
            // Stopped by a signal.
        } catch {
            if Task.isCancelled || server.isCancelled { return }
            throw ServeError(message: "the server stopped: \(error)")
        }
        PreviewSession.say("stopped")
    }

    public struct ServeError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// A clear message when the port cannot be had, before anything is built.
    static func portProblem(host: String, port: Int) -> String? {
        #if canImport(Glibc)
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            return "cannot listen on \(host): it is not an address or a host name this machine knows (pass --host 127.0.0.1)"
        }
        defer { freeaddrinfo(result) }
        let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard socket >= 0 else { return nil }
        defer { close(socket) }
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        if bind(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let reason = errno
            if reason == EADDRINUSE { return "port \(port) is already in use on \(host); pass --port with another number, for example --port \(port + 1)" }
            if reason == EACCES { return "port \(port) needs privileges on this machine; pass --port with a number above 1023, for example --port 8080" }
            return "cannot listen on \(host):\(port): \(String(cString: strerror(reason)))"
        }
        #endif
        return nil
    }
}

/// The preview only serves files: a request with any method but GET or HEAD (a form's POST, a
/// PUT from a script) is told so with 405 and the methods it takes, not a 404 that reads as if
/// the page were missing.
struct ReadOnlyMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            let text = "The preview serves GET and HEAD"
            return Response(
                status: .methodNotAllowed,
                headers: [.allow: "GET, HEAD", .contentType: "text/plain; charset=utf-8", .contentLength: String(text.utf8.count)],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return try await next(request, context)
    }
}
