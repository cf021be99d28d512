import CDNNL

/// One oneDNN memory object: a descriptor plus a data pointer that is either owned by oneDNN
/// (weights) or borrowed from a plan's activation storage and bound after the storage is allocated.
final class DNNLMemory {
    let handle: dnnl_memory_t
    let descriptor: dnnl_memory_desc_t

    /// Creates a memory; `data == nil` lets oneDNN allocate and own the buffer.
    init(_ descriptor: dnnl_memory_desc_t, context: DNNLContext, data: UnsafeMutableRawPointer?,
         label: @autoclosure () -> String) throws(RuntimeError) {
        var descriptor = descriptor
        var memory: dnnl_memory_t?
        let pointer = data ?? UnsafeMutableRawPointer(bitPattern: -1)  // DNNL_MEMORY_ALLOCATE
        try DNNLCall.check(dnnl_memory_create(&memory, &descriptor, context.engine, pointer),
                           "memory creation for \(label())")
        guard let memory else { throw RuntimeError.dnnl(operation: "memory creation for \(label())", status: -1) }
        self.handle = memory
        self.descriptor = descriptor
    }

    /// The current data pointer.
    var data: UnsafeMutableRawPointer? {
        var pointer: UnsafeMutableRawPointer?
        dnnl_memory_get_data_handle(handle, &pointer)
        return pointer
    }

    func bind(_ pointer: UnsafeMutableRawPointer) throws(RuntimeError) {
        try DNNLCall.check(dnnl_memory_set_data_handle(handle, pointer), "binding activation memory")
    }

    /// Bytes the descriptor spans.
    var byteCount: Int {
        var descriptor = descriptor
        return dnnl_memory_desc_get_size(&descriptor)
    }

    deinit { dnnl_memory_destroy(handle) }
}
