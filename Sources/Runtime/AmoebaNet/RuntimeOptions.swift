/// How a model runs: thread count and arithmetic precision. Both are fixed when an execution plan is built.
public struct RuntimeOptions: Sendable, Equatable {
    /// Arithmetic used by the convolutions.
    public enum Precision: String, Sendable, CaseIterable {
        /// IEEE float32 everywhere: the exact mode, matching TensorFlow within summation-order noise.
        case fp32
        /// bfloat16 weights and activations inside the convolutions (AVX512-BF16), float32 accumulation.
        case bf16
    }

    /// Worker threads for oneDNN (OpenMP) and the runtime's own loops; `nil` means all cores.
    public var threads: Int?
    public var precision: Precision
    /// Overrides the BatchNorm epsilon read from the graph (for modules whose graph is unavailable).
    public var batchNormEpsilon: Float?
    /// A file for the module's folded weights: memory-mapped when it exists and matches the checkpoint,
    /// written (atomically) after a load that had to fold. nil: fold on every load.
    public var preparedWeightsPath: String?

    public init(threads: Int? = nil, precision: Precision = .fp32, batchNormEpsilon: Float? = nil,
                preparedWeightsPath: String? = nil) {
        self.threads = threads
        self.precision = precision
        self.batchNormEpsilon = batchNormEpsilon
        self.preparedWeightsPath = preparedWeightsPath
    }
}
