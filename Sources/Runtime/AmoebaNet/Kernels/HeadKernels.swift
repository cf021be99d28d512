/// The small non-GEMM pieces at both ends of the network: input scaling and the global mean.
enum HeadKernels {
    /// x·2 − 1: the module's own mapping from [0, 1] images to [−1, 1].
    static func scaleInput(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int) {
        for index in 0 ..< count { destination[index] = source[index] * 2 - 1 }
    }

    /// Mean over height and width of R(x) for each image: the `global_pool` feature vector [batch, channels].
    static func globalAverage(_ source: TensorView, into destination: UnsafeMutablePointer<Float>,
                              storage: ActivationStorage, relu: Bool) {
        let input = storage.pointer(source.ref)
        let channels = source.channels, area = source.height * source.width
        for n in 0 ..< source.batch {
            let out = destination + n * channels
            for c in 0 ..< channels { out[c] = 0 }
            for pixel in 0 ..< area {
                let from = input + (n * area + pixel) * source.pixelStride
                if relu {
                    for c in 0 ..< channels { out[c] += max(from[c], 0) }
                } else {
                    for c in 0 ..< channels { out[c] += from[c] }
                }
            }
            let scale = 1 / Float(area)
            for c in 0 ..< channels { out[c] *= scale }
        }
    }
}
