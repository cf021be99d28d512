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
    /// Images per execution plan: a larger batch runs as consecutive chunks of this many (the last one
    /// padded). 1 by default: on the 2-core machine oneDNN's matmuls ran 5% slower per image at batch 8 than
    /// at batch 1, and a batch-1 plan needs an eighth of batch 8's activation memory (docs/runtime.md).
    public var microBatch: Int

    public init(threads: Int? = nil, precision: Precision = .fp32, batchNormEpsilon: Float? = nil,
                preparedWeightsPath: String? = nil, microBatch: Int = 1) {
        self.microBatch = max(1, microBatch)
        self.threads = threads
        self.precision = precision
        self.batchNormEpsilon = batchNormEpsilon
        self.preparedWeightsPath = preparedWeightsPath
    }
}
