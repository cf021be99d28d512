import CDNNL
import Foundation

/// Builds the steps of an execution plan: creates each oneDNN primitive once for its shapes, records which
/// activation views its memories point at, and lays out temporaries in a scratch arena.
final class PlanBuilder {
    let context: DNNLContext
    let storage = ActivationStorage()
    let scratch: ScratchArena
    /// One slot shared by every primitive's oneDNN scratchpad: steps run one after another on one stream.
    private let scratchpadSlot: Int
    private(set) var steps: [PlanStep] = []
    /// Activation memories to point at storage once it is allocated.
    private var bindings: [(DNNLMemory, BufferRef)] = []
    /// Weight memories in a primitive-preferred layout that this plan owns.
    private var ownedWeights: [DNNLMemory] = []

    /// Implementation-name prefix preferred for matmuls; nil takes oneDNN's first choice.
    let matmulImplementation: String?

    /// `.bf16`: 1×1 convolutions read bf16 copies of their input and bf16 weights, accumulating in f32.
    let precision: RuntimeOptions.Precision
    /// bf16 weights shared by all plans of a model (nil when the builder is used stand-alone).
    let bf16Weights: BF16WeightCache?

    init(context: DNNLContext, matmulImplementation: String? = PlanBuilder.defaultMatmulImplementation,
         precision: RuntimeOptions.Precision = .fp32, bf16Weights: BF16WeightCache? = nil) {
        self.context = context
        self.precision = precision
        self.bf16Weights = bf16Weights
        self.matmulImplementation = matmulImplementation
        scratch = ScratchArena(storage: storage)
        scratchpadSlot = storage.addSlot(count: 0)
    }

    /// Creates the primitive of `descriptor`, adding the shared scratchpad when it needs one.
    private func primitive(_ descriptor: PrimitiveDescriptor,
                           arguments: [(Int32, DNNLMemory)]) throws(RuntimeError) -> DNNLPrimitive {
        var arguments = arguments
        if let scratchpad = descriptor.scratchpadDescriptor {
            var md = scratchpad
            let floats = (dnnl_memory_desc_get_size(&md) + 3) / 4
            storage.reserve(slot: scratchpadSlot, count: floats)
            let view = TensorView(ref: BufferRef(slot: scratchpadSlot, offset: 0), batch: 1, height: 1, width: 1,
                                  channels: floats)
            arguments.append((DNNLCall.argScratchpad, try activation(scratchpad, view, label: descriptor.label)))
        }
        return try DNNLPrimitive(descriptor, arguments: arguments)
    }

    /// oneDNN's own sgemm (`gemm:jit`) measured faster than its `brg` matmul on this network's dense 1×1
    /// shapes (docs/runtime.md); `HUBCTL_MATMUL_IMPL` overrides it (empty = oneDNN's choice).
    static let defaultMatmulImplementation: String? = {
        guard let value = ProcessInfo.processInfo.environment["HUBCTL_MATMUL_IMPL"] else { return "gemm:jit" }
        return value.isEmpty ? nil : value
    }()

    /// A dense slot of its own (not in the scratch arena).
    func dedicated(batch: Int, height: Int, width: Int, channels: Int) -> TensorView {
        let slot = storage.addSlot(count: batch * height * width * channels)
        return TensorView(ref: BufferRef(slot: slot, offset: 0), batch: batch, height: height, width: width,
                          channels: channels)
    }

    func append(_ step: PlanStep) { steps.append(step) }

    /// Allocates the storage and points every activation memory at it.
    func finish() throws(RuntimeError) -> (steps: [PlanStep], storage: ActivationStorage, weights: [DNNLMemory]) {
        try storage.allocate()
        for (memory, ref) in bindings { try memory.bind(UnsafeMutableRawPointer(storage.pointer(ref))) }
        return (steps, storage, ownedWeights)
    }

    private func activation(_ descriptor: dnnl_memory_desc_t, _ view: TensorView,
                            label: String) throws(RuntimeError) -> DNNLMemory {
        let memory = try DNNLMemory(descriptor, context: context, data: nil, label: label)
        bindings.append((memory, view.ref))
        return memory
    }

    /// 2-D `[pixels, channels]` descriptor of a view (rows `pixelStride` apart).
    private func matrix(_ view: TensorView, label: String) throws(RuntimeError) -> dnnl_memory_desc_t {
        try MemoryDescriptor.strided([view.pixels, view.channels], strides: [view.pixelStride, 1], label: label)
    }

    /// 4-D NCHW-dims descriptor of an NHWC view.
    private func nhwc(_ view: TensorView, label: String) throws(RuntimeError) -> dnnl_memory_desc_t {
        let p = view.pixelStride
        return try MemoryDescriptor.strided([view.batch, view.channels, view.height, view.width],
                                            strides: [view.height * view.width * p, 1, view.width * p, p],
                                            label: label)
    }

    private func weightsMemory(_ descriptor: dnnl_memory_desc_t, _ pointer: UnsafeMutablePointer<Float>,
                               label: String) throws(RuntimeError) -> DNNLMemory {
        try DNNLMemory(descriptor, context: context, data: UnsafeMutableRawPointer(pointer), label: label)
    }

    /// A 1×1 stride-1 convolution as a matmul `[pixels, in] × [in, out] + bias`; source and destination may
    /// be channel slices, so results land directly in a concatenated cell output.
    func pointwise(_ weights: FoldedWeights, source: TensorView, destination: TensorView,
                   postOps: PrimitiveDescriptor.PostOps, label: String) throws(RuntimeError) {
        guard weights.kernelHeight == 1, weights.kernelWidth == 1, weights.inputChannels == source.channels,
              weights.outputChannels == destination.channels, source.pixels == destination.pixels else {
            throw RuntimeError.invalidInput("pointwise layer \(label) does not fit its input")
        }
        let (k, n) = (weights.inputChannels, weights.outputChannels)
        if precision == .bf16 {
            try pointwiseBF16(weights, source: source, destination: destination, postOps: postOps, label: label)
            return
        }
        var sourceMD = try matrix(source, label: label)
        var weightsMD = try MemoryDescriptor.strided([k, n], strides: [n, 1], label: label)
        var destinationMD = try matrix(destination, label: label)
        var biasMD = try MemoryDescriptor.strided([1, n], strides: [n, 1], label: label)
        var descriptor = dnnl_matmul_desc_t()
        let status = weights.bias == nil
            ? dnnl_matmul_desc_init(&descriptor, &sourceMD, &weightsMD, nil, &destinationMD)
            : dnnl_matmul_desc_init(&descriptor, &sourceMD, &weightsMD, &biasMD, &destinationMD)
        try DNNLCall.check(status, "matmul descriptor for \(label)")
        let primitiveDescriptor = try withUnsafePointer(to: &descriptor) { (pointer) throws(RuntimeError) in
            try PrimitiveDescriptor(operationDescriptor: UnsafeRawPointer(pointer), postOps: postOps,
                                    context: context, label: label, preferred: matmulImplementation)
        }
        var arguments: [(Int32, DNNLMemory)] = [
            (DNNLCall.argSource, try activation(sourceMD, source, label: label)),
            (DNNLCall.argWeights, try weightsMemory(weightsMD, weights.values.baseAddress!, label: label)),
            (DNNLCall.argDestination, try activation(destinationMD, destination, label: label)),
        ]
        if let bias = weights.bias {
            arguments.append((DNNLCall.argBias, try weightsMemory(biasMD, bias.baseAddress!, label: label)))
        }
        steps.append(.primitive(try primitive(primitiveDescriptor, arguments: arguments)))
    }

    /// The bf16 form of `pointwise`: a reorder makes a dense bf16 copy of the (possibly strided) f32 input in
    /// the scratch arena, then a bf16 × bf16 → f32 matmul writes or accumulates into the f32 destination.
    private func pointwiseBF16(_ weights: FoldedWeights, source: TensorView, destination: TensorView,
                               postOps: PrimitiveDescriptor.PostOps, label: String) throws(RuntimeError) {
        let (k, n, m) = (weights.inputChannels, weights.outputChannels, source.pixels)
        let mark = scratch.mark
        // bf16 halves: m·k bf16 values fit in ⌈m·k/2⌉ float slots.
        let halfView = scratch.tensor(batch: 1, height: 1, width: 1, channels: (m * k + 1) / 2)
        let sourceF32 = try matrix(source, label: label)
        var sourceBF16 = try MemoryDescriptor.strided([m, k], strides: [k, 1], type: dnnl_bf16, label: label)
        let convert = try PrimitiveDescriptor(reorderFrom: sourceF32, to: sourceBF16, context: context,
                                              label: "\(label) to bf16")
        steps.append(.primitive(try DNNLPrimitive(convert, arguments: [
            (DNNLCall.argSource, try activation(sourceF32, source, label: label)),
            (DNNLCall.argDestination, try activation(sourceBF16, halfView, label: label)),
        ])))
        guard let cache = bf16Weights else { throw RuntimeError.invalidInput("\(label): no bf16 weight cache") }
        let weightsBF16 = try cache.weights(for: weights, context: context, label: label)
        var weightsMD = weightsBF16.descriptor
        var destinationMD = try matrix(destination, label: label)
        var biasMD = try MemoryDescriptor.strided([1, n], strides: [n, 1], label: label)
        var descriptor = dnnl_matmul_desc_t()
        let status = weights.bias == nil
            ? dnnl_matmul_desc_init(&descriptor, &sourceBF16, &weightsMD, nil, &destinationMD)
            : dnnl_matmul_desc_init(&descriptor, &sourceBF16, &weightsMD, &biasMD, &destinationMD)
        try DNNLCall.check(status, "bf16 matmul descriptor for \(label)")
        let primitiveDescriptor = try withUnsafePointer(to: &descriptor) { (pointer) throws(RuntimeError) in
            try PrimitiveDescriptor(operationDescriptor: UnsafeRawPointer(pointer), postOps: postOps,
                                    context: context, label: label)
        }
        var arguments: [(Int32, DNNLMemory)] = [
            (DNNLCall.argSource, try activation(sourceBF16, halfView, label: label)),
            (DNNLCall.argWeights, weightsBF16),
            (DNNLCall.argDestination, try activation(destinationMD, destination, label: label)),
        ]
        if let bias = weights.bias {
            arguments.append((DNNLCall.argBias, try weightsMemory(biasMD, bias.baseAddress!, label: label)))
        }
        steps.append(.primitive(try primitive(primitiveDescriptor, arguments: arguments)))
        scratch.reset(to: mark)
    }

    /// A k×k, 1×k, k×1 or depthwise (`groups` = channels) convolution with explicit TF SAME/VALID padding.
    func convolution(_ weights: FoldedWeights, depthwise: Bool, source: TensorView, destination: TensorView,
                     stride: (Int, Int), padding: (top: Int, left: Int, bottom: Int, right: Int),
                     postOps: PrimitiveDescriptor.PostOps, label: String) throws(RuntimeError) {
        let (kh, kw) = (weights.kernelHeight, weights.kernelWidth)
        let channels = source.channels
        let userWeightsMD: dnnl_memory_desc_t
        let anyWeightsMD: dnnl_memory_desc_t
        if depthwise {
            guard weights.inputChannels == channels, weights.outputChannels == 1, destination.channels == channels
            else { throw RuntimeError.invalidInput("depthwise layer \(label) does not fit its input") }
            userWeightsMD = try MemoryDescriptor.strided([channels, 1, 1, kh, kw],
                                                         strides: [1, 1, 1, kw * channels, channels], label: label)
            anyWeightsMD = try MemoryDescriptor.any([channels, 1, 1, kh, kw], label: label)
        } else {
            let (i, o) = (weights.inputChannels, weights.outputChannels)
            guard i == channels, o == destination.channels
            else { throw RuntimeError.invalidInput("convolution \(label) does not fit its input") }
            userWeightsMD = try MemoryDescriptor.strided([o, i, kh, kw], strides: [1, o, kw * i * o, i * o],
                                                         label: label)
            anyWeightsMD = try MemoryDescriptor.any([o, i, kh, kw], label: label)
        }
        var sourceMD = try nhwc(source, label: label)
        var destinationMD = try nhwc(destination, label: label)
        var weightsMD = anyWeightsMD
        let outputs = destination.channels
        var biasMD = try MemoryDescriptor.strided([outputs], strides: [1], label: label)
        let strides = DNNLCall.dims([stride.0, stride.1])
        let padLeft = DNNLCall.dims([padding.top, padding.left])
        let padRight = DNNLCall.dims([padding.bottom, padding.right])
        var descriptor = dnnl_convolution_desc_t()
        let status = weights.bias == nil
            ? dnnl_convolution_forward_desc_init(&descriptor, dnnl_forward_inference, dnnl_convolution_direct,
                                                 &sourceMD, &weightsMD, nil, &destinationMD, strides,
                                                 padLeft, padRight)
            : dnnl_convolution_forward_desc_init(&descriptor, dnnl_forward_inference, dnnl_convolution_direct,
                                                 &sourceMD, &weightsMD, &biasMD, &destinationMD, strides,
                                                 padLeft, padRight)
        try DNNLCall.check(status, "convolution descriptor for \(label)")
        let primitiveDescriptor = try withUnsafePointer(to: &descriptor) { (pointer) throws(RuntimeError) in
            try PrimitiveDescriptor(operationDescriptor: UnsafeRawPointer(pointer), postOps: postOps,
                                    context: context, label: label)
        }
        let user = try weightsMemory(userWeightsMD, weights.values.baseAddress!, label: label)
        let chosen = primitiveDescriptor.weightsDescriptor ?? userWeightsMD
        let weightsArgument: DNNLMemory
        if MemoryDescriptor.equal(chosen, userWeightsMD) {
            weightsArgument = user
        } else {
            // Repack once, now, into the layout the implementation wants.
            let packed = try DNNLMemory(chosen, context: context, data: nil, label: label)
            let reorder = try PrimitiveDescriptor(reorderFrom: userWeightsMD, to: chosen, context: context,
                                                  label: "\(label) weights")
            try DNNLPrimitive(reorder, arguments: [(DNNLCall.argSource, user), (DNNLCall.argDestination, packed)])
                .execute(context)
            try context.wait()
            ownedWeights.append(packed)
            weightsArgument = packed
        }
        var arguments: [(Int32, DNNLMemory)] = [
            (DNNLCall.argSource, try activation(sourceMD, source, label: label)),
            (DNNLCall.argWeights, weightsArgument),
            (DNNLCall.argDestination, try activation(destinationMD, destination, label: label)),
        ]
        if let bias = weights.bias {
            arguments.append((DNNLCall.argBias, try weightsMemory(biasMD, bias.baseAddress!, label: label)))
        }
        steps.append(.primitive(try primitive(primitiveDescriptor, arguments: arguments)))
    }
}

extension PlanBuilder {
    /// FactorizedReduction of R(p) into `destination` (2·out channels): path 1 samples even pixels, path 2
    /// the pixels shifted by one down-right (zero past the edge); each feeds a 1×1 convolution writing its
    /// half of the channels.
    func factorizedReduction(p: TensorView, into destination: TensorView, path1: FoldedWeights,
                             path2: FoldedWeights, label: String) throws(RuntimeError) {
        let half = path1.outputChannels
        guard path2.outputChannels == half, destination.channels == 2 * half else {
            throw RuntimeError.invalidInput("\(label): factorized reduction halves do not fill the destination")
        }
        let mark = scratch.mark
        for (index, weights) in [path1, path2].enumerated() {
            let gathered = scratch.tensor(batch: p.batch, height: (p.height + 1) / 2, width: (p.width + 1) / 2,
                                          channels: p.channels)
            append(.gather(try FactorizedGatherKernel(source: p, destination: gathered, shift: index)))
            try pointwise(weights, source: gathered, destination: destination.channelSlice(index * half, half),
                          postOps: .init(), label: "\(label)/path\(index + 1)_conv")
        }
        scratch.reset(to: mark)
    }
}
