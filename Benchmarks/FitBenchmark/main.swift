// Verdicts per second on one core, in a release build:
//   swift run -c release fit-benchmark [--content DIR] [--seconds N]
// Every catalog model and loadable quant on every combo (with its recommended runtimes) and on
// one, two and four of every discrete device, evaluated in a loop on this thread.
import Catalog
import Fit
import Foundation

var content = "content"
var seconds = 3.0
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--content": content = arguments.popFirst() ?? content
    case "--seconds": seconds = Double(arguments.popFirst() ?? "") ?? seconds
    default:
        print("usage: fit-benchmark [--content DIR] [--seconds N]")
        exit(2)
    }
}

let loaded = CatalogLoader.load(from: content)
guard !loaded.diagnostics.hasErrors else {
    print(loaded.diagnostics.rendered())
    exit(1)
}
let catalog = loaded.catalog
var cases: [(FitRequest, Hardware)] = []
for combo in catalog.combos {
    guard let hardware = Hardware(combo: combo, catalog: catalog) else { continue }
    for runtime in combo.recommendedRuntimes.compactMap({ catalog[$0.id] }) {
        for model in catalog.models {
            for quant in model.quants where runtime.formats.contains(quant.format) {
                cases.append((FitRequest(model: model, quant: quant, runtime: runtime, contextTokens: 32768), hardware))
            }
        }
    }
}
if let linux = catalog.platforms.first(where: { $0.family == .linux }), let llama = catalog[RecordID<Runtime>("llama-cpp")] {
    for device in catalog.devices where device.kind == .discreteGPU {
        for count in [1, 2, 4] {
            let hardware = Hardware(devices: [(device, count)], platform: linux, hostRAMGB: 128)
            for model in catalog.models {
                for quant in model.quants where quant.format == .gguf {
                    cases.append((FitRequest(model: model, quant: quant, runtime: llama, contextTokens: 8192), hardware))
                }
            }
        }
    }
}

var verdicts: [Verdict: Int] = [:]
var evaluated = 0
let clock = ContinuousClock()
let start = clock.now
let budget = Duration.milliseconds(Int(seconds * 1000))
var checksum = 0.0
let requests = cases.map(\.0)
let hardware = cases.map(\.1)
var counts = [Int](repeating: 0, count: Verdict.allCases.count)
while clock.now - start < budget {
    requests.withUnsafeBufferPointer { requests in
        hardware.withUnsafeBufferPointer { hardware in
            for index in 0..<requests.count {
                let result = FitEngine.evaluate(requests[index], on: hardware[index])
                counts[Verdict.allCases.firstIndex(of: result.verdict)!] += 1
                checksum += result.decode?.tokensPerSecond ?? 0
            }
        }
    }
    evaluated += cases.count
}
for (index, verdict) in Verdict.allCases.enumerated() { verdicts[verdict] = counts[index] }
let elapsed = clock.now - start
let (wholeSeconds, attoseconds) = elapsed.components
let elapsedSeconds = Double(wholeSeconds) + Double(attoseconds) / 1e18
let perSecond = Double(evaluated) / elapsedSeconds
print(String(format: "%d configurations, %d verdicts in %.2f s on one thread: %.0f verdicts per second (%.2f µs each)",
             cases.count, evaluated, elapsedSeconds, perSecond, 1e6 / perSecond))
print("verdicts: " + Verdict.allCases.map { "\($0.rawValue) \(verdicts[$0, default: 0])" }.joined(separator: ", "))
_ = checksum
