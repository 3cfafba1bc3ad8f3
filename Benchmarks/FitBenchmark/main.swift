// Verdicts per second on one core, in a release build:
//   swift run -c release fit-benchmark [--content DIR] [--seconds N] [--dump FILE]
// `--dump FILE` also writes every configuration's request, summary and full result, a line
// each, so that a change meant to make the engine faster can be shown to change none of its
// answers (`cmp` the files of the two binaries).
// Every catalog model and loadable quant on every combo (with its recommended runtimes) and on
// one, two and four of every discrete device, evaluated in a loop on this thread. The requests
// share one `FitRequest.Records` per model, quant and runtime, as the site's fit matrix does
// (with records of its own, each request read them from memory afresh: in interleaved runs
// that measured 7% to 34% fewer verdicts a second).
import Catalog
import Fit
import Foundation

var content = "content"
var seconds = 3.0
var dump: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--content": content = arguments.popFirst() ?? content
    case "--seconds": seconds = Double(arguments.popFirst() ?? "") ?? seconds
    case "--dump" where !arguments.isEmpty: dump = arguments.popFirst()
    default:
        print("usage: fit-benchmark [--content DIR] [--seconds N] [--dump FILE]")
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
var madeRecords: [String: FitRequest.Records] = [:]
@MainActor func records(_ model: Model, _ quant: Quant, _ runtime: Runtime) -> FitRequest.Records {
    let key = "\(model.id)\u{0}\(quant.name)\u{0}\(runtime.id)"
    if let made = madeRecords[key] { return made }
    let made = FitRequest.Records(model: model, quant: quant, runtime: runtime)
    madeRecords[key] = made
    return made
}
for combo in catalog.combos {
    guard let hardware = Hardware(combo: combo, catalog: catalog) else { continue }
    for runtime in combo.recommendedRuntimes.compactMap({ catalog[$0.id] }) {
        for model in catalog.models {
            for quant in model.quants where runtime.formats.contains(quant.format) {
                cases.append((FitRequest(records(model, quant, runtime), contextTokens: 32768), hardware))
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
                    cases.append((FitRequest(records(model, quant, llama), contextTokens: 8192), hardware))
                }
            }
        }
    }
}

let requests = cases.map(\.0)
let hardware = cases.map(\.1)

/// Runs `body` over every case until `seconds` have passed; returns evaluations per second.
@MainActor func measure(_ label: String, _ body: (FitRequest, Hardware) -> (Verdict, Double)) {
    var counts = [Int](repeating: 0, count: Verdict.allCases.count)
    var checksum = 0.0
    var evaluated = 0
    let clock = ContinuousClock()
    let start = clock.now
    let budget = Duration.milliseconds(Int(seconds * 1000))
    while clock.now - start < budget {
        for index in requests.indices {
            let (verdict, speed) = body(requests[index], hardware[index])
            counts[Verdict.allCases.firstIndex(of: verdict)!] += 1
            checksum += speed
        }
        evaluated += cases.count
    }
    let (wholeSeconds, attoseconds) = (clock.now - start).components
    let elapsed = Double(wholeSeconds) + Double(attoseconds) / 1e18
    let perSecond = Double(evaluated) / elapsed
    print(String(format: "%@: %d in %.2f s on one thread, %.0f per second (%.2f µs each)",
                 label, evaluated, elapsed, perSecond, 1e6 / perSecond))
    print("  " + Verdict.allCases.enumerated().map { "\($0.element.rawValue) \(counts[$0.offset])" }.joined(separator: ", ")
          + String(format: "; mean decode %.1f tokens/s", checksum / Double(max(evaluated, 1))))
}

print("\(cases.count) configurations (model, quant, runtime and hardware)")
measure("verdicts (FitEngine.summary: verdict, strategy, headroom, speeds)") { request, hardware in
    let summary = FitEngine.summary(request, on: hardware)
    return (summary.verdict, summary.decodeTokensPerSecond ?? 0)
}
measure("full results (FitEngine.evaluate: with the ledger, runner-up and reasons)") { request, hardware in
    let result = FitEngine.evaluate(request, on: hardware)
    return (result.verdict, result.decode?.tokensPerSecond ?? 0)
}

if let dump {
    var lines = ""
    for index in requests.indices {
        let request = requests[index]
        lines += "\(index) \(request.model.id) \(request.quant.name) \(request.runtime.id)\n"
        lines += "  \(FitEngine.summary(request, on: hardware[index]))\n"
        let result = FitEngine.evaluate(request, on: hardware[index])
        // A private box prints as its type and its address, which differs from run to run.
        lines += "  " + String(describing: result).replacing(/\s+at \$[0-9a-f]+/, with: "") + "\n"
        // What the result keeps boxed (printed above by its type only).
        lines += "  runner-up \(String(describing: result.runnerUp)), refused \(result.refused), notes \(result.notes), footprint \(String(describing: result.footprint))\n"
    }
    do {
        try lines.write(toFile: dump, atomically: true, encoding: .utf8)
        print("every answer written to \(dump)")
    } catch {
        print("cannot write \(dump): \(error)")
        exit(1)
    }
}
