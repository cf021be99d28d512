import CDNNL

/// bf16 copies of 1×1 weights (`[in, out]`, row-major), converted once per model with a oneDNN reorder and
/// shared by all its plans. Used only in `RuntimeOptions.Precision.bf16`.
final class BF16WeightCache {
    private var memories: [ObjectIdentifier: DNNLMemory] = [:]
    private var owners: [FoldedWeights] = []

    func weights(for layer: FoldedWeights, context: DNNLContext, label: String) throws(RuntimeError) -> DNNLMemory {
        if let cached = memories[ObjectIdentifier(layer)] { return cached }
        let (k, n) = (layer.inputChannels * layer.kernelHeight * layer.kernelWidth, layer.outputChannels)
        let f32 = try MemoryDescriptor.strided([k, n], strides: [n, 1], label: label)
        let bf16 = try MemoryDescriptor.strided([k, n], strides: [n, 1], type: dnnl_bf16, label: label)
        let source = try DNNLMemory(f32, context: context, data: UnsafeMutableRawPointer(layer.values.baseAddress!),
                                    label: label)
        let converted = try DNNLMemory(bf16, context: context, data: nil, label: label)
        let reorder = try PrimitiveDescriptor(reorderFrom: f32, to: bf16, context: context, label: "\(label) weights to bf16")
        try DNNLPrimitive(reorder, arguments: [(DNNLCall.argSource, source), (DNNLCall.argDestination, converted)])
            .execute(context)
        try context.wait()
        memories[ObjectIdentifier(layer)] = converted
        owners.append(layer)  // keeps the identifier unique for the cache's lifetime
        return converted
    }

    var byteCount: Int { memories.values.reduce(0) { $0 + $1.byteCount } }
}
