import Catalog
import FixtureSupport
import Testing
@testable import Fit

/// `FitEngine.summary` is the fast path the site's tables use; it must make the same choice
/// as `FitEngine.evaluate`, whose ledger a reader checks.
@Suite("Fit summaries")
struct SummaryTests {
    @Test("a summary has the verdict, strategy, headroom and speeds of the full result, for every catalog configuration")
    func summaryMatchesFullResult() throws {
        let loaded = CatalogLoader.load(from: FixtureSite.packageRoot + "/content")
        #expect(!loaded.diagnostics.hasErrors)
        let catalog = loaded.catalog
        var hardware: [Hardware] = catalog.combos.compactMap { Hardware(combo: $0, catalog: catalog) }
        let linux = try #require(catalog.platforms.first { $0.family == .linux })
        for id in ["rtx-3090", "rtx-4090", "rtx-5090"] {
            let device = try #require(catalog[RecordID<Device>(id)])
            hardware += [1, 2, 3].map { Hardware(devices: [(device, $0)], platform: linux, hostRAMGB: 128) }
        }
        var compared = 0
        var verdicts: Set<Verdict> = []
        for configuration in hardware {
            for runtime in catalog.runtimes {
                for model in catalog.models {
                    for quant in model.quants {
                        for context in [4096, 131072] {
                            let request = FitRequest(model: model, quant: quant, runtime: runtime, contextTokens: context)
                            let full = FitEngine.evaluate(request, on: configuration)
                            let summary = FitEngine.summary(request, on: configuration)
                            #expect(summary.verdict == full.verdict)
                            #expect(summary.strategy == full.strategy)
                            #expect(summary.decodeTokensPerSecond == full.decode?.tokensPerSecond)
                            #expect(summary.prefillTokensPerSecond == full.prefill?.tokensPerSecond)
                            if full.verdict != .unsupported {
                                #expect(abs(summary.minimumHeadroom - full.minimumHeadroom) < 1e-9)
                            }
                            verdicts.insert(full.verdict)
                            compared += 1
                        }
                    }
                }
            }
        }
        #expect(compared > 5000)
        // The comparison covers every kind of answer.
        #expect(verdicts == Set(Verdict.allCases))
    }
}
