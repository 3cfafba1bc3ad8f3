/// Dividing a model's layers among devices.
enum Placement {
    /// `total` layers in proportion to `weights`, by largest remainder (llama.cpp's default
    /// tensor split is proportional to free memory; exo's pipeline placement to available RAM).
    static func proportional(_ total: Int, weights: [Double]) -> [Int] {
        guard !weights.isEmpty else { return [] }
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return even(total, over: weights.count) }
        var counts = [Int](repeating: 0, count: weights.count)
        var remainders = [Double](repeating: 0, count: weights.count)
        var left = total
        for index in weights.indices {
            let exact = Double(total) * weights[index] / sum
            counts[index] = Int(exact.rounded(.down))
            remainders[index] = exact - Double(counts[index])
            left -= counts[index]
        }
        // The largest remainders take the layers left over (few devices: a plain scan is fastest).
        while left > 0 {
            var largest = 0
            for index in remainders.indices where remainders[index] > remainders[largest] { largest = index }
            counts[largest] += 1
            remainders[largest] = -1
            left -= 1
        }
        return counts
    }

    /// Contiguous runs of layers whose summed `costs` are in proportion to `capacities`: each
    /// device takes layers until its share of the total is reached (to the nearest layer).
    static func contiguous(costs: [Double], capacities: [Double]) -> [Int] {
        guard !capacities.isEmpty else { return [] }
        let total = costs.reduce(0, +)
        let capacity = capacities.reduce(0, +)
        var counts = [Int](repeating: 0, count: capacities.count)
        var layer = 0
        var target = 0.0
        var cumulative = 0.0
        for device in capacities.indices {
            target += capacity > 0 ? total * capacities[device] / capacity : total / Double(capacities.count)
            if device == capacities.count - 1 {
                counts[device] = costs.count - layer
                break
            }
            while layer < costs.count, cumulative + costs[layer] / 2 <= target {
                cumulative += costs[layer]
                counts[device] += 1
                layer += 1
            }
        }
        return counts
    }

    /// `total` layers spread as evenly as possible, the first devices taking the remainder
    /// (vLLM's pipeline parallelism).
    static func even(_ total: Int, over count: Int) -> [Int] {
        guard count > 0 else { return [] }
        return (0..<count).map { total / count + ($0 < total % count ? 1 : 0) }
    }

    /// Moves layers off devices holding more than their `maximum` onto devices with room, most
    /// room first. When nothing has room the excess stays where it was (the plan does not fit).
    static func repair(_ counts: [Int], maximum: [Int]) -> [Int] {
        var counts = counts
        var excess = 0
        for index in counts.indices where counts[index] > maximum[index] {
            excess += counts[index] - maximum[index]
            counts[index] = maximum[index]
        }
        while excess > 0 {
            guard let target = counts.indices.filter({ counts[$0] < maximum[$0] })
                .max(by: { (maximum[$0] - counts[$0]) < (maximum[$1] - counts[$1]) }) else { break }
            let move = min(excess, maximum[target] - counts[target])
            counts[target] += move
            excess -= move
        }
        if excess > 0 {
            // Nowhere to put them: back on the devices in proportion, overflowing.
            let extra = proportional(excess, weights: maximum.map { Double(max($0, 1)) })
            counts = zip(counts, extra).map(+)
        }
        return counts
    }
}
