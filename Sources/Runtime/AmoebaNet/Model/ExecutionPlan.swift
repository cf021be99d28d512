/// Everything needed to run one (batch, height, width): primitives created once, activation storage
/// allocated once, steps in order. Running it allocates nothing.
final class ExecutionPlan {
    let batch: Int
    let height: Int
    let width: Int
    private let context: DNNLContext
    private let steps: [PlanStep]
    private let storage: ActivationStorage
    private let packedWeights: [DNNLMemory]
    private let layout: NetworkPlanner.Layout
    private let threads: Int

    init(config: AmoebaNetConfig, layers: LayerCache, context: DNNLContext, batch: Int, height: Int, width: Int,
         threads: Int, precision: RuntimeOptions.Precision = .fp32,
         bf16Weights: BF16WeightCache? = nil) throws(RuntimeError) {
        let builder = PlanBuilder(context: context, precision: precision, bf16Weights: bf16Weights)
        let planner = NetworkPlanner(config: config, layers: layers, builder: builder, batch: batch)
        layout = try planner.plan(height: height, width: width)
        (steps, storage, packedWeights) = try builder.finish()
        self.context = context
        self.batch = batch
        self.height = height
        self.width = width
        self.threads = threads
    }

    /// Bytes of activation memory this plan holds.
    var activationBytes: Int { storage.totalBytes }

    /// The oneDNN implementation chosen for each primitive, for diagnostics.
    var implementations: [(label: String, implementation: String)] {
        steps.compactMap { step in
            if case .primitive(let primitive) = step { return (primitive.label, primitive.implementation) }
            return nil
        }
    }

    /// Runs the network once step by step and sums the wall time per step category (seconds).
    func profile(images: UnsafeBufferPointer<Float>) throws(RuntimeError) -> [String: Double] {
        let input = storage.pointer(layout.input.ref)
        HeadKernels.scaleInput(images.baseAddress!, into: input, count: layout.input.denseCount)
        var totals: [String: Double] = [:]
        try PlanStep.run(steps, storage: storage, context: context, threads: threads) { step, nanoseconds in
            totals[step.category, default: 0] += Double(nanoseconds) / 1e9
        }
        return totals
    }

    /// Runs the network on `images` (NHWC, [0, 1]) and returns logits or features.
    func run(images: UnsafeBufferPointer<Float>, output: AmoebaNetModel.Output) throws(RuntimeError) -> [Float] {
        let input = storage.pointer(layout.input.ref)
        HeadKernels.scaleInput(images.baseAddress!, into: input, count: layout.input.denseCount)
        try PlanStep.run(steps, storage: storage, context: context, threads: threads)
        let view: TensorView
        switch output {
        case .features: view = layout.features
        case .logits:
            guard let logits = layout.logits else {
                throw RuntimeError.invalidInput("this module has no classification head; ask for features")
            }
            view = logits
        }
        let pointer = storage.pointer(view.ref)
        return Array(UnsafeBufferPointer(start: pointer, count: view.denseCount))
    }
}
