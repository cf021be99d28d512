import Foundation

/// Measures oneDNN matmul (what the runtime uses, with the destination as a channel slice of stride
/// `ldc`) on one 1×1-convolution shape. The `RUN_BENCHMARKS=1` test that chose the back end sets it beside
/// OpenBLAS `cblas_sgemm` on the same shape (see docs/runtime.md); OpenBLAS is linked into that test only,
/// since its thread pool starts, and spins, in every process that links it.
package enum GemmBenchmark {
    package struct Result: Sendable {
        package let m: Int, k: Int, n: Int, ldc: Int
        package let onednnGFLOPS: Double
        package let onednnImplementation: String
    }

    package static func measure(m: Int, k: Int, n: Int, ldc: Int, iterations: Int = 10,
                                threads: Int) throws(RuntimeError) -> Result {
        DNNLContext.setThreadCount(threads)
        let context = try DNNLContext()
        let builder = PlanBuilder(context: context)
        let source = builder.dedicated(batch: 1, height: 1, width: m, channels: k)
        let destination = builder.dedicated(batch: 1, height: 1, width: m, channels: ldc)
        let values = UnsafeMutableBufferPointer<Float>.allocate(capacity: k * n)
        values.initialize(repeating: 0.01)
        let bias = UnsafeMutableBufferPointer<Float>.allocate(capacity: n)
        bias.initialize(repeating: 0)
        let weights = FoldedWeights(shape: [1, 1, k, n], values: values, bias: bias)
        try builder.pointwise(weights, source: source, destination: destination.channelSlice(0, n),
                              postOps: .init(), label: "benchmark")
        let (steps, storage, _) = try builder.finish()
        let implementation: String
        if case .primitive(let primitive) = steps[0] { implementation = primitive.implementation } else { implementation = "?" }
        try PlanStep.run(steps, storage: storage, context: context, threads: threads)
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0 ..< iterations { try PlanStep.run(steps, storage: storage, context: context, threads: threads) }
        let onednn = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(iterations)

        let flops = 2.0 * Double(m) * Double(k) * Double(n)
        return Result(m: m, k: k, n: n, ldc: ldc, onednnGFLOPS: flops / onednn / 1e9,
                      onednnImplementation: implementation)
    }
}
