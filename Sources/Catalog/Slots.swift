import Foundation

/// One slot per item of work spread over every core (`DispatchQueue.concurrentPerform`), each
/// written by exactly one worker; read in the items' order, so results never depend on timing.
public final class Slots<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()
    public init(count: Int) { storage = Array(repeating: nil, count: count) }
    public func set(_ index: Int, _ value: Value) { lock.withLock { storage[index] = value } }
    public var values: [Value] { lock.withLock { storage.map { $0! } } }
}
