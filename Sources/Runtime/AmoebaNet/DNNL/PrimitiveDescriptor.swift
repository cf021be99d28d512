import CDNNL

/// Owns a `dnnl_primitive_desc_t`: the chosen implementation of one operation for fixed shapes.
final class PrimitiveDescriptor {
    let handle: dnnl_primitive_desc_t
    let label: String

    /// Post-operations fused into a convolution or matmul: accumulate onto the destination, then ReLU.
    struct PostOps: Equatable {
        var accumulate = false
        var relu = false
    }

    /// `preferred`: an implementation-name prefix to pick when oneDNN offers it (e.g. `gemm:jit`).
    init(operationDescriptor: UnsafeRawPointer, postOps: PostOps, context: DNNLContext, label: String,
         preferred: String? = nil) throws(RuntimeError) {
        var attributes: dnnl_primitive_attr_t?
        try DNNLCall.check(dnnl_primitive_attr_create(&attributes), "attributes for \(label)")
        defer { dnnl_primitive_attr_destroy(attributes) }
        // The plan passes one shared scratchpad; in library mode every primitive could hold its own.
        try DNNLCall.check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user),
                           "scratchpad mode for \(label)")
        if postOps.accumulate || postOps.relu {
            var ops: dnnl_post_ops_t?
            try DNNLCall.check(dnnl_post_ops_create(&ops), "post-ops for \(label)")
            defer { dnnl_post_ops_destroy(ops) }
            if postOps.accumulate {
                try DNNLCall.check(dnnl_post_ops_append_sum(ops, 1.0), "sum post-op for \(label)")
            }
            if postOps.relu {
                try DNNLCall.check(dnnl_post_ops_append_eltwise(ops, 1.0, dnnl_eltwise_relu, 0, 0),
                                   "ReLU post-op for \(label)")
            }
            try DNNLCall.check(dnnl_primitive_attr_set_post_ops(attributes, ops), "post-ops for \(label)")
        }
        var descriptor: dnnl_primitive_desc_t?
        if let preferred {
            descriptor = Self.firstImplementation(named: preferred, operationDescriptor: operationDescriptor,
                                                  attributes: attributes, context: context)
        }
        if descriptor == nil {
            try DNNLCall.check(dnnl_primitive_desc_create(&descriptor, operationDescriptor, attributes,
                                                          context.engine, nil), "primitive descriptor for \(label)")
        }
        guard let descriptor else { throw RuntimeError.dnnl(operation: "primitive descriptor for \(label)", status: -1) }
        self.handle = descriptor
        self.label = label
    }

    /// Walks oneDNN's implementation list (best first) and returns the first whose name starts with
    /// `prefix`, or nil when none does; only implementations before `ref` are considered.
    private static func firstImplementation(named prefix: String, operationDescriptor: UnsafeRawPointer,
                                            attributes: dnnl_primitive_attr_t?,
                                            context: DNNLContext) -> dnnl_primitive_desc_t? {
        var iterator: dnnl_primitive_desc_iterator_t?
        guard dnnl_primitive_desc_iterator_create(&iterator, operationDescriptor, attributes, context.engine,
                                                  nil) == dnnl_success, let iterator else { return nil }
        defer { dnnl_primitive_desc_iterator_destroy(iterator) }
        repeat {
            guard let candidate = dnnl_primitive_desc_iterator_fetch(iterator) else { return nil }
            var name: UnsafePointer<CChar>?
            dnnl_primitive_desc_query(candidate, dnnl_query_impl_info_str, 0, &name)
            let implementation = name.map { String(cString: $0) } ?? ""
            if implementation.hasPrefix(prefix) { return candidate }
            dnnl_primitive_desc_destroy(candidate)
            if implementation.hasPrefix("ref") { return nil }
        } while dnnl_primitive_desc_iterator_next(iterator) == dnnl_success
        return nil
    }

    /// A reorder from `source` to `destination` layout.
    init(reorderFrom source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t, context: DNNLContext,
         label: String) throws(RuntimeError) {
        var source = source, destination = destination
        var descriptor: dnnl_primitive_desc_t?
        try DNNLCall.check(dnnl_reorder_primitive_desc_create(&descriptor, &source, context.engine, &destination,
                                                              context.engine, nil), "reorder for \(label)")
        guard let descriptor else { throw RuntimeError.dnnl(operation: "reorder for \(label)", status: -1) }
        self.handle = descriptor
        self.label = label
    }

    /// The weights layout the implementation asked for.
    var weightsDescriptor: dnnl_memory_desc_t? {
        dnnl_primitive_desc_query_md(handle, dnnl_query_weights_md, 0)?.pointee
    }

    /// The scratchpad this primitive needs (user scratchpad mode), nil when it needs none.
    var scratchpadDescriptor: dnnl_memory_desc_t? {
        guard var descriptor = dnnl_primitive_desc_query_md(handle, dnnl_query_scratchpad_md, 0)?.pointee,
              dnnl_memory_desc_get_size(&descriptor) > 0 else { return nil }
        return descriptor
    }

    /// The implementation oneDNN picked, e.g. `brgconv:avx512_core` or `ref:any`.
    var implementation: String {
        var name: UnsafePointer<CChar>?
        dnnl_primitive_desc_query(handle, dnnl_query_impl_info_str, 0, &name)
        return name.map { String(cString: $0) } ?? "unknown"
    }

    deinit { dnnl_primitive_desc_destroy(handle) }
}
