import Foundation

/// What the file system says about a file without reading it: which file it is, its size and
/// when it was last written. `combos serve` reads every content file again after each save; a
/// file whose stamp is the one it had when it was last read, long enough ago, is taken as
/// unchanged without reading it (at ten thousand combos, reading them all was a quarter of
/// each preview rebuild).
public struct FileStamp: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int64
    let modifiedNanoseconds: Int64

    /// How long after its last write a file's stamp is trusted: the file system keeps write
    /// times in ticks of a few milliseconds, so two writes within one tick that leave the same
    /// size leave the same stamp. A file read that soon after a write is read again next time
    /// (the way git treats "racily clean" files), however often it is asked.
    static let settleSeconds: Int64 = 2

    /// The stamp of the file at `path`, or nil when it cannot be read (gone, no permission).
    public static func of(_ path: String) -> (stamp: FileStamp, isDirectory: Bool)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        let stamp = FileStamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedSeconds: Int64(modified.tv_sec), modifiedNanoseconds: Int64(modified.tv_nsec))
        return (stamp, (info.st_mode & S_IFMT) == S_IFDIR)
    }

    /// Whether the file was last written well before `time` (seconds since 1970), the moment
    /// its bytes were read: no later write can leave this same stamp unnoticed.
    public func isSettled(at time: Int64) -> Bool {
        modifiedSeconds + Self.settleSeconds <= time
    }
}

extension FileStamp {
    /// The stamp as one word, `device:inode:size:seconds:nanoseconds` in decimal, for a file that
    /// keeps it between runs (`InputStamps`, beside `combos build`'s output).
    public var text: String {
        "\(device):\(inode):\(size):\(modifiedSeconds):\(modifiedNanoseconds)"
    }

    /// The stamp `text` wrote, or nil for anything else.
    public init?(text: Substring) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 5, let device = UInt64(parts[0]), let inode = UInt64(parts[1]), let size = Int64(parts[2]),
              let seconds = Int64(parts[3]), let nanoseconds = Int64(parts[4]) else { return nil }
        self.init(device: device, inode: inode, size: size, modifiedSeconds: seconds, modifiedNanoseconds: nanoseconds)
    }
}
