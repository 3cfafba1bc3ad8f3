/// Whole-file bits per weight of common quantization types, for quants whose record gives
/// neither a real file size nor its own bits per weight. The mixes keep some tensors (embeddings,
/// the output layer) at higher precision, which is why Q4_K_M averages 4.85 bits, not 4.5.
public enum TypicalBitsPerWeight {
    /// The figure and where it comes from.
    public struct Entry: Sendable {
        public let bits: Double
        public let source: String
    }

    static let nyxKrage = "NyxKrage LLM-Model-VRAM-Calculator GGUF table (fit-method §1.10)"
    static let llamaCppREADME = "llama.cpp tools/quantize/README.md, Llama 3.1 8B"
    static let ggmlBlock = "ggml block layout (ggml-common.h): 32 weights and an fp16 scale"
    static let mlxQuantize = "MLX quantize docs: bits + 32 / group size, group 64"

    public static let table: [String: Entry] = [
        "Q2_K": Entry(bits: 3.35, source: nyxKrage),
        "Q3_K_S": Entry(bits: 3.5, source: nyxKrage),
        "Q3_K_M": Entry(bits: 3.91, source: nyxKrage),
        "Q3_K_L": Entry(bits: 4.27, source: nyxKrage),
        "Q4_0": Entry(bits: 4.55, source: nyxKrage),
        "Q4_K_S": Entry(bits: 4.58, source: nyxKrage),
        "Q4_K_M": Entry(bits: 4.85, source: nyxKrage),
        "Q5_0": Entry(bits: 5.54, source: nyxKrage),
        "Q5_K_S": Entry(bits: 5.54, source: nyxKrage),
        "Q5_K_M": Entry(bits: 5.69, source: nyxKrage),
        "Q6_K": Entry(bits: 6.59, source: nyxKrage),
        "Q8_0": Entry(bits: 8.5, source: ggmlBlock),
        "IQ2_M": Entry(bits: 2.93, source: llamaCppREADME),
        "IQ3_M": Entry(bits: 3.76, source: llamaCppREADME),
        "IQ4_XS": Entry(bits: 4.46, source: llamaCppREADME),
        "F16": Entry(bits: 16, source: "two bytes per weight"),
        "BF16": Entry(bits: 16, source: "two bytes per weight"),
        "MLX 4-bit": Entry(bits: 4.5, source: mlxQuantize),
        "MLX 8-bit": Entry(bits: 8.5, source: mlxQuantize),
        "FP8": Entry(bits: 8, source: "one byte per weight; block scales add about 0.002 bits (vLLM FP8 docs)"),
    ]

    public static func bits(for name: String) -> Double? { table[name]?.bits }
}
