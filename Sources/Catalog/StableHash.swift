import Foundation

/// A 64-bit hash of bytes that is the same in every process (Swift's `Hasher` is seeded per
/// process, so it cannot be kept in a file): eight bytes at a time, each word mixed in with a
/// multiply and a shift, then the last few bytes one by one, FNV-1a style. Byte by byte, hashing
/// the 1.8 GB a ten-thousand-combo build writes took two seconds of CPU.
///
/// Kept in files by the build (its manifest, the record cache beside the output), so a change to
/// it must come with a new format version there.
public struct StableHash: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var hash = value
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x9e37_79b9_7f4a_7c15
            hash ^= hash >> 32
            index += 8
        }
        while index < count {
            hash ^= UInt64(bytes[index])
            hash &*= 0x100_0000_01b3
            index += 1
        }
        value = hash
    }

    public mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine(UnsafeRawBufferPointer($0)) }
    }

    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = StableHash()
        hash.combine(bytes)
        return hash.value
    }

    public static func hash(_ data: Data) -> UInt64 {
        data.withUnsafeBytes { hash($0) }
    }

    public static func hash(_ text: String) -> UInt64 {
        var hash = StableHash()
        hash.combine(text)
        return hash.value
    }
}
