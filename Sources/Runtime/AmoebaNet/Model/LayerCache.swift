/// Folded weights of every layer, made once per model and shared by all its execution plans.
final class LayerCache {
    let source: WeightSource
    let epsilon: Float
    private var layers: [String: FoldedWeights] = [:]

    init(source: WeightSource, epsilon: Float) {
        self.source = source
        self.epsilon = epsilon
    }

    /// Weights `name` with BatchNorm scope `batchNorm` folded in (channels from `bnOffset` of `bnChannels`).
    func folded(_ name: String, shape: [Int], batchNorm: String?, bnOffset: Int = 0,
                bnChannels: Int? = nil) throws(RuntimeError) -> FoldedWeights {
        if let cached = layers[name] {
            guard cached.shape == shape else {
                throw RuntimeError.unexpectedShape(name: name, expected: shape, found: cached.shape, module: source.origin)
            }
            return cached
        }
        let weights = try FoldedWeights(source: source, weights: name, shape: shape, batchNorm: batchNorm,
                                        bnOffset: bnOffset, bnChannels: bnChannels, epsilon: epsilon)
        layers[name] = weights
        return weights
    }

    /// `final_layer/FC` as a 1×1 layer with its biases.
    func fullyConnected(features: Int, classes: Int) throws(RuntimeError) -> FoldedWeights {
        let name = "final_layer/FC/weights"
        if let cached = layers[name] { return cached }
        let weights = try FoldedWeights(source: source, fullyConnected: name, biases: "final_layer/FC/biases",
                                        inputs: features, outputs: classes)
        layers[name] = weights
        return weights
    }

    /// Every folded layer by weights name (to write a prepared-weights file).
    var all: [String: FoldedWeights] { layers }

    /// Adopts layers read from a prepared-weights file; later lookups never touch the checkpoint.
    func preload(_ prepared: [String: FoldedWeights]) {
        layers.merge(prepared) { current, _ in current }
    }

    /// Bytes held by folded weights and biases.
    var byteCount: Int {
        layers.values.reduce(0) { $0 + ($1.values.count + ($1.bias?.count ?? 0)) * MemoryLayout<Float>.size }
    }
}
