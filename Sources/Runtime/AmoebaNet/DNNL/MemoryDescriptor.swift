import CDNNL

/// Builders for oneDNN memory descriptors: explicit strides (activation views, weights in TensorFlow's
/// layout) or `any` (let the primitive choose its preferred weights layout).
enum MemoryDescriptor {
    static func strided(_ dims: [Int], strides: [Int], type: dnnl_data_type_t = dnnl_f32,
                        label: @autoclosure () -> String) throws(RuntimeError) -> dnnl_memory_desc_t {
        var descriptor = dnnl_memory_desc_t()
        let cDims = DNNLCall.dims(dims)
        let cStrides = DNNLCall.dims(strides)
        try DNNLCall.check(dnnl_memory_desc_init_by_strides(&descriptor, Int32(dims.count), cDims, type,
                                                            cStrides), "memory descriptor for \(label())")
        return descriptor
    }

    static func any(_ dims: [Int], type: dnnl_data_type_t = dnnl_f32,
                    label: @autoclosure () -> String) throws(RuntimeError) -> dnnl_memory_desc_t {
        var descriptor = dnnl_memory_desc_t()
        let cDims = DNNLCall.dims(dims)
        try DNNLCall.check(dnnl_memory_desc_init_by_tag(&descriptor, Int32(dims.count), cDims, type,
                                                        dnnl_format_tag_any), "memory descriptor for \(label())")
        return descriptor
    }

    /// Dense row-major layout of `dims`.
    static func dense(_ dims: [Int], type: dnnl_data_type_t = dnnl_f32,
                      label: @autoclosure () -> String) throws(RuntimeError) -> dnnl_memory_desc_t {
        var strides = [Int](repeating: 1, count: dims.count)
        var running = 1
        for axis in stride(from: dims.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= dims[axis]
        }
        return try strided(dims, strides: strides, type: type, label: label())
    }

    static func equal(_ lhs: dnnl_memory_desc_t, _ rhs: dnnl_memory_desc_t) -> Bool {
        var lhs = lhs, rhs = rhs
        return dnnl_memory_desc_equal(&lhs, &rhs) != 0
    }
}
