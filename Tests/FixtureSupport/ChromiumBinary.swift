import Foundation

/// Where this machine's headless Chromium is, for the suites that look at pages as a visitor's
/// browser does (the site's, and the preview's live reload).
public enum ChromiumBinary {
    public struct Missing: Error, CustomStringConvertible {
        public let description = "headless Chromium is not installed (apt-get install chromium; ./dev.sh test does it)"
        public init() {}
    }

    public static func path() throws -> String {
        guard let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { throw Missing() }
        return binary
    }
}
