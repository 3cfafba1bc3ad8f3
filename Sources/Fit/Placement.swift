/// Dividing a model's layers among devices.
///
/// The weights, costs and capacities are any random-access collection of numbers indexed from
/// zero: an array, or the engine's scratch buffers (a plan's per-device numbers live on the
/// stack, since an array's allocation and metadata lookup cost more than placing the layers).
enum Placement {
    /// `total` layers in proportion to `weights`, by largest remainder (llama.cpp's default
    /// tensor split is proportional to free memory; exo's pipeline placement to available RAM).
    static func proportional<Weights: RandomAccessCollection<Double>>(_ total: Int, weights: Weights) -> [Int]
    where Weights.Index == Int {
        guard !weights.isEmpty else { return [] }
        var sum = 0.0
        for weight in weights { sum += weight }
        // No weight, or an infinite one (a record with an absurd memory size): share evenly.
        guard sum > 0, sum.isFinite else { return even(total, over: weights.count) }
        var counts = [Int](repeating: 0, count: weights.count)
        var left = total
        for index in weights.indices {
            counts[index] = Int((Double(total) * weights[index] / sum).rounded(.down))
            left -= counts[index]
        }
        // The largest remainders take the layers left over, one each (few devices: a plain
        // scan is fastest, and the remainders are recomputed rather than stored).
        var taken = 0 as UInt64
        while left > 0 {
            var largest = -1
            var largestRemainder = -1.0
            for index in weights.indices where index >= 64 || taken & (1 << UInt64(index)) == 0 {
                let exact = Double(total) * weights[index] / sum
                let remainder = exact - exact.rounded(.down)
                if remainder > largestRemainder {
                    largest = index
                    largestRemainder = remainder
                }
            }
            counts[largest] += 1
            if largest < 64 { taken |= 1 << UInt64(largest) }
            left -= 1
        }
        return counts
    }

    /// Contiguous runs of layers whose summed `costs` are in proportion to `capacities`: each
    /// device takes layers until its share of the total is reached (to the nearest layer).
    /// Written into `counts`, which has a place per capacity: the expert offload plan places its
    /// layers again and again, in one buffer.
    static func contiguous<Costs: RandomAccessCollection<Double>, Capacities: RandomAccessCollection<Double>>(
        costs: Costs, capacities: Capacities, into counts: inout [Int]
    ) where Costs.Index == Int, Capacities.Index == Int {
        guard !capacities.isEmpty else { return }
        let total = costs.reduce(0, +)
        let capacity = capacities.reduce(0, +)
        for device in counts.indices { counts[device] = 0 }
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
    }

    /// `total` layers spread as evenly as possible, the first devices taking the remainder
    /// (vLLM's pipeline parallelism).
    static func even(_ total: Int, over count: Int) -> [Int] {
        guard count > 0 else { return [] }
        var counts = [Int](repeating: total / count, count: count)
        for index in 0..<(total % count) { counts[index] += 1 }
        return counts
    }

    /// Moves layers off devices holding more than their `maximum` onto devices with room, most
    /// room first. When nothing has room the excess stays where it was (the plan does not fit).
    static func repair(_ counts: inout [Int], maximum: (Int) -> Int) {
        var excess = 0
        for index in counts.indices where counts[index] > maximum(index) {
            excess += counts[index] - maximum(index)
            counts[index] = maximum(index)
        }
        while excess > 0 {
            var target = -1
            for index in counts.indices where counts[index] < maximum(index)
                && (target < 0 || maximum(index) - counts[index] > maximum(target) - counts[target]) {
                target = index
            }
            guard target >= 0 else { break }
            let move = min(excess, maximum(target) - counts[target])
            counts[target] += move
            excess -= move
        }
        if excess > 0 {
            // Nowhere to put them: back on the devices in proportion, overflowing.
            let extra = proportional(excess, weights: counts.indices.map { Double(max(maximum($0), 1)) })
            for index in counts.indices { counts[index] += extra[index] }
        }
    }

    static func repair(_ counts: [Int], maximum: [Int]) -> [Int] {
        var counts = counts
        repair(&counts) { maximum[$0] }
        return counts
    }
}

/// `value` rounded to a whole count (of layers, of MiB): zero for NaN or below zero, at most
/// 2^40. Counts come from sizes a record gives, and `Int(_:)` traps on a value too large for
/// an integer (a device of 10^30 GB, a model of 10^30 parameters); such records now give an
/// absurd count rather than a crash. Every realistic value converts as `Int(_:)` would.
func wholeCount(_ value: Double, _ rule: FloatingPointRoundingRule = .down) -> Int {
    guard value > 0 else { return 0 }
    return Int(min(value, 1_099_511_627_776).rounded(rule))
}
