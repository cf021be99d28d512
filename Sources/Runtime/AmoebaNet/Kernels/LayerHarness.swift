/// Runs single layers through the same plan machinery the network uses (oneDNN primitives, Swift kernels,
/// channel-slice views, BatchNorm folding), on plain arrays. It exists so tests can hold every kernel
/// against a naive reference without reaching into internals.
package final class LayerHarness {
    /// An NHWC float32 tensor in an array.
    package struct Tensor: Equatable {
        package var values: [Float]
        package var batch: Int, height: Int, width: Int, channels: Int

        package init(values: [Float], batch: Int, height: Int, width: Int, channels: Int) {
            precondition(values.count == batch * height * width * channels, "values do not fill the shape")
            self.values = values
            self.batch = batch
            self.height = height
            self.width = width
            self.channels = channels
        }
    }

    /// Per-channel inference BatchNorm parameters.
    package struct BatchNorm {
        package var gamma: [Float], beta: [Float], mean: [Float], variance: [Float]
        package init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float]) {
            self.gamma = gamma
            self.beta = beta
            self.mean = mean
            self.variance = variance
        }
    }

    package enum Padding { case same, valid }

    private let context: DNNLContext
    private let threads: Int
    private let precision: RuntimeOptions.Precision
    private let bf16Weights = BF16WeightCache()

    package init(threads: Int = 2, precision: RuntimeOptions.Precision = .fp32) throws(RuntimeError) {
        self.threads = threads
        self.precision = precision
        DNNLContext.setThreadCount(threads)
        context = try DNNLContext()
    }

    private func fold(_ weights: [Float], shape: [Int], batchNorm: BatchNorm?, offset: Int = 0,
                      epsilon: Float) throws(RuntimeError) -> FoldedWeights {
        let source = InMemoryWeightSource()
        source.set("w", shape: shape, values: weights)
        if let batchNorm {
            let count = batchNorm.gamma.count
            source.set("bn/gamma", shape: [count], values: batchNorm.gamma)
            source.set("bn/beta", shape: [count], values: batchNorm.beta)
            source.set("bn/moving_mean", shape: [count], values: batchNorm.mean)
            source.set("bn/moving_variance", shape: [count], values: batchNorm.variance)
        }
        return try FoldedWeights(source: source, weights: "w", shape: shape, batchNorm: batchNorm == nil ? nil : "bn",
                                 bnOffset: offset, bnChannels: batchNorm?.gamma.count, epsilon: epsilon)
    }

    /// Builds a plan with `build`, fills its inputs, runs it and reads `output` back.
    private func runPlan(_ build: (PlanBuilder) throws(RuntimeError) -> ([(TensorView, [Float])], TensorView))
        throws(RuntimeError) -> [Float] {
        let builder = PlanBuilder(context: context, precision: precision, bf16Weights: bf16Weights)
        let (inputs, output) = try build(builder)
        let (steps, storage, _) = try builder.finish()
        for (view, values) in inputs {
            let pointer = storage.pointer(view.ref)
            for (index, value) in values.enumerated() { pointer[index] = value }
        }
        try PlanStep.run(steps, storage: storage, context: context, threads: threads)
        return Array(UnsafeBufferPointer(start: storage.pointer(output.ref), count: output.denseCount))
    }

    private func view(_ builder: PlanBuilder, _ tensor: Tensor) -> TensorView {
        builder.dedicated(batch: tensor.batch, height: tensor.height, width: tensor.width, channels: tensor.channels)
    }

    /// A convolution (k×k, 1×k, k×1 or depthwise `[k, k, C, 1]`) with TF SAME or VALID padding, the
    /// BatchNorm folded in and an optional fused ReLU.
    package func convolution(_ input: Tensor, weights: [Float], shape: [Int], batchNorm: BatchNorm?, epsilon: Float,
                             depthwise: Bool, stride: (Int, Int), padding: Padding,
                             relu: Bool) throws(RuntimeError) -> Tensor {
        let folded = try fold(weights, shape: shape, batchNorm: batchNorm, epsilon: epsilon)
        let rows: SamePadding, cols: SamePadding
        switch padding {
        case .same:
            rows = SamePadding(input: input.height, kernel: shape[0], stride: stride.0)
            cols = SamePadding(input: input.width, kernel: shape[1], stride: stride.1)
        case .valid:
            rows = SamePadding(validInput: input.height, kernel: shape[0], stride: stride.0)
            cols = SamePadding(validInput: input.width, kernel: shape[1], stride: stride.1)
        }
        let outChannels = depthwise ? input.channels : shape[3]
        var result = Tensor(values: [], batch: 0, height: 0, width: 0, channels: 0)
        result = Tensor(values: try runPlan { (builder) throws(RuntimeError) in
            let source = view(builder, input)
            let destination = builder.dedicated(batch: input.batch, height: rows.output, width: cols.output,
                                                channels: outChannels)
            try builder.convolution(folded, depthwise: depthwise, source: source, destination: destination,
                                    stride: stride, padding: (rows.before, cols.before, rows.after, cols.after),
                                    postOps: .init(accumulate: false, relu: relu), label: "harness convolution")
            return ([(source, input.values)], destination)
        }, batch: input.batch, height: rows.output, width: cols.output, channels: outChannels)
        return result
    }

    /// A 1×1 convolution (matmul) writing channels `offset ..< offset + out` of `destination`, optionally
    /// adding onto what is there; returns the whole destination tensor.
    package func pointwise(_ input: Tensor, weights: [Float], batchNorm: BatchNorm?, epsilon: Float,
                           into destination: Tensor, channelOffset: Int, accumulate: Bool,
                           relu: Bool) throws(RuntimeError) -> Tensor {
        let outputs = weights.count / input.channels
        let folded = try fold(weights, shape: [1, 1, input.channels, outputs], batchNorm: batchNorm, epsilon: epsilon)
        var result = destination
        result.values = try runPlan { (builder) throws(RuntimeError) in
            let source = view(builder, input)
            let target = view(builder, destination)
            try builder.pointwise(folded, source: source, destination: target.channelSlice(channelOffset, outputs),
                                  postOps: .init(accumulate: accumulate, relu: relu), label: "harness pointwise")
            return ([(source, input.values), (target, destination.values)], target)
        }
        return result
    }

    /// 3×3 SAME pooling (average over valid pixels, or max) into a channel slice of `destination`.
    package func pool(_ input: Tensor, average: Bool, stride: Int, into destination: Tensor, channelOffset: Int,
                      accumulate: Bool) throws(RuntimeError) -> Tensor {
        var result = destination
        result.values = try runPlan { (builder) throws(RuntimeError) in
            let source = view(builder, input)
            let target = view(builder, destination)
            builder.append(.pooling(try PoolingKernel(kind: average ? .average : .max, stride: stride, source: source,
                                                      destination: target.channelSlice(channelOffset, input.channels),
                                                      accumulate: accumulate)))
            return ([(source, input.values), (target, destination.values)], target)
        }
        return result
    }

    /// FactorizedReduction of R(p): two 1×1 paths `[1, 1, C, F/2]` and one BatchNorm over the F outputs.
    package func factorizedReduction(_ input: Tensor, path1: [Float], path2: [Float], batchNorm: BatchNorm,
                                     epsilon: Float) throws(RuntimeError) -> Tensor {
        let filters = batchNorm.gamma.count, half = filters / 2
        let first = try fold(path1, shape: [1, 1, input.channels, half], batchNorm: batchNorm, offset: 0,
                             epsilon: epsilon)
        let second = try fold(path2, shape: [1, 1, input.channels, half], batchNorm: batchNorm, offset: half,
                              epsilon: epsilon)
        let (height, width) = ((input.height + 1) / 2, (input.width + 1) / 2)
        let values = try runPlan { (builder) throws(RuntimeError) in
            let source = view(builder, input)
            let target = builder.dedicated(batch: input.batch, height: height, width: width, channels: filters)
            try builder.factorizedReduction(p: source, into: target, path1: first, path2: second, label: "harness")
            return ([(source, input.values)], target)
        }
        return Tensor(values: values, batch: input.batch, height: height, width: width, channels: filters)
    }
}
