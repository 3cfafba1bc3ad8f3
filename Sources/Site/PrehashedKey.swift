/// Text with its hash worked out when it is made, so that a set or dictionary shared between
/// threads can be asked under its lock without hashing long text there.
struct PrehashedKey: Hashable, Sendable {
    let text: String
    let hash: Int

    init(_ text: String) {
        self.text = text
        hash = text.hashValue
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    static func == (a: PrehashedKey, b: PrehashedKey) -> Bool { a.hash == b.hash && a.text == b.text }
}
