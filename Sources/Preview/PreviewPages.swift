import Catalog
import Foundation
import Site

/// How the preview answers a request path from the site in memory: which file, with which type,
/// with the live-reload script and, after a failed rebuild, the error overlay added to pages.
/// Pure, so the rules are tested without a server.
public enum PreviewPages {
    public struct Answer: Equatable, Sendable {
        public var status: Int
        public var contentType: String
        public var body: Data
        /// For a folder asked for without its slash: where to send the browser.
        public var location: String?
    }

    /// The path of the live-reload event stream.
    public static let eventsPath = "/__livereload"

    /// The script that reloads the page when the site changed. Injected at the start of `<head>`
    /// of every page the preview serves, never into `combos build` output.
    /// It says which page it is on, so a rebuild can render that page first.
    public static let reloadScript = #"<script>(function(){var s=new EventSource("/__livereload?page="+encodeURIComponent(location.pathname));s.addEventListener("reload",function(){s.close();location.reload();});})();</script>"#

    /// The output path a request path asks for (`/hardware-combos/x/` is
    /// `hardware-combos/x/index.html`); nil for a path `answer` refuses.
    public static func outputPath(_ rawPath: String) -> String? {
        guard let decoded = rawPath.removingPercentEncoding, decoded.hasPrefix("/"), isInside(decoded) else { return nil }
        return relative(decoded)
    }

    static func isInside(_ decoded: String) -> Bool {
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        return !(segments.contains(where: { $0 == ".." || $0 == "." }) || decoded.contains("\\") || decoded.contains("\0"))
    }

    static func relative(_ decoded: String) -> String {
        var relative = String(decoded.dropFirst())
        if relative.isEmpty || relative.hasSuffix("/") { relative += "index.html" }
        return relative
    }

    public static func answer(path rawPath: String, files: [String: Data], diagnostics: [Diagnostic]) -> Answer {
        answer(path: rawPath, file: { files[$0] }, diagnostics: diagnostics)
    }

    /// The answer for a request, from what the preview serves now (read once for the request).
    public static func answer(path rawPath: String, served: PreviewState.Served) -> Answer {
        answer(path: rawPath, file: { served[$0] }, diagnostics: served.diagnostics)
    }

    /// `file` looks up an output path in the site being served.
    static func answer(path rawPath: String, file: (String) -> Data?, diagnostics: [Diagnostic]) -> Answer {
        // Decode %xx once, then refuse anything that could climb out of the site.
        guard let decoded = rawPath.removingPercentEncoding, decoded.hasPrefix("/") else {
            return page(status: 400, title: "Bad request", message: "That path is not a path.", diagnostics: diagnostics)
        }
        guard isInside(decoded) else {
            return page(status: 400, title: "Bad request", message: "Paths may not climb out of the site.", diagnostics: diagnostics)
        }
        let relative = relative(decoded)
        if let data = file(relative) {
            return serve(relative, data, diagnostics: diagnostics)
        }
        // A folder asked for without its slash: send the browser to it, so relative links work.
        if file(relative + "/index.html") != nil {
            return Answer(status: 301, contentType: "text/plain; charset=utf-8", body: Data(), location: decoded + "/")
        }
        return page(status: 404, title: "Not found", message: "There is no page or file at \(decoded) in the site.", diagnostics: diagnostics)
    }

    static func serve(_ path: String, _ data: Data, diagnostics: [Diagnostic]) -> Answer {
        let type = contentType(of: path)
        guard type.hasPrefix("text/html") else { return Answer(status: 200, contentType: type, body: data) }
        return Answer(status: 200, contentType: type, body: Data(inject(String(decoding: data, as: UTF8.self), diagnostics: diagnostics).utf8))
    }

    /// The page with the reload script at the start of its head and, when there are
    /// diagnostics, the overlay at the start of its body.
    ///
    /// Built pages carry a Content-Security-Policy `<meta>` that forbids inline script and style.
    /// A policy in `<meta>` governs only what follows it, so the script (and the overlay's
    /// stylesheet) go first in `<head>`, before the page's own tags, and the overlay's markup
    /// has no `style` attribute.
    public static func inject(_ html: String, diagnostics: [Diagnostic]) -> String {
        var html = html
        let head = reloadScript + (diagnostics.isEmpty ? "" : overlayStyle)
        if let start = html.range(of: "<head>") {
            html.insert(contentsOf: head, at: start.upperBound)
        } else {
            html = head + html
        }
        if !diagnostics.isEmpty {
            let overlay = overlay(diagnostics)
            if let body = html.range(of: "<body") , let close = html[body.upperBound...].firstIndex(of: ">") {
                html.insert(contentsOf: overlay, at: html.index(after: close))
            } else {
                html += overlay
            }
        }
        return html
    }

    /// The look of the error overlay, injected into `<head>` with the reload script.
    public static let overlayStyle = "<style>"
        + "#combos-error-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.97);color:#fff;padding:2rem;font:15px/1.5 system-ui,sans-serif}"
        + "#combos-error-overlay h2{margin:0 0 .5rem;padding:0;border:0;color:#ff8a80;font-size:1.3rem}"
        + "#combos-error-overlay p{margin:0 0 1rem}"
        + "#combos-error-overlay ol{padding-left:1.2rem;display:grid;gap:.8rem}"
        + "#combos-error-overlay pre{white-space:pre-wrap;margin:0;padding:.6rem .8rem;background:#000;color:#f5f5f5;border-radius:6px;font:13px/1.45 ui-monospace,monospace}"
        + "</style>"

    /// The diagnostics of a failed rebuild, over the last good page, as `combos check` prints them.
    public static func overlay(_ diagnostics: [Diagnostic]) -> String {
        let items = diagnostics.prefix(50).map { diagnostic in
            "<li><pre>" + escapeHTML(diagnostic.description) + "</pre></li>"
        }.joined()
        let more = diagnostics.count > 50 ? "<p>… and \(diagnostics.count - 50) more; run combos check for all of them.</p>" : ""
        return """
            <div id="combos-error-overlay" role="alert">\
            <h2>The last edit broke the site</h2>\
            <p>This is the last good build. Fix the file and the page reloads by itself.</p>\
            <ol>\(items)</ol>\(more)</div>
            """
    }

    static func page(status: Int, title: String, message: String, diagnostics: [Diagnostic]) -> Answer {
        let html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(escapeHTML(title))</title></head><body>"
            + "<h1>\(escapeHTML(title))</h1><p>\(escapeHTML(message))</p><p><a href=\"/\">The home page</a></p></body></html>"
        return Answer(status: status, contentType: "text/html; charset=utf-8", body: Data(inject(html, diagnostics: diagnostics).utf8))
    }

    public static func contentType(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.split(separator: ".").count > 1 ? String(name.split(separator: ".").last!).lowercased() : ""
        switch ext {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "xml": return "application/xml"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        case "ico": return "image/x-icon"
        case "txt": return "text/plain; charset=utf-8"
        case "woff2": return "font/woff2"
        default: return "application/octet-stream"
        }
    }
}
