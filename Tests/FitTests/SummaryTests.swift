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

    @Test("a brief result keeps what a one-line summary reads (verdict, speeds, headroom, the fullest device, the device count) and drops the ledger")
    func briefKeepsTheSummary() throws {
        let loaded = CatalogLoader.load(from: FixtureSite.packageRoot + "/content")
        let catalog = loaded.catalog
        var shrunk = 0
        for combo in catalog.combos {
            guard let hardware = Hardware(combo: combo, catalog: catalog) else { continue }
            for runtime in catalog.runtimes {
                for model in catalog.models {
                    guard let quant = model.quants.first else { continue }
                    let full = FitEngine.evaluate(FitRequest(model: model, quant: quant, runtime: runtime, contextTokens: 8192), on: hardware)
                    let brief = full.brief()
                    #expect(brief.verdict == full.verdict)
                    #expect(brief.strategy == full.strategy)
                    #expect(brief.unsupportedReason == full.unsupportedReason)
                    #expect(brief.decode?.tokensPerSecond == full.decode?.tokensPerSecond)
                    #expect(brief.prefill?.tokensPerSecond == full.prefill?.tokensPerSecond)
                    #expect(brief.minimumHeadroom == full.minimumHeadroom)
                    #expect(brief.fullestDevice == full.fullestDevice)
                    #expect(brief.ledgerCount == full.ledger.count)
                    #expect(brief.ledger.isEmpty)
                    #expect(brief.brief().ledgerCount == full.ledger.count, "briefing twice keeps the count")
                    if brief.ledger.count < full.ledger.count { shrunk += 1 }
                }
            }
        }
        #expect(shrunk > 100, "the catalog's clusters have ledgers to shrink")
    }
}
