/// "Did you mean": the closest candidate to a misspelled word, if one is close enough to be a
/// plausible typo (an edit distance of at most a third of the word, and at most 3).
public func closestMatch(to word: String, in candidates: [String]) -> String? {
    let lowered = word.lowercased()
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(lowered, candidate.lowercased())
        if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    guard let best else { return nil }
    let limit = min(3, max(1, word.count / 3))
    return best.distance <= limit ? best.candidate : nil
}

/// The message tail for an unknown word: "; did you mean "x"?" or the list of what is allowed.
func suggestion(for word: String, in candidates: [String], listing noun: String) -> String {
    if let match = closestMatch(to: word, in: candidates) {
        return "; did you mean \"\(match)\"?"
    }
    if candidates.isEmpty { return "" }
    if candidates.count > 24 {
        return "; there are \(candidates.count) \(noun), none close to this name"
    }
    return "; expected one of: " + candidates.joined(separator: ", ")
}

/// Levenshtein distance where swapping two adjacent letters counts as one edit.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                current[j] = min(current[j], previousPrevious[j - 2] + 1)
            }
        }
        previousPrevious = previous
        previous = current
    }
    return previous[b.count]
}
