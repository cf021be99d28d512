/// Plans one AmoebaNet-A cell: prepares h0 and h1, runs the five combinations (left written, right added
/// on top through oneDNN's sum post-op or the pooling kernel's accumulate mode) and writes every output
/// state straight into its channel slice of the concatenated output.
final class CellPlanner {
    let cell: AmoebaNetConfig.Cell
    let planner: NetworkPlanner
    private var builder: PlanBuilder { planner.builder }
    private var layers: LayerCache { planner.layers }
    private var states: [TensorView?] = Array(repeating: nil, count: 7)
    private var relus: [TensorView?] = Array(repeating: nil, count: 7)

    init(cell: AmoebaNetConfig.Cell, planner: NetworkPlanner) {
        self.cell = cell
        self.planner = planner
    }

    private var scope: String { cell.scope }
    private var filters: Int { cell.filters }

    private func temporary(like view: TensorView, channels: Int) -> TensorView {
        builder.scratch.tensor(batch: view.batch, height: view.height, width: view.width, channels: channels)
    }

    func plan(x: TensorView, rx: TensorView, p: TensorView?, rp: TensorView?, output: TensorView) throws(RuntimeError) {
        let spec = cell.kind == .normal ? CellSpec.normal : CellSpec.reduction
        let stride = cell.kind == .normal ? 1 : 2
        let outputStates = spec.outputStates
        guard output.channels == outputStates.count * filters else {
            throw RuntimeError.invalidInput("\(scope): output buffer has \(output.channels) channels")
        }
        func destination(_ state: Int, like view: TensorView) -> TensorView {
            if let slot = outputStates.firstIndex(of: state) { return output.channelSlice(slot * filters, filters) }
            return temporary(like: view, channels: filters)
        }

        // h0 = BN(C1(R(x))).
        let h0Weights = try layers.folded("\(scope)/1x1/weights", shape: [1, 1, x.channels, filters],
                                          batchNorm: "\(scope)/beginning_bn")
        let h0 = destination(0, like: x)
        try builder.pointwise(h0Weights, source: rx, destination: h0, postOps: .init(), label: "\(scope)/1x1")
        states[0] = h0

        // h1 from the previous output.
        if let p, let rp {
            if p.width != x.width || p.height != x.height {
                let h1 = destination(1, like: x)
                try planFactorizedReduction(p: p, into: h1)
                states[1] = h1
            } else if p.channels != filters {
                let weights = try layers.folded("\(scope)/prev_1x1/weights", shape: [1, 1, p.channels, filters],
                                                batchNorm: "\(scope)/prev_bn")
                let h1 = destination(1, like: x)
                try builder.pointwise(weights, source: rp, destination: h1, postOps: .init(),
                                      label: "\(scope)/prev_1x1")
                states[1] = h1
            } else {
                states[1] = p
                relus[1] = rp
            }
        } else {
            states[1] = x
            relus[1] = rx
        }
        if let slot = outputStates.firstIndex(of: 1), let h1 = states[1] {
            let target = output.channelSlice(slot * filters, filters)
            if h1 != target {
                builder.append(.channelCopy(try ChannelCopyKernel(mode: .copy, source: h1, destination: target)))
                states[1] = target
            }
        }

        let outHeight = (x.height + stride - 1) / stride, outWidth = (x.width + stride - 1) / stride
        let shapeTemplate = TensorView(ref: BufferRef(slot: 0, offset: 0), batch: x.batch, height: outHeight,
                                       width: outWidth, channels: filters)
        for combination in 0 ..< 5 {
            let state = 2 + combination
            let target = destination(state, like: shapeTemplate)
            for side in 0 ..< 2 {
                let index = 2 * combination + side
                let input = spec.inputs[index]
                let operationScope = "\(scope)/comb_iter_\(combination)/\(side == 0 ? "left" : "right")"
                try planOperation(spec.operations[index], input: input, stride: input < 2 ? stride : 1,
                                  destination: target, accumulate: side == 1, scope: operationScope)
            }
            states[state] = target
        }
    }

    /// R(state), materialised once per cell in a dense temporary.
    private func relu(of index: Int) throws(RuntimeError) -> TensorView {
        if let cached = relus[index] { return cached }
        guard let state = states[index] else { throw RuntimeError.invalidInput("\(scope): state h\(index) unset") }
        let view = temporary(like: state, channels: state.channels)
        builder.append(.channelCopy(try ChannelCopyKernel(mode: .relu, source: state, destination: view)))
        relus[index] = view
        return view
    }

    private func planOperation(_ operation: CellSpec.Operation, input index: Int, stride: Int,
                               destination: TensorView, accumulate: Bool, scope: String) throws(RuntimeError) {
        guard let input = states[index] else { throw RuntimeError.invalidInput("\(scope): state h\(index) unset") }
        let post = PrimitiveDescriptor.PostOps(accumulate: accumulate, relu: false)
        switch operation {
        case .separable(let kernel):
            let source = try relu(of: index)
            let mark = builder.scratch.mark
            var current = source
            for repeatIndex in 1 ... 2 {
                let name = "\(scope)/separable_\(kernel)x\(kernel)_\(repeatIndex)"
                let step = repeatIndex == 1 ? stride : 1
                let rows = SamePadding(input: current.height, kernel: kernel, stride: step)
                let cols = SamePadding(input: current.width, kernel: kernel, stride: step)
                let depthwise = try layers.folded("\(name)/depthwise_weights",
                                                  shape: [kernel, kernel, current.channels, 1], batchNorm: nil)
                let spatial = builder.scratch.tensor(batch: current.batch, height: rows.output, width: cols.output,
                                                     channels: current.channels)
                try builder.convolution(depthwise, depthwise: true, source: current, destination: spatial,
                                        stride: (step, step),
                                        padding: (rows.before, cols.before, rows.after, cols.after),
                                        postOps: .init(), label: "\(name)/depthwise")
                let pointwise = try layers.folded("\(name)/pointwise_weights", shape: [1, 1, current.channels, filters],
                                                  batchNorm: "\(scope)/bn_sep_\(kernel)x\(kernel)_\(repeatIndex)")
                if repeatIndex == 1 {
                    let mixed = temporary(like: spatial, channels: filters)
                    try builder.pointwise(pointwise, source: spatial, destination: mixed,
                                          postOps: .init(accumulate: false, relu: true), label: "\(name)/pointwise")
                    current = mixed
                } else {
                    try builder.pointwise(pointwise, source: spatial, destination: destination, postOps: post,
                                          label: "\(name)/pointwise")
                }
            }
            builder.scratch.reset(to: mark)
        case .averagePool, .maxPool:
            let kind: PoolingKernel.Kind = operation == .averagePool ? .average : .max
            if input.channels == filters {
                builder.append(.pooling(try PoolingKernel(kind: kind, stride: stride, source: input,
                                                          destination: destination, accumulate: accumulate)))
            } else {
                let mark = builder.scratch.mark
                let rows = SamePadding(input: input.height, kernel: 3, stride: stride)
                let cols = SamePadding(input: input.width, kernel: 3, stride: stride)
                let pooled = builder.scratch.tensor(batch: input.batch, height: rows.output, width: cols.output,
                                                    channels: input.channels)
                builder.append(.pooling(try PoolingKernel(kind: kind, stride: stride, source: input,
                                                          destination: pooled, accumulate: false)))
                let weights = try layers.folded("\(scope)/1x1/weights", shape: [1, 1, input.channels, filters],
                                                batchNorm: "\(scope)/bn_1")
                try builder.pointwise(weights, source: pooled, destination: destination, postOps: post,
                                      label: "\(scope)/1x1")
                builder.scratch.reset(to: mark)
            }
        case .identity:
            guard stride == 1, input.channels == filters else {
                throw RuntimeError.unsupported(module: scope, reason: "a strided or channel-changing 'none' op")
            }
            builder.append(.channelCopy(try ChannelCopyKernel(mode: accumulate ? .add : .copy, source: input,
                                                              destination: destination)))
        case .bottleneck1x7_7x1:
            let source = try relu(of: index)
            let mark = builder.scratch.mark
            let preShape = try planner.layers.source.requiredShape(of: "\(scope)/pre_1x1/weights")
            guard preShape.count == 4 else {
                throw RuntimeError.unexpectedShape(name: "\(scope)/pre_1x1/weights", expected: [1, 1, input.channels, -1],
                                                   found: preShape, module: layers.source.origin)
            }
            let bottleneck = preShape[3]
            let pre = try layers.folded("\(scope)/pre_1x1/weights", shape: [1, 1, input.channels, bottleneck],
                                        batchNorm: "\(scope)/pre_bn")
            let reduced = temporary(like: source, channels: bottleneck)
            try builder.pointwise(pre, source: source, destination: reduced, postOps: .init(accumulate: false, relu: true),
                                  label: "\(scope)/pre_1x1")
            let cols = SamePadding(input: reduced.width, kernel: 7, stride: stride)
            let horizontal = builder.scratch.tensor(batch: reduced.batch, height: reduced.height, width: cols.output,
                                                    channels: bottleneck)
            let w1x7 = try layers.folded("\(scope)/1x7/weights", shape: [1, 7, bottleneck, bottleneck],
                                         batchNorm: "\(scope)/bn_1x7_7x1")
            try builder.convolution(w1x7, depthwise: false, source: reduced, destination: horizontal,
                                    stride: (1, stride), padding: (0, cols.before, 0, cols.after),
                                    postOps: .init(accumulate: false, relu: true), label: "\(scope)/1x7")
            let rows = SamePadding(input: horizontal.height, kernel: 7, stride: stride)
            let vertical = builder.scratch.tensor(batch: reduced.batch, height: rows.output, width: cols.output,
                                                  channels: bottleneck)
            let w7x1 = try layers.folded("\(scope)/7x1/weights", shape: [7, 1, bottleneck, bottleneck],
                                         batchNorm: "\(scope)/bn")
            try builder.convolution(w7x1, depthwise: false, source: horizontal, destination: vertical,
                                    stride: (stride, 1), padding: (rows.before, 0, rows.after, 0),
                                    postOps: .init(accumulate: false, relu: true), label: "\(scope)/7x1")
            let post1x1 = try layers.folded("\(scope)/post_1x1/weights", shape: [1, 1, bottleneck, filters],
                                            batchNorm: "\(scope)/post_bn")
            try builder.pointwise(post1x1, source: vertical, destination: destination, postOps: post,
                                  label: "\(scope)/post_1x1")
            builder.scratch.reset(to: mark)
        }
    }

    /// h1 = BN(concat[C1(R(p)[::2, ::2]), C1(shift(R(p))[::2, ::2])]), the BN folded per half.
    private func planFactorizedReduction(p: TensorView, into h1: TensorView) throws(RuntimeError) {
        let half = filters / 2
        guard half * 2 == filters else {
            throw RuntimeError.unsupported(module: scope, reason: "factorized reduction with odd filters \(filters)")
        }
        let paths = try (1 ... 2).map { (path) throws(RuntimeError) in
            try layers.folded("\(scope)/path\(path)_conv/weights", shape: [1, 1, p.channels, half],
                              batchNorm: "\(scope)/final_path_bn", bnOffset: (path - 1) * half, bnChannels: filters)
        }
        try builder.factorizedReduction(p: p, into: h1, path1: paths[0], path2: paths[1], label: scope)
    }
}
