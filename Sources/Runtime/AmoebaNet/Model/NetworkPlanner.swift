/// Lays out the whole network for one (batch, height, width) as plan steps: stem, cells, head.
/// Cell outputs live in a ring of three buffers (x, p and the one being written), each with a twin that
/// holds R(output), which both the next cell's `1x1` and the one after's `prev_1x1` read.
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
        let largest = shapes.map { $0.0 * $0.1 * $0.2 }.max()! * batch
        let outputSlots = (0 ..< 3).map { _ in builder.storage.addSlot(count: largest) }
        let reluSlots = (0 ..< 3).map { _ in builder.storage.addSlot(count: largest) }
        func ringView(_ index: Int, relu: Bool) -> TensorView {
            let (h, w, c) = shapes[index]
            let slot = (relu ? reluSlots : outputSlots)[index % 3]
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
