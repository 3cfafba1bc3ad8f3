import Catalog
import Fit

/// Every catalog model, quant and runtime's `FitRequest.Records` (the model's footprint at each
/// KV cache type, the facts the engine reads), made once per build. The fit matrix asks the same
/// few thousand of them hundreds of thousands of times; making them afresh for each request
/// (copying the model and runtime records each time) was about a third of its time.
struct FitRecordTable: Sendable {
    private struct Key: Hashable {
        let model: String
        let quant: String
        let runtime: String
    }

    private let table: [Key: FitRequest.Records]

    /// A table that holds nothing: every request makes its records (one-off questions).
    static let none = FitRecordTable(table: [:])

    private init(table: [Key: FitRequest.Records]) {
        self.table = table
    }

    init(_ catalog: Catalog) {
        var table: [Key: FitRequest.Records] = [:]
        for model in catalog.models {
            for quant in model.quants {
                for runtime in catalog.runtimes where runtime.formats.contains(quant.format) {
                    table[Key(model: model.id.raw, quant: quant.name, runtime: runtime.id.raw)] =
                        FitRequest.Records(model: model, quant: quant, runtime: runtime)
                }
            }
        }
        self.table = table
    }

    /// The records for a model, quant and runtime: the table's when they are the catalog's, else made.
    func records(_ model: Model, _ quant: Quant, _ runtime: Runtime) -> FitRequest.Records {
        table[Key(model: model.id.raw, quant: quant.name, runtime: runtime.id.raw)]
            ?? FitRequest.Records(model: model, quant: quant, runtime: runtime)
    }

    func request(_ model: Model, _ quant: Quant, _ runtime: Runtime, context: Int) -> FitRequest {
        FitRequest(records(model, quant, runtime), contextTokens: context)
    }
}
