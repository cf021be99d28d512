import Foundation
import ModuleFormats

/// An AmoebaNet-A network built from a TF1 Hub module directory, running on oneDNN without TensorFlow.
///
/// Loading infers the architecture from the checkpoint, folds every BatchNorm into its convolution and
/// plans batch 1 at the module's image size; other batch sizes get their own plan on first use.
public final class AmoebaNetModel: @unchecked Sendable {
    // @unchecked: all mutable state (plans, layer cache) is guarded by `lock`; oneDNN objects are used
    // from one thread at a time.

    /// What `run` returns.
    public enum Output: String, Sendable {
        /// `[batch, classes]`: the `default` and `image_classification` signatures.
        case logits
        /// `[batch, features]`: the global average pool, the `image_feature_vector` signature.
        case features
    }

    public let config: AmoebaNetConfig
    public let options: RuntimeOptions
    public let moduleDirectory: String
    private let context: DNNLContext
    private let layers: LayerCache
    private let bf16Weights = BF16WeightCache()
    private let threads: Int
    private let lock = NSLock()
    private var current: (key: PlanKey, plan: ExecutionPlan)?

    private struct PlanKey: Hashable {
        let batch: Int, height: Int, width: Int
    }

    /// Loads the module at `moduleDirectory` (holding `saved_model.pb` and `variables/`).
    public convenience init(moduleDirectory: String, options: RuntimeOptions = .init()) throws(RuntimeError) {
        let bundle: TensorBundle
        do {
            bundle = try TensorBundle(prefix: moduleDirectory + "/variables/variables")
        } catch {
            throw RuntimeError.unreadableModule(path: moduleDirectory, reason: error.description)
        }
        var epsilon = options.batchNormEpsilon
        var imageSize = 331
        let graphPath = moduleDirectory + "/saved_model.pb"
        if FileManager.default.fileExists(atPath: graphPath) {
            do {
                let model = try SavedModel(path: graphPath)
                if let graph = model.metaGraph(tags: []) ?? model.metaGraphs.first {
                    if epsilon == nil { epsilon = graph.batchNormEpsilon }
                    if let size = try graph.defaultImageSize(file: graphPath) { imageSize = size.height }
                }
            } catch {
                throw RuntimeError.unreadableModule(path: graphPath, reason: error.description)
            }
        }
        guard let epsilon else {
            throw RuntimeError.notAmoebaNet(module: moduleDirectory,
                                            reason: "no single BatchNorm epsilon in saved_model.pb")
        }
        let source = BundleWeightSource(bundle: bundle, origin: moduleDirectory)
        var prepared: (path: String, fingerprint: String)?
        if let path = options.preparedWeightsPath {
            prepared = (path, try PreparedWeightsFile.fingerprint(moduleDirectory: moduleDirectory, epsilon: epsilon))
        }
        try self.init(source: source, epsilon: epsilon, imageSize: imageSize, directory: moduleDirectory,
                      options: options, prepared: prepared)
    }

    /// Builds the model from any weight source (tests use in-memory weights).
    /// `prepared`: where folded weights are cached and the checkpoint identity they must match.
    package init(source: WeightSource, epsilon: Float, imageSize: Int, directory: String,
                 options: RuntimeOptions, prepared: (path: String, fingerprint: String)? = nil) throws(RuntimeError) {
        config = try AmoebaNetConfig(weights: source, epsilon: epsilon, imageSize: imageSize)
        self.options = options
        moduleDirectory = directory
        threads = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        DNNLContext.setThreadCount(threads)
        context = try DNNLContext()
        layers = LayerCache(source: source, epsilon: epsilon)
        var reusedPreparedWeights = false
        if let prepared, let mapped = PreparedWeightsFile.load(path: prepared.path, fingerprint: prepared.fingerprint) {
            layers.preload(mapped)
            reusedPreparedWeights = true
        }
        self.reusedPreparedWeights = reusedPreparedWeights
        _ = try plan(batch: 1, height: imageSize, width: imageSize)
        if let prepared, !reusedPreparedWeights {
            // A cache, not a requirement: a failed write only means the next load folds again.
            try? PreparedWeightsFile.write(path: prepared.path, fingerprint: prepared.fingerprint, layers: layers.all)
        }
    }

    /// Whether this load memory-mapped a prepared-weights file instead of folding the checkpoint.
    public let reusedPreparedWeights: Bool

    /// Runs `batch` NHWC float32 images with values in [0, 1] and returns `[batch, classes]` logits or
    /// `[batch, features]` features, row-major.
    public func run(images: [Float], batch: Int, height: Int, width: Int,
                    output: Output = .logits) throws(RuntimeError) -> [Float] {
        guard batch > 0, images.count == batch * height * width * 3 else {
            throw RuntimeError.invalidInput("expected \(batch)×\(height)×\(width)×3 floats, got \(images.count)")
        }
        if output == .logits && config.classes == nil {
            throw RuntimeError.invalidInput("\(moduleDirectory) is a feature-vector module: it has no logits")
        }
        lock.lock()
        defer { lock.unlock() }
        let chunk = min(batch, options.microBatch)
        let plan = try plan(batch: chunk, height: height, width: width)
        if chunk == batch {
            return try images.withUnsafeBufferPointer { (buffer) throws(RuntimeError) in
                try plan.run(images: buffer, output: output)
            }
        }
        // Consecutive chunks of `chunk` images; a short last chunk is padded with zeros and its extra rows
        // dropped, so one plan serves every batch size.
        let imageFloats = height * width * 3
        var result: [Float] = []
        var start = 0
        while start < batch {
            let count = min(chunk, batch - start)
            let rows: [Float]
            if count == chunk {
                rows = try images.withUnsafeBufferPointer { (buffer) throws(RuntimeError) in
                    try plan.run(images: UnsafeBufferPointer(rebasing: buffer[start * imageFloats ..< (start + count) * imageFloats]),
                                 output: output)
                }
            } else {
                var padded = [Float](repeating: 0, count: chunk * imageFloats)
                padded.replaceSubrange(0 ..< count * imageFloats, with: images[start * imageFloats ..< batch * imageFloats])
                rows = try padded.withUnsafeBufferPointer { (buffer) throws(RuntimeError) in
                    try plan.run(images: buffer, output: output)
                }
            }
            result.append(contentsOf: rows[0 ..< rows.count / chunk * count])
            start += count
        }
        return result
    }

    /// Bytes of folded weights the model holds.
    public var weightBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return layers.byteCount
    }

    /// Seconds spent per kind of step in one run of `batch` copies of `image` (for docs/runtime.md).
    package func profile(image: [Float], batch: Int) throws(RuntimeError) -> [String: Double] {
        lock.lock()
        defer { lock.unlock() }
        let size = config.imageSize
        let plan = try plan(batch: batch, height: size, width: size)
        let images = (0 ..< batch).flatMap { _ in image }
        return try images.withUnsafeBufferPointer { (buffer) throws(RuntimeError) in try plan.profile(images: buffer) }
    }

    /// oneDNN implementations chosen at batch 1 (diagnostics and tests).
    package func implementations(batch: Int = 1) throws(RuntimeError) -> [(label: String, implementation: String)] {
        lock.lock()
        defer { lock.unlock() }
        return try plan(batch: batch, height: config.imageSize, width: config.imageSize).implementations
    }

    /// The plan for a shape, built on first use. Only one plan is kept: the previous one (its activations
    /// and primitives) is released before the new one is built, so peak memory is the weights plus one
    /// plan's activations; alternating shapes pay a re-plan instead (tenths of a second, docs/runtime.md).
    private func plan(batch: Int, height: Int, width: Int) throws(RuntimeError) -> ExecutionPlan {
        let key = PlanKey(batch: batch, height: height, width: width)
        if let current, current.key == key { return current.plan }
        current = nil
        let plan = try ExecutionPlan(config: config, layers: layers, context: context, batch: batch, height: height,
                                     width: width, threads: threads, precision: options.precision,
                                     bf16Weights: bf16Weights)
        current = (key, plan)
        return plan
    }
}
