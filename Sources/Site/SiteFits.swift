import Catalog
import Fit
import Foundation

/// Every fit answer the pages show, worked out once per build: each catalog model and quant on
/// each combo (for its will-it-run page, its comparison row and the model pages), and each model
/// on one of each device (for the device and model pages). Numbers on pages that are not record
/// facts come from here, and so from the fit engine.
final class SiteFits: Sendable {
    /// The context every will-it-run answer is given at: a long chat or a mid-size document.
    static let context = 8192

    /// One model at one quant on one configuration, under the runtime that runs it best.
    struct Answer: Sendable {
        /// The model, quant and runtime the fit was asked for, held by reference: the build
        /// makes one object per model, quant and runtime (`FitRecordTable`), where a copy of the
        /// quant record and two ids in each of several hundred thousand answers was a third of
        /// each answer's memory.
        let records: FitRequest.Records
        var model: RecordID<Model> { records.model.id }
        var quant: Quant { records.quant }
        var runtime: RecordID<Runtime> { records.runtime.id }
        let result: FitResult
        /// Changes that would make it fit, or fit more comfortably, each evaluated again (brief).
        var fixes: [FitFix]
        /// The longest context at which it still fits (tight or better), in tokens.
        let longestContext: Int?
        /// Published measurements of the same model, quant, runtime and devices.
        let measured: [Benchmark]
        /// The quant's weights, for ordering quants from the most faithful down.
        let weightBytes: Double
        /// Unique to this answer: a page's rendered row for it can be kept while it is reused.
        var token = AnswerTokens.next()

        /// The answer as a line or a table cell shows it: `FitResult.brief()`, fixes likewise.
        /// Only the quant a will-it-run page shows by its ledger keeps the full result.
        func brief() -> Answer {
            Answer(
                records: records, result: result.brief(), fixes: fixes.map { $0.brief() },
                longestContext: longestContext, measured: measured, weightBytes: weightBytes, token: token)
        }
    }

    /// A combo's configuration and every model and quant on it.
    struct ComboFit: Sendable {
        let hardware: Hardware
        /// The runtimes the combo supports, in the combo's order.
        let runtimes: [Runtime]
        /// Model by model in catalog order, each model's quants in the model's order.
        let answers: [Answer]
        /// Where each model's answers start in `answers`, by the model's place in the catalog
        /// (one more at the end): a few bytes per configuration, where a dictionary was kilobytes.
        let answerStarts: [Int32]
        /// Quants none of the runtimes loads: (model, quant name, format).
        let unloadable: [(model: RecordID<Model>, quant: String, format: String)]
        /// Per model, by its place in the catalog, the best 4-bit answer at `SiteFits.context`
        /// (model pages, comparisons and filters all ask for it), worked out with the rest of the
        /// configuration's answers. An array, not a dictionary keyed by model: a dictionary's
        /// buckets for a few dozen answers were about half of each configuration's memory.
        let fourBit: [Answer?]
        /// Per model, by its place in the catalog, where its speed-against-context curve starts
        /// (nil when the model does not run): enough to rank the combos by. Model pages chart a
        /// few; only those curves are worked out in full (`curve(_:on:)`).
        let curveStarts: [CurveStart?]
    }

    /// A model's 4-bit answer at the chart's first context, and its decode speed there.
    struct CurveStart: Sendable {
        let answer: Answer
        let tokensPerSecond: Double?
    }

    /// Decode speed at each chart context, holding one 4-bit quant and runtime.
    struct Curve: Sendable {
        let answer: Answer
        let points: [(tokens: Int, tokensPerSecond: Double?)]
    }

    /// One device alone, on the platform it most often runs, with every runtime that drives it.
    struct DeviceFit: Sendable {
        let hardware: Hardware
        let platform: Platform
        /// Per model, the best 4-bit answer among the runtimes (absent when none loads one).
        let fourBit: [RecordID<Model>: Answer]
        /// Per model, the most faithful quant that fits comfortably, else the most faithful
        /// that is borderline (absent when nothing fits).
        let mostFaithful: [RecordID<Model>: String]
    }

    let catalog: Catalog
    /// The models by name, as will-it-run pages list them, worked out once.
    let modelsByName: [RecordID<Model>]
    /// Each model's place in the catalog.
    let modelIndex: [RecordID<Model>: Int]

    /// One model's answers on a configuration (a model page asks for them on every combo).
    func answers(of model: RecordID<Model>, in fit: ComboFit) -> ArraySlice<Answer> {
        guard let index = modelIndex[model], index + 1 < fit.answerStarts.count else { return [] }
        return fit.answers[Int(fit.answerStarts[index])..<Int(fit.answerStarts[index + 1])]
    }
    /// The request records every answer below is worked out from, made once.
    let records: FitRecordTable
    /// Each combo's answers, by combo id (`fits.combos[id]`), worked out once per configuration.
    let combos: ComboFits
    /// Each device alone, by device id (`fits.devices[id]`): the device and model pages.
    let devices: DeviceFits
    /// A fingerprint of every record the answers read (devices, machines, platforms, runtimes,
    /// models, benchmarks), when the caller knows one; with each combo's configuration, it says
    /// which answers a later build can reuse.
    let inputs: Int?
    let comboKeys: [RecordID<Combo>: String]
    /// How many combos have each combo's configuration (itself included): how many will-it-run
    /// pages show the same rows.
    let sharing: [RecordID<Combo>: Int]
    /// What changed since the build reused: `DependencyKey`s of the answers worked out again.
    let changedKeys: Set<String>
    private let stored: (@Sendable ([String]) -> [String: [ModelStanding]?]?)?

    /// `lazily`: work out each configuration's answers only when a page first asks for them,
    /// not all at once here. An incremental `combos build` renders a few pages and needs a few
    /// configurations (and one 4-bit answer per configuration and asked model for the filters,
    /// `reference(_:on:context:)`); a full build asks for every one either way.
    ///
    /// `rewritten`: the combos whose files changed since `previous`, when the caller knows
    /// (`combos serve`). With the same `inputs`, every other combo keeps its configuration
    /// without working it out again (at ten thousand combos, 0.3 s of each preview rebuild).
    ///
    /// `stored`: the last build's standings (`StoredStandings`) for these models, read when a
    /// model page first ranks the combos and some configuration's answers are not worked out.
    init(
        _ catalog: Catalog, reusing previous: SiteFits? = nil, inputs: Int? = nil, lazily: Bool = false, rewritten: Set<RecordID<Combo>>? = nil,
        stored: (@Sendable ([String]) -> [String: [ModelStanding]?]?)? = nil
    ) {
        self.catalog = catalog
        self.stored = stored
        self.inputs = inputs
        let sameInputs = inputs != nil && previous?.inputs == inputs
        // Made from the models and runtimes, which `inputs` covers: a preview rebuild after an
        // edit to a combo's text keeps the last ones (making them is a few ms on every save).
        if sameInputs, let previous {
            records = previous.records
            modelsByName = previous.modelsByName
            modelIndex = previous.modelIndex
        } else {
            records = FitRecordTable(catalog)
            modelsByName = catalog.models.all
                .sorted { $0.name.compare($1.name, options: [.numeric, .caseInsensitive]) == .orderedAscending }
                .map(\.id)
            modelIndex = Dictionary(uniqueKeysWithValues: catalog.models.all.enumerated().map { ($0.element.id, $0.offset) })
        }
        let records = self.records
        var changed: Set<String> = []
        var keys: [RecordID<Combo>: String] = [:]
        // Combos with the same configuration (machines, link, platform, runtimes) get the same
        // answers: each configuration is worked out once and shared.
        var representatives: [String: Combo] = [:]
        var reused: [String: ComboFit?] = [:]
        for combo in catalog.combos {
            let kept = sameInputs && rewritten.map { !$0.contains(combo.id) } == true ? previous?.comboKeys[combo.id] : nil
            let key = kept ?? BuilderQuery(combo: combo, catalog: catalog)?.text ?? ""
            keys[combo.id] = key
            if representatives[key] == nil { representatives[key] = combo }
            if sameInputs, previous?.comboKeys[combo.id] == key, let old = previous?.combos.workedOut(combo.id) {
                reused[key] = .some(old)
                continue
            }
            changed.insert(DependencyKey.comboFits(combo.id))
        }
        for id in (previous?.comboKeys.keys).map(Array.init) ?? [] where keys[id] == nil {
            changed.insert(DependencyKey.comboFits(id))
        }
        let combos = ComboFits(
            keys: keys, representatives: representatives, reused: reused,
            configure: { combo in
                Hardware(combo: combo, catalog: catalog).map { ComboFits.Configuration(hardware: $0, runtimes: Self.runtimes(of: combo, catalog)) }
            },
            make: { combo in Hardware(combo: combo, catalog: catalog).map { Self.comboFit(combo, $0, catalog, records) } })
        if !lazily { combos.workOutAll() }
        self.combos = combos
        comboKeys = keys
        var perKey: [String: Int] = [:]
        for key in keys.values { perKey[key, default: 0] += 1 }
        sharing = keys.mapValues { perKey[$0] ?? 1 }
        var reusedDevices: [RecordID<Device>: DeviceFit?] = [:]
        for device in catalog.devices {
            if sameInputs, let old = previous?.devices.workedOut(device.id) {
                reusedDevices[device.id] = old
            } else if !sameInputs || previous == nil {
                changed.insert(DependencyKey.deviceFits(device.id))
            }
        }
        devices = DeviceFits(catalog.devices.all, reused: reusedDevices) { Self.deviceFit($0, catalog, records) }
        if !lazily { devices.workOutAll() }
        if sameInputs, let old = previous?.builderAnswers, let comparisons = previous?.comparisons {
            builderAnswers = old
            self.comparisons = comparisons
        } else {
            builderAnswers = Self.builderAnswers(BuilderQuery.defaults, catalog)
            comparisons = catalog.benchmarks.compactMap { catalog.comparison(for: $0) }
        }
        if !changed.isEmpty { changed.insert(DependencyKey.fits) }
        changedKeys = changed
    }

    /// The builder's answers for its default configuration, shown without JavaScript.
    let builderAnswers: [Answer]
    /// Every benchmark record beside the engine's estimate for it.
    let comparisons: [BenchmarkComparison]

    static func builderAnswers(_ query: BuilderQuery, _ catalog: Catalog) -> [Answer] {
        guard let hardware = query.hardware(catalog) else { return [] }
        let runtimes = query.runtimeRecords(catalog, hardware: hardware)
        var answers: [Answer] = []
        for modelID in FitDataExport.modelOrder(catalog) {
            guard let model = catalog[RecordID<Model>(modelID)] else { continue }
            for quant in model.quants {
                if let answer = BuilderPage.answer(model, quant, runtimes, hardware, query, catalog) { answers.append(answer) }
            }
        }
        return answers
    }

    /// The quant a model is shown by on a will-it-run page: the most faithful that fits
    /// comfortably in accelerator memory, else the most faithful borderline one there; only then
    /// one that offloads to system RAM (a Q8_0 spilling experts to RAM at a fifth of the speed
    /// of a Q5_K_M that fits on the GPUs is not what a reader should see first); else the
    /// smallest (the closest to fitting). By places in `answers` (one model's): `runnable` are
    /// those not unsupported, from the largest weights down.
    static func headline<Answers: Collection<Answer>>(_ runnable: [Answers.Index], in answers: Answers) -> Answers.Index? {
        func onDevices(_ index: Answers.Index) -> Bool { !(answers[index].result.strategy?.offloadsToSystemRAM ?? false) }
        return runnable.first { answers[$0].result.verdict == .fits && onDevices($0) }
            ?? runnable.first { answers[$0].result.verdict == .tight && onDevices($0) }
            ?? runnable.first { answers[$0].result.verdict == .fits }
            ?? runnable.first { answers[$0].result.verdict == .tight }
            ?? runnable.last
    }

    /// The runtimes a combo supports: its recommended ones first, then the others it marks supported.
    static func runtimes(of combo: Combo, _ catalog: Catalog) -> [Runtime] {
        FitChoices.supportedRuntimes(of: combo, in: catalog)
    }

    private static func comboFit(_ combo: Combo, _ hardware: Hardware, _ catalog: Catalog, _ records: FitRecordTable) -> ComboFit {
        let runtimes = runtimes(of: combo, catalog)
        var answers: [Answer] = []
        // Sized once: grown by doubling, the array kept up to a sixth of it unused, for every
        // configuration until the end of the build.
        answers.reserveCapacity(catalog.models.all.reduce(0) { $0 + $1.quants.count })
        var unloadable: [(RecordID<Model>, String, String)] = []
        var fourBit: [Answer?] = []
        var curveStarts: [CurveStart?] = []
        fourBit.reserveCapacity(catalog.models.count)
        curveStarts.reserveCapacity(catalog.models.count)
        var starts: [Int32] = []
        starts.reserveCapacity(catalog.models.count + 1)
        for model in catalog.models {
            var mine: [Answer] = []
            // Each quant's result under each runtime, as choosing its runtime worked them out:
            // the 4-bit answer below is one of them (working it out again was about an eighth of
            // the fit matrix's evaluations).
            var results: [String: [FitResult?]] = [:]
            for quant in model.quants {
                var evaluated: [FitResult?] = []
                if let answer = best(model, quant, runtimes, hardware, catalog, records, detailed: false, keeping: &evaluated) {
                    mine.append(answer)
                } else {
                    unloadable.append((model.id, quant.name, quant.format.label))
                }
                results[quant.name] = evaluated
            }
            // Pages show the fixes and the longest context of one quant per model, the one it
            // is shown by; working them out for every quant was most of the fit matrix.
            // Kept brief: every quant is shown in a line, or by a table's verdict and speed. The
            // one a will-it-run page shows by its ledger, fixes and longest context is worked
            // out in full when that page's row is rendered (`detailed(_:on:)`), once per
            // configuration; holding it for every configuration was most of a build's memory.
            starts.append(Int32(answers.count))
            answers += mine.map { $0.brief() }
            fourBit.append(reference(model, hardware, runtimes, catalog, records, context: context, evaluated: results)?.brief())
            curveStarts.append(curveStart(model, hardware, runtimes, catalog, records))
        }
        starts.append(Int32(answers.count))
        return ComboFit(
            hardware: hardware, runtimes: runtimes, answers: answers, answerStarts: starts, unloadable: unloadable, fourBit: fourBit,
            curveStarts: curveStarts)
    }

    private static func deviceFit(_ device: Device, _ catalog: Catalog, _ records: FitRecordTable) -> DeviceFit? {
        guard let platform = FitChoices.platform(for: [Set(device.os)], in: catalog) else { return nil }
        let hardware = Hardware(devices: [(device, 1)], platform: platform, hostRAMGB: nil)
        let runtimes = FitChoices.runtimes(for: hardware, in: catalog)
        var fourBit: [RecordID<Model>: Answer] = [:]
        var mostFaithful: [RecordID<Model>: String] = [:]
        for model in catalog.models {
            var best: (Quant, Int, FitSummary)?
            // By index: a `for runtime in runtimes` copies each runtime record (dozens of strings and arrays).
            for index in runtimes.indices {
                guard let quant = FitChoices.referenceQuant(of: model, for: runtimes[index]),
                      FitChoices.fourBitQuantNames.contains(quant.name) else { continue }
                let summary = FitEngine.summary(records.request(model, quant, runtimes[index], context: context), on: hardware)
                if best.map({ FitChoices.isBetter(summary, than: $0.2) }) ?? true { best = (quant, index, summary) }
            }
            if let (quant, index, _) = best {
                fourBit[model.id] = answer(model, quant, runtimes[index], hardware, catalog, records, detailed: false).brief()
            }
            mostFaithful[model.id] = mostFaithfulQuant(model, runtimes, hardware, records)
        }
        return DeviceFit(hardware: hardware, platform: platform, fourBit: fourBit, mostFaithful: mostFaithful)
    }

    /// The quant with the most bits per weight that fits comfortably in device memory (no
    /// offload to system RAM) under some runtime, else the one with the most that is borderline.
    static func mostFaithfulQuant(_ model: Model, _ runtimes: [Runtime], _ hardware: Hardware, _ records: FitRecordTable = .none) -> String? {
        var borderline: String?
        let bits = model.quants.map { Self.bits($0, model) }
        for quant in model.quants.indices.sorted(by: { bits[$0] > bits[$1] }).map({ model.quants[$0] }) {
            for index in runtimes.indices where runtimes[index].formats.contains(quant.format) {
                let summary = FitEngine.summary(records.request(model, quant, runtimes[index], context: context), on: hardware)
                guard !(summary.strategy?.offloadsToSystemRAM ?? false) else { continue }
                if summary.verdict == .fits { return quant.name }
                if summary.verdict == .tight, borderline == nil { borderline = quant.name }
            }
        }
        return borderline
    }

    static func bits(_ quant: Quant, _ model: Model) -> Double {
        ModelFootprint(model: model, quant: quant, kvCacheType: .f16).bitsPerWeight
    }

    /// The best answer for a model and quant among the runtimes that load its format, or nil
    /// when none does.
    static func best(
        _ model: Model, _ quant: Quant, _ runtimes: [Runtime], _ hardware: Hardware, _ catalog: Catalog,
        _ records: FitRecordTable = .none, context: Int = SiteFits.context, detailed: Bool
    ) -> Answer? {
        var evaluated: [FitResult?] = []
        return best(model, quant, runtimes, hardware, catalog, records, context: context, detailed: detailed, keeping: &evaluated)
    }

    /// `best`, keeping each runtime's result in `evaluated` (by the runtime's index; nil for
    /// one that does not load the quant's format).
    static func best(
        _ model: Model, _ quant: Quant, _ runtimes: [Runtime], _ hardware: Hardware, _ catalog: Catalog,
        _ records: FitRecordTable = .none, context: Int = SiteFits.context, detailed: Bool, keeping evaluated: inout [FitResult?]
    ) -> Answer? {
        var best: (index: Int, result: FitResult)?
        evaluated = Array(repeating: nil, count: runtimes.count)
        for index in runtimes.indices where runtimes[index].formats.contains(quant.format) {
            let result = FitEngine.evaluate(records.request(model, quant, runtimes[index], context: context), on: hardware)
            evaluated[index] = result
            if best.map({ FitChoices.isBetter(result, than: $0.result) }) ?? true { best = (index, result) }
        }
        guard let best else { return nil }
        // The fixes may suggest another of the same runtimes, never one the page does not offer.
        return answer(
            model, quant, runtimes[best.index], hardware, catalog, records, context: context, detailed: detailed,
            fixRuntimes: runtimes, evaluated: best.result)
    }

    /// The full answer for one runtime: the result, and when `detailed` the fixes (another
    /// runtime among `fixRuntimes` when given) and the longest context that fits.
    static func answer(
        _ model: Model, _ quant: Quant, _ runtime: Runtime, _ hardware: Hardware, _ catalog: Catalog,
        _ records: FitRecordTable = .none, context: Int = SiteFits.context, kvCacheType: KVCacheType = .f16, detailed: Bool,
        fixRuntimes: [Runtime]? = nil, evaluated: FitResult? = nil
    ) -> Answer {
        let prepared = records.records(model, quant, runtime)
        let request = FitRequest(prepared, contextTokens: context, kvCacheType: kvCacheType)
        // The result when the caller has just worked it out for the same request (choosing the runtime).
        let result = evaluated ?? FitEngine.evaluate(request, on: hardware)
        let runs = result.verdict == .fits || result.verdict == .tight
        return Answer(
            records: prepared, result: result,
            fixes: detailed && result.verdict != .fits
                ? FitEngine.fixes(for: request, on: hardware, result: result, catalog: catalog, runtimes: fixRuntimes) : [],
            longestContext: detailed && runs ? FitEngine.longestFittingContext(request, hardware) : nil,
            measured: catalog.benchmarks(matching: request, hardware: hardware),
            weightBytes: prepared.footprint(.f16).totalWeightBytes)
    }

    /// `answer` (one of `fit`'s brief answers) in full: the whole ledger, the runner-up and the
    /// refusals, the fixes (another of the configuration's runtimes when one helps, each fix
    /// brief) and the longest context that fits. Keeps `answer`'s token, so a row rendered from
    /// it is shared as before.
    func detailed(_ answer: Answer, on fit: ComboFit) -> Answer {
        guard let model = catalog[answer.model], let runtime = catalog[answer.runtime] else { return answer }
        var full = Self.answer(model, answer.quant, runtime, fit.hardware, catalog, records, detailed: true, fixRuntimes: fit.runtimes)
        full.fixes = full.fixes.map { $0.brief() }
        full.token = answer.token
        return full
    }

    /// How each model stands on every configuration, and each of the catalog's combos' place
    /// among them, in the catalog's order (`ComboFits.standingsTable`): what a model page ranks
    /// the combos by.
    var standingsTable: StandingsTable {
        combos.standingsTable({ catalog.combos.all.map(\.id) }, stored: { [stored] in stored?(self.modelIDs) }, of: { [self] in standings(in: $0) })
    }

    /// The catalog's model ids, in its order: a standing's place in a configuration's row.
    var modelIDs: [String] { catalog.models.all.map(\.id.raw) }

    /// Each model's standing on a configuration, by the model's place in the catalog.
    func standings(in fit: ComboFit) -> [ModelStanding] {
        catalog.models.all.map { model in
            let curveFirst = curveStart(model, in: fit)?.tokensPerSecond
            guard let (fourBit, faithful) = modelAnswers(model, in: fit) else {
                return ModelStanding(runs: nil, speed: 0, curveFirst: curveFirst)
            }
            let runs = faithful != nil || fourBit.result.verdict == .fits || fourBit.result.verdict == .tight
            return ModelStanding(runs: runs, speed: runs ? fourBit.result.decode?.tokensPerSecond ?? 0 : 0, curveFirst: curveFirst)
        }
    }

    /// A model's 4-bit answer on a configuration, as `reference(_:on:context:)` gives it at
    /// `SiteFits.context`, and the most faithful quant that runs there.
    func modelAnswers(_ model: Model, in fit: ComboFit) -> (fourBit: Answer, faithful: Answer?)? {
        guard let index = modelIndex[model.id], fit.fourBit.indices.contains(index), let fourBit = fit.fourBit[index] else { return nil }
        return (fourBit, RunsOnView.mostFaithful(answers(of: model.id, in: fit)))
    }

    /// Where a model's context curve starts on a configuration (`curveStart(_:on:)`).
    func curveStart(_ model: Model, in fit: ComboFit) -> CurveStart? {
        guard let index = modelIndex[model.id], fit.curveStarts.indices.contains(index) else { return nil }
        return fit.curveStarts[index]
    }

    /// A combo's answer for a model at 4-bit: each runtime's 4-bit quant, the best of them.
    /// At `SiteFits.context`, the configuration's own (`ComboFit.fourBit`); when its answers
    /// are not worked out yet (a lazy build's filters ask this of every combo), this one
    /// answer alone, worked out once per configuration and model.
    func reference(_ model: Model, on combo: RecordID<Combo>, context: Int) -> Answer? {
        if context == Self.context, let index = modelIndex[model.id] {
            if let fit = combos.workedOut(combo) {
                return fit.map { $0.fourBit.indices.contains(index) ? $0.fourBit[index] : nil } ?? nil
            }
            let (catalog, records) = (self.catalog, self.records)
            return combos.fourBit(index, on: combo) { configuration in
                Self.reference(model, configuration.hardware, configuration.runtimes, catalog, records, context: context)?.brief()
            }
        }
        guard let fit = combos[combo] else { return nil }
        return Self.reference(model, fit.hardware, fit.runtimes, catalog, records, context: context)
    }

    /// The 4-bit answers `reference(_:on:context:)` gives at `SiteFits.context` for these
    /// models on every configuration, worked out now on every core where the configuration's
    /// answers are not (the filters ask them of every combo, one after another).
    func prepareReferences(_ models: [Model]) {
        let indexed = models.compactMap { model in modelIndex[model.id].map { (model, $0) } }
        let (catalog, records, combos) = (self.catalog, self.records, self.combos)
        _ = Parallel.map(combos.configurationKeys) { key in
            for (model, index) in indexed {
                _ = combos.fourBit(index, configuration: key) { configuration in
                    Self.reference(model, configuration.hardware, configuration.runtimes, catalog, records, context: Self.context)?.brief()
                }
            }
            return 0
        }
    }

    /// A combo's hardware and runtimes, without working out its answers when no page has asked
    /// for them yet.
    func configuration(of combo: RecordID<Combo>) -> ComboFits.Configuration? {
        combos.configuration(of: combo)
    }

    /// Each runtime's 4-bit quant at `context`, the best of them. `evaluated` holds results
    /// already worked out at the same context: by quant name, each runtime's (by its index).
    static func reference(
        _ model: Model, _ hardware: Hardware, _ runtimes: [Runtime], _ catalog: Catalog, _ records: FitRecordTable = .none, context: Int,
        evaluated: [String: [FitResult?]] = [:]
    ) -> Answer? {
        var best: Answer?
        for index in runtimes.indices {
            guard let quant = FitChoices.referenceQuant(of: model, for: runtimes[index]),
                  FitChoices.fourBitQuantNames.contains(quant.name) else { continue }
            let known = evaluated[quant.name].flatMap { $0.indices.contains(index) ? $0[index] : nil }
            let answer = Self.answer(
                model, quant, runtimes[index], hardware, catalog, records, context: context, detailed: false, evaluated: known)
            if best.map({ FitChoices.isBetter(answer.result, than: $0.result) }) ?? true { best = answer }
        }
        return best
    }
}

extension SiteFits {
    /// Context lengths the model pages chart, doubling from 2k up to the model's native context.
    static func chartContexts(upTo maxContext: Int) -> [Int] {
        var contexts: [Int] = []
        var tokens = 2048
        while tokens <= maxContext {
            contexts.append(tokens)
            tokens *= 2
        }
        return contexts
    }

    /// Where the curve below starts on a combo, nil where the model does not run there.
    func curveStart(_ model: Model, on combo: RecordID<Combo>) -> CurveStart? {
        combos[combo].flatMap { curveStart(model, in: $0) }
    }

    /// Decode speed at each chart context on a combo, holding the 4-bit quant and runtime that
    /// serve the model best at the shortest context; nil where it no longer fits.
    func curve(_ model: Model, on combo: RecordID<Combo>) -> Curve? {
        guard let fit = combos[combo], let start = curveStart(model, on: combo), let runtime = catalog[start.answer.runtime] else { return nil }
        let prepared = records.records(model, start.answer.quant, runtime)
        let points = Self.chartContexts(upTo: model.maxContext).map { tokens -> (tokens: Int, tokensPerSecond: Double?) in
            let result = FitEngine.evaluate(FitRequest(prepared, contextTokens: tokens), on: fit.hardware)
            let runs = result.verdict == .fits || result.verdict == .tight
            return (tokens, runs ? result.decode?.atFullContext : nil)
        }
        return Curve(answer: start.answer, points: points)
    }

    /// The 4-bit answer at the first chart context, as `reference` gives it, when it runs. Its
    /// speed is the curve's first point: the same request the curve evaluates there.
    static func curveStart(_ model: Model, _ hardware: Hardware, _ runtimes: [Runtime], _ catalog: Catalog, _ records: FitRecordTable = .none) -> CurveStart? {
        guard let first = Self.chartContexts(upTo: model.maxContext).first,
              let start = reference(model, hardware, runtimes, catalog, records, context: first),
              start.result.verdict == .fits || start.result.verdict == .tight,
              catalog[start.runtime] != nil else { return nil }
        return CurveStart(answer: start.brief(), tokensPerSecond: start.result.decode?.atFullContext)
    }
}

/// Each combo's answers, worked out once per configuration (combos with the same machines,
/// link, platform and runtimes share them): all at once (`workOutAll`, on every core) or each
/// the first time it is asked for, by whichever page asks first while the others asking wait.
final class ComboFits: @unchecked Sendable {
    /// Each combo's configuration.
    private let keys: [RecordID<Combo>: String]
    /// One combo of each configuration, the answers are worked out from.
    private let representatives: [String: Combo]
    private let make: @Sendable (Combo) -> SiteFits.ComboFit?
    private let lock = NSLock()
    private var slots: [String: Slot] = [:]

    /// One configuration's answers (nil inside: its hardware could not be made), and its 4-bit
    /// answers asked for one model at a time before they were all worked out.
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var fit: SiteFits.ComboFit??
        var configuration: Configuration??
        var fourBit: [Int: SiteFits.Answer?] = [:]
    }

    /// What a configuration's answers are worked out on.
    struct Configuration: Sendable {
        let hardware: Hardware
        /// The runtimes the combo supports, in the combo's order.
        let runtimes: [Runtime]
    }

    private let configure: @Sendable (Combo) -> Configuration?

    init(keys: [RecordID<Combo>: String], representatives: [String: Combo], reused: [String: SiteFits.ComboFit?],
         configure: @escaping @Sendable (Combo) -> Configuration?, make: @escaping @Sendable (Combo) -> SiteFits.ComboFit?) {
        self.keys = keys
        self.representatives = representatives
        self.configure = configure
        self.make = make
        for (key, fit) in reused {
            let slot = Slot()
            slot.fit = .some(fit)
            slots[key] = slot
        }
    }

    private func slot(_ key: String) -> Slot {
        lock.withLock {
            if let slot = slots[key] { return slot }
            let slot = Slot()
            slots[key] = slot
            return slot
        }
    }

    /// The combo's answers, worked out now if no page asked for its configuration before.
    subscript(id: RecordID<Combo>) -> SiteFits.ComboFit? {
        // The representative by its place: copied out only to work the answers out (every
        // model page asks for every combo's, and copying each combo was a fifth of those pages).
        guard let key = keys[id], let place = representatives.index(forKey: key) else { return nil }
        let slot = slot(key)
        return slot.lock.withLock {
            if let fit = slot.fit { return fit }
            let fit = make(representatives[place].value)
            slot.fit = .some(fit)
            return fit
        }
    }

    /// The combo's answers if they were worked out (the inner nil: they could not be), without
    /// working them out.
    func workedOut(_ id: RecordID<Combo>) -> SiteFits.ComboFit?? {
        guard let key = keys[id] else { return nil }
        let slot = lock.withLock { slots[key] }
        return slot?.lock.withLock { slot?.fit }
    }

    /// One model's 4-bit answer on the combo's configuration, by the model's place in the
    /// catalog, made by `make` once per configuration.
    func fourBit(_ model: Int, on id: RecordID<Combo>, make: (Configuration) -> SiteFits.Answer?) -> SiteFits.Answer? {
        guard let key = keys[id] else { return nil }
        return fourBit(model, configuration: key, make: make)
    }

    func fourBit(_ model: Int, configuration key: String, make: (Configuration) -> SiteFits.Answer?) -> SiteFits.Answer? {
        guard let place = representatives.index(forKey: key) else { return nil }
        let slot = slot(key)
        return slot.lock.withLock {
            if let fit = slot.fit { return fit.map { $0.fourBit.indices.contains(model) ? $0.fourBit[model] : nil } ?? nil }
            if let known = slot.fourBit[model] { return known }
            let answer = configured(slot, place).flatMap(make)
            slot.fourBit[model] = .some(answer)
            return answer
        }
    }

    /// The combo's hardware and runtimes, from its answers when they are worked out.
    func configuration(of id: RecordID<Combo>) -> Configuration? {
        guard let key = keys[id], let place = representatives.index(forKey: key) else { return nil }
        let slot = slot(key)
        return slot.lock.withLock {
            if let fit = slot.fit { return fit.map { Configuration(hardware: $0.hardware, runtimes: $0.runtimes) } }
            return configured(slot, place)
        }
    }

    /// Called with `slot.lock` held; `place` is the configuration's in `representatives`.
    private func configured(_ slot: Slot, _ place: Dictionary<String, Combo>.Index) -> Configuration? {
        if let known = slot.configuration { return known }
        let made = configure(representatives[place].value)
        slot.configuration = .some(made)
        return made
    }

    /// Every configuration, by key, sorted.
    var configurationKeys: [String] { representatives.keys.sorted() }

    /// Every configuration not worked out yet, on every core.
    func workOutAll() {
        let pending = representatives.keys.filter { key in
            guard let slot = lock.withLock({ slots[key] }) else { return true }
            return slot.lock.withLock { slot.fit == nil }
        }.sorted()
        let representatives = self.representatives
        let make = self.make
        let made = Parallel.map(pending) { key in representatives[key].flatMap(make) }
        for (key, fit) in zip(pending, made) {
            let slot = slot(key)
            slot.lock.withLock { if slot.fit == nil { slot.fit = .some(fit) } }
        }
    }

    private let tableLock = NSLock()
    private var madeTable: StandingsTable?

    /// Every configuration's standings and each combo's place among them, for the combos `ids`
    /// gives (`StandingsTable`), made the first time a page asks, then shared. A configuration's
    /// come from its answers when they are worked out; else from `stored` (the last build's,
    /// read only then, nil when there are none that fit); else from its answers, worked out now
    /// on every core with the others missing.
    func standingsTable(
        _ ids: () -> [RecordID<Combo>], stored: () -> [String: [ModelStanding]?]?,
        of standings: @escaping @Sendable (SiteFits.ComboFit) -> [ModelStanding]
    ) -> StandingsTable {
        tableLock.withLock {
            if let madeTable { return madeTable }
            let configurations = configurationKeys
            var rows: [[ModelStanding]??] = configurations.map { key in
                let slot = lock.withLock { slots[key] }
                return slot?.lock.withLock { slot?.fit }.map { $0.map(standings) }
            }
            let known = rows.contains { $0 == nil } ? stored() ?? [:] : [:]
            var readBack = 0
            var pending: [Int] = []
            for index in rows.indices where rows[index] == nil {
                if let row = known[configurations[index]] {
                    rows[index] = .some(row)
                    readBack += 1
                } else {
                    pending.append(index)
                }
            }
            let (representatives, make) = (self.representatives, self.make)
            let made = Parallel.map(pending) { index in representatives[configurations[index]].flatMap(make) }
            for (index, fit) in zip(pending, made) {
                let slot = slot(configurations[index])
                let kept = slot.lock.withLock {
                    if slot.fit == nil { slot.fit = .some(fit) }
                    return slot.fit ?? nil
                }
                rows[index] = .some(kept.map(standings))
            }
            let placeOfKey = Dictionary(uniqueKeysWithValues: configurations.enumerated().map { ($0.element, Int32($0.offset)) })
            let table = StandingsTable(
                keys: configurations, standings: rows.map { $0 ?? nil },
                places: ids().map { id in keys[id].flatMap { placeOfKey[$0] } ?? -1 }, readBack: readBack)
            madeTable = table
            return table
        }
    }

    /// The table `standingsTable` made, if a page asked for it.
    var madeStandings: StandingsTable? { tableLock.withLock { madeTable } }

    /// How many configurations' answers have been worked out (or reused) so far.
    var workedOutCount: Int {
        let all = lock.withLock { Array(slots.values) }
        return all.filter { slot in slot.lock.withLock { slot.fit != nil } }.count
    }

    var configurationCount: Int { representatives.count }
}

/// Each device's answers alone, worked out all at once (`workOutAll`, on every core) or each the
/// first time a page asks for them: an update that renders no device or model page (an edit to
/// one combo) works out none (at ten thousand combos, 0.3 s of CPU).
final class DeviceFits: @unchecked Sendable {
    private let make: @Sendable (Device) -> SiteFits.DeviceFit?
    /// One per device, made up front: a page working a device out holds its slot's lock, and
    /// the pages asking for the same device meanwhile wait for it rather than repeat it.
    private let slots: [RecordID<Device>: Slot]

    private final class Slot: @unchecked Sendable {
        let device: Device
        let lock = NSLock()
        /// Worked out (the inner nil: the device has no platform to run on).
        var fit: SiteFits.DeviceFit??

        init(_ device: Device, _ fit: SiteFits.DeviceFit??) {
            self.device = device
            self.fit = fit
        }
    }

    init(_ devices: [Device], reused: [RecordID<Device>: SiteFits.DeviceFit?], make: @escaping @Sendable (Device) -> SiteFits.DeviceFit?) {
        slots = Dictionary(devices.map { ($0.id, Slot($0, reused[$0.id])) }, uniquingKeysWith: { first, _ in first })
        self.make = make
    }

    /// The device's answers, worked out now if no page asked for them before; nil for a device
    /// not in the catalog or with no platform to run on.
    subscript(id: RecordID<Device>) -> SiteFits.DeviceFit? {
        guard let slot = slots[id] else { return nil }
        return slot.lock.withLock {
            if let fit = slot.fit { return fit }
            let fit = make(slot.device)
            slot.fit = .some(fit)
            return fit
        }
    }

    /// The device's answers if they were worked out (the inner nil: it has no platform), without
    /// working them out.
    func workedOut(_ id: RecordID<Device>) -> SiteFits.DeviceFit?? {
        slots[id].flatMap { slot in slot.lock.withLock { slot.fit } }
    }

    private let workingOutAll = NSLock()

    /// Every device not worked out yet, on every core. A second caller meanwhile (another model
    /// page) waits for the first rather than work the same devices out again.
    func workOutAll() {
        workingOutAll.lock()
        defer { workingOutAll.unlock() }
        let pending = slots.values.filter { slot in slot.lock.withLock { slot.fit == nil } }.sorted { $0.device.id.raw < $1.device.id.raw }
        let made = Parallel.map(pending) { [make] slot in make(slot.device) }
        for (slot, fit) in zip(pending, made) {
            slot.lock.withLock { if slot.fit == nil { slot.fit = .some(fit) } }
        }
    }

    /// How many devices' answers have been worked out (or reused) so far.
    var workedOutCount: Int { slots.values.filter { slot in slot.lock.withLock { slot.fit != nil } }.count }
}

/// Numbers for `SiteFits.Answer.token`, unique within a run.
enum AnswerTokens {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var last = 0
    static func next() -> Int {
        lock.withLock {
            last += 1
            return last
        }
    }
}
