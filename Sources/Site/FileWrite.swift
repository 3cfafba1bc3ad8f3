import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writing output files and folders with plain system calls.
///
/// Foundation's `Data.write(to:)` on Linux flushes every file to the disk (`fsync`) before it
/// returns: a build of ten thousand combos waited on the disk for each of its twenty thousand
/// pages, and its render workers sat idle about a quarter of the time. The output is swapped
/// in by `rename`, which is what makes a killed build harmless; like Hugo and Zola, the build
/// leaves flushing the files to the system.
enum FileWrite {
    /// Writes `contents` to a new file (or over an existing one) at `path`, mode 0666 less the umask.
    /// With `makingFolders`, the folders above it are made when missing (by whichever thread
    /// gets there first: a folder another thread just made is fine).
    static func write(_ contents: Data, to path: String, makingFolders: Bool = false) throws {
        try contents.withUnsafeBytes { try write($0, to: path, makingFolders: makingFolders) }
    }

    static func write(_ bytes: UnsafeRawBufferPointer, to path: String, makingFolders: Bool = false) throws {
        var descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        if descriptor < 0, errno == ENOENT, makingFolders {
            try makeFolder((path as NSString).deletingLastPathComponent)
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        }
        guard descriptor >= 0 else { throw failure(path) }
        var written = 0
        let total = bytes.count
        var failed: Int32?
        if let base = bytes.baseAddress {
            while written < total {
                let count = Foundation.write(descriptor, base + written, total - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    break
                }
                written += count
            }
        }
        let closed = close(descriptor)
        if let failed { throw failure(path, errno: failed) }
        if closed != 0 { throw failure(path) }
    }

    /// Creates the folder at `path` and any missing folders above it; a folder already there is fine.
    static func makeFolder(_ path: String) throws {
        if mkdir(path, 0o777) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw failure(path) }
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else { throw failure(path) }
        try makeFolder(parent)
        if mkdir(path, 0o777) != 0 && errno != EEXIST { throw failure(path) }
    }

    /// A file or folder that could not be written, and the system's reason ("No space left on
    /// device"): the build's diagnostic names the page.
    struct Failure: LocalizedError {
        let path: String
        let reason: String
        var errorDescription: String? { reason }
    }

    private static func failure(_ path: String, errno code: Int32 = errno) -> Error {
        Failure(path: path, reason: String(cString: strerror(code)))
    }
}
