import CDNNL

/// Helpers shared by the oneDNN wrappers: status checking and the fixed-size dims arrays of the C API.
enum DNNLCall {
    /// Argument indices of `dnnl_exec_arg_t` (the C macros are not all visible to Swift).
    static let argSource: Int32 = 1
    static let argDestination: Int32 = 17
    static let argWeights: Int32 = 33
    static let argBias: Int32 = 41
    static let argScratchpad: Int32 = 80

    /// Throws `RuntimeError.dnnl` naming `operation` unless `status` is success.
    static func check(_ status: dnnl_status_t, _ operation: @autoclosure () -> String) throws(RuntimeError) {
        if status != dnnl_success {
            throw RuntimeError.dnnl(operation: operation(), status: Int(status.rawValue))
        }
    }

    /// Converts a Swift array (at most 12 entries) to the 12-entry `dnnl_dims_t` layout; pass the result
    /// straight to the C call (an array argument becomes a pointer to its whole storage).
    static func dims(_ values: [Int]) -> [dnnl_dim_t] {
        var result = [dnnl_dim_t](repeating: 0, count: 12)
        for (index, value) in values.enumerated() { result[index] = dnnl_dim_t(value) }
        return result
    }
}
