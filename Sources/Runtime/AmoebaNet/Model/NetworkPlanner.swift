/// Lays out the whole network for one (batch, height, width) as plan steps: stem, cells, head.
/// Cell outputs live in a ring of three buffers (x, p and the one being written). Once a cell is done its
/// output is replaced by R(output) in place, which is all the next cell's `1x1` and the one after's
/// `prev_1x1` read; only an output some cell reads raw gets a twin buffer for R(output).
final class NetworkPlanner {
    let config: AmoebaNetConfig
    let layers: LayerCache
    let builder: PlanBuilder
    let batch: Int

    init(config: AmoebaNetConfig, layers: LayerCache, builder: PlanBuilder, batch: Int) {
        self.config = config
        self.layers = layers
        self.builder = builder
        self.batch = batch
    }

    /// Everything the model needs to run a batch.
    struct Layout {
        let input: TensorView
        let features: TensorView
        let logits: TensorView?
    }

    func plan(height: Int, width: Int) throws(RuntimeError) -> Layout {
        guard height >= 3, width >= 3 else { throw RuntimeError.invalidInput("images must be at least 3×3") }
        let input = builder.dedicated(batch: batch, height: height, width: width, channels: 3)
        // Stem: 3×3 stride 2 VALID + BN, no ReLU.
        let stemHeight = (height - 3) / 2 + 1, stemWidth = (width - 3) / 2 + 1
        let stemWeights = try layers.folded("stem/conv0/weights", shape: [3, 3, 3, config.stemFilters],
                                            batchNorm: "stem/conv0_bn")
        // Ring sizes: the largest cell output (or the stem output).
        var shapes: [(Int, Int, Int)] = [(stemHeight, stemWidth, config.stemFilters)]
        var (h, w) = (stemHeight, stemWidth)
        for cell in config.cells {
            if cell.kind == .reduction { (h, w) = ((h + 1) / 2, (w + 1) / 2) }
            let spec = cell.kind == .normal ? CellSpec.normal : CellSpec.reduction
            shapes.append((h, w, spec.outputStates.count * cell.filters))
        }
        // The raw output of ring index i is read only where a cell uses it as a state itself: the stem
        // output in cell 0 (h1 = x) and a same-size `p` with F channels (h1 = p). Everywhere else only
        // R(output) is read (FactorizedReduction's gather applies ReLU again, which changes nothing), so
        // the ReLU is applied in place and no twin buffer is needed.
        func rawNeeded(_ index: Int) -> Bool {
            if index == 0 { return true }
            guard index + 1 < config.cells.count else { return false }
            let (ph, pw, pc) = shapes[index], (xh, xw, _) = shapes[index + 1]
            return ph == xh && pw == xw && pc == config.cells[index + 1].filters
        }
        let outputSlots = (0 ..< 3).map { _ in builder.storage.addSlot(count: 0) }
        let reluSlots = (0 ..< 3).map { _ in builder.storage.addSlot(count: 0) }
        for (index, shape) in shapes.enumerated() {
            let count = shape.0 * shape.1 * shape.2 * batch
            builder.storage.reserve(slot: outputSlots[index % 3], count: count)
            if rawNeeded(index) { builder.storage.reserve(slot: reluSlots[index % 3], count: count) }
        }
        func ringView(_ index: Int, relu: Bool) -> TensorView {
            let (h, w, c) = shapes[index]
            let slot = (relu && rawNeeded(index) ? reluSlots : outputSlots)[index % 3]
            return TensorView(ref: BufferRef(slot: slot, offset: 0), batch: batch, height: h, width: w, channels: c)
        }
        try builder.convolution(stemWeights, depthwise: false, source: input, destination: ringView(0, relu: false),
                                stride: (2, 2), padding: (0, 0, 0, 0), postOps: .init(), label: "stem/conv0")
        builder.append(.channelCopy(try ChannelCopyKernel(mode: .relu, source: ringView(0, relu: false),
                                                          destination: ringView(0, relu: true))))
        for (index, cell) in config.cells.enumerated() {
            let mark = builder.scratch.mark
            let cellPlanner = CellPlanner(cell: cell, planner: self)
            let output = ringView(index + 1, relu: false)
            try cellPlanner.plan(x: ringView(index, relu: false), rx: ringView(index, relu: true),
                                 p: index == 0 ? nil : ringView(index - 1, relu: false),
                                 rp: index == 0 ? nil : ringView(index - 1, relu: true), output: output)
            builder.append(.channelCopy(try ChannelCopyKernel(mode: .relu, source: output,
                                                              destination: ringView(index + 1, relu: true))))
            builder.scratch.reset(to: mark)
        }
        let last = ringView(config.cells.count, relu: true)
        let features = builder.dedicated(batch: batch, height: 1, width: 1, channels: last.channels)
        builder.append(.globalAverage(source: last, destination: features))
        var logits: TensorView?
        if let classes = config.classes {
            let fc = try layers.fullyConnected(features: last.channels, classes: classes)
            let view = builder.dedicated(batch: batch, height: 1, width: 1, channels: classes)
            try builder.pointwise(fc, source: features, destination: view, postOps: .init(), label: "final_layer/FC")
            logits = view
        }
        return Layout(input: input, features: features, logits: logits)
    }
}
