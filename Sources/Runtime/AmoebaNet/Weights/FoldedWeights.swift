/// A convolution's weights with the following BatchNorm folded in, kept in TensorFlow's layout
/// (`[kh, kw, in, out]`, depthwise `[kh, kw, C, 1]`): w'[…, o] = w[…, o]·γ[o]/√(σ²[o]+ε) and
/// b[o] = β[o] − μ[o]·γ[o]/√(σ²[o]+ε). Folding happens once at load; the checkpoint is then no longer read.
package final class FoldedWeights {
    /// TensorFlow shape of `values`.
    package let shape: [Int]
    package let values: UnsafeMutableBufferPointer<Float>
    /// One bias per output channel when a BatchNorm was folded in.
    package let bias: UnsafeMutableBufferPointer<Float>?
    /// The mapping `values` and `bias` point into, for weights read from a prepared-weights file; nil when
    /// this object owns its buffers.
    private let mapping: AnyObject?

    /// Takes ownership of already prepared buffers.
    package init(shape: [Int], values: UnsafeMutableBufferPointer<Float>, bias: UnsafeMutableBufferPointer<Float>?) {
        self.shape = shape
        self.values = values
        self.bias = bias
        mapping = nil
    }

    /// Borrows read-only buffers inside `mapping` (kept alive by this object); they are never written.
    init(shape: [Int], mappedValues: UnsafeBufferPointer<Float>, mappedBias: UnsafeBufferPointer<Float>?,
         mapping: AnyObject) {
        self.shape = shape
        values = UnsafeMutableBufferPointer(mutating: mappedValues)
        bias = mappedBias.map { UnsafeMutableBufferPointer(mutating: $0) }
        self.mapping = mapping
    }

    package var kernelHeight: Int { shape[0] }
    package var kernelWidth: Int { shape[1] }
    package var inputChannels: Int { shape[2] }
    package var outputChannels: Int { shape[3] }

    /// Folds BatchNorm scope `batchNorm` (channels `bnOffset ..< bnOffset + out`) into `weights`.
    package init(source: WeightSource, weights name: String, shape: [Int], batchNorm: String?, bnOffset: Int = 0,
                 bnChannels: Int? = nil, epsilon: Float) throws(RuntimeError) {
        let raw = try source.floats(name, shape: shape)
        let outputs = shape[3]
        self.shape = shape
        mapping = nil
        values = UnsafeMutableBufferPointer<Float>.allocate(capacity: raw.count)
        guard let batchNorm else {
            _ = values.initialize(from: raw)
            bias = nil
            source.release(name)
            return
        }
        let channels = bnChannels ?? outputs
        let bnShape = [channels]
        let parameters: [UnsafeBufferPointer<Float>]
        do {
            parameters = try ["gamma", "beta", "moving_mean", "moving_variance"].map { (suffix) throws(RuntimeError) in
                try source.floats("\(batchNorm)/\(suffix)", shape: bnShape)
            }
        } catch {
            values.deallocate()
            throw error
        }
        let (gamma, beta, mean, variance) = (parameters[0], parameters[1], parameters[2], parameters[3])
        var scale = [Float](repeating: 0, count: outputs)
        let bias = UnsafeMutableBufferPointer<Float>.allocate(capacity: outputs)
        for o in 0 ..< outputs {
            let c = bnOffset + o
            scale[o] = gamma[c] / (variance[c] + epsilon).squareRoot()
            bias[o] = beta[c] - mean[c] * scale[o]
        }
        let rows = raw.count / outputs
        for row in 0 ..< rows {
            for o in 0 ..< outputs { values[row * outputs + o] = raw[row * outputs + o] * scale[o] }
        }
        self.bias = bias
        source.release(name)
    }

    deinit {
        guard mapping == nil else { return }
        values.deallocate()
        bias?.deallocate()
    }
}

extension FoldedWeights {
    /// A fully connected layer `[inputs, outputs]` plus biases, seen as a 1×1 convolution.
    package convenience init(source: WeightSource, fullyConnected name: String, biases: String, inputs: Int,
                             outputs: Int) throws(RuntimeError) {
        let raw = try source.floats(name, shape: [inputs, outputs])
        let rawBias = try source.floats(biases, shape: [outputs])
        let values = UnsafeMutableBufferPointer<Float>.allocate(capacity: raw.count)
        _ = values.initialize(from: raw)
        let bias = UnsafeMutableBufferPointer<Float>.allocate(capacity: outputs)
        _ = bias.initialize(from: rawBias)
        self.init(shape: [1, 1, inputs, outputs], values: values, bias: bias)
    }
}
