import CDNNL

/// A created oneDNN primitive with its arguments bound; executing it needs no further setup.
final class DNNLPrimitive {
    let handle: dnnl_primitive_t
    let label: String
    let implementation: String
    /// Kept alive for as long as the primitive references them.
    private let memories: [DNNLMemory]
    private let arguments: [dnnl_exec_arg_t]

    init(_ descriptor: PrimitiveDescriptor, arguments: [(Int32, DNNLMemory)]) throws(RuntimeError) {
        var primitive: dnnl_primitive_t?
        try DNNLCall.check(dnnl_primitive_create(&primitive, descriptor.handle), "primitive for \(descriptor.label)")
        guard let primitive else { throw RuntimeError.dnnl(operation: "primitive for \(descriptor.label)", status: -1) }
        self.handle = primitive
        self.label = descriptor.label
        self.implementation = descriptor.implementation
        self.memories = arguments.map(\.1)
        self.arguments = arguments.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1.handle) }
    }

    func execute(_ context: DNNLContext) throws(RuntimeError) {
        let status = arguments.withUnsafeBufferPointer { arguments in
            dnnl_primitive_execute(handle, context.stream, Int32(arguments.count), arguments.baseAddress)
        }
        try DNNLCall.check(status, "executing \(label)")
    }

    deinit { dnnl_primitive_destroy(handle) }
}
