import Catalog
import Foundation

/// The input files' stamps (`FileStamp`: device, inode, size, write time) with their hashes,
/// as the last `combos build` saw them, kept beside the output (`.public.stamps`). The next build
/// takes a file whose stamp is the kept one to have the kept hash without reading it, as
/// `git status` does; with nothing in the page cache, reading every file of a 10,000-combo
/// catalog was most of a build with no change.
///
/// A stamp is kept only if it had settled (`FileStamp.isSettled`) before its file was read: two
/// writes of the same size within one tick of the file system's clock leave the same stamp, so
/// a file read that soon after a write is read again next time.
///
/// Beside the output, not in its manifest: a stamp says where a file sits on this disk, and the
/// output of the same inputs is the same bytes wherever it is built. Only a cache: deleting it
/// is always safe, and `--clean` reads every file.
struct InputStamps: Equatable, Sendable {
    struct Entry: Equatable, Sendable {
        var hash: UInt64
        var stamp: FileStamp
    }

    /// By input key, `content/...` or `templates/...` (`BuildManifest.inputs`).
    var entries: [String: Entry] = [:]

    /// Raised when the encoding below changes.
    static let formatVersion = 1
    private static let magic = "combos-input-stamps"

    /// The fingerprint a file must carry to be read: the binary's, so that a new `combos` reads
    /// every file once.
    static func fingerprint() -> UInt64 {
        StableHash.hash("input stamps \(BuildManifest.binaryFingerprint())")
    }

    /// A header, then a line per input: its hash, a tab, its stamp (`FileStamp.text`), a tab,
    /// its key. A key that would break its line is left out: that file is read every time.
    func encoded(fingerprint: UInt64) -> Data {
        var text = "\(Self.magic) \(Self.formatVersion) \(String(fingerprint, radix: 16))\n"
        for (key, entry) in entries.sorted(by: { $0.key < $1.key }) where !key.contains(where: { $0 == "\t" || $0.isNewline }) {
            text += "\(String(entry.hash, radix: 16))\t\(entry.stamp.text)\t\(key)\n"
        }
        return Data(text.utf8)
    }

    /// The stamps in `data`, when it is a whole file written with this `fingerprint`; nil
    /// otherwise (a file cut short, damaged or from another binary is not read at all).
    init?(_ data: Data, fingerprint: UInt64) {
        guard let text = String(data: data, encoding: .utf8), text.hasSuffix("\n") else { return nil }
        var lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == "\(Self.magic) \(Self.formatVersion) \(String(fingerprint, radix: 16))" else { return nil }
        entries.reserveCapacity(lines.count)
        for line in lines {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 3, let hash = UInt64(parts[0], radix: 16), let stamp = FileStamp(text: parts[1]),
                  !parts[2].isEmpty, entries[String(parts[2])] == nil
            else { return nil }
            entries[String(parts[2])] = Entry(hash: hash, stamp: stamp)
        }
    }

    init() {}
}
