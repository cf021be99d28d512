import AmoebaNet
import Testing

/// Every runtime kernel against the naive Double reference, on odd sizes, both strides, asymmetric SAME
/// padding and batch > 1. Tolerance: max |runtime − reference| ≤ 2e-6 × max |reference| (float32 summation
/// over at most a few hundred terms; a wrong index or padding gives errors of order 1).
@Suite("AmoebaNet kernels")
struct KernelTests {
    static let tolerance = 2e-6
    let harness: LayerHarness

    init() throws {
        harness = try LayerHarness(threads: 2)
    }

    private func batchNorm(_ channels: Int, _ random: inout SeededGenerator) -> LayerHarness.BatchNorm {
        LayerHarness.BatchNorm(gamma: random.floats(channels, 0.5, 1.5), beta: random.floats(channels, -0.5, 0.5),
                               mean: random.floats(channels, -0.3, 0.3), variance: random.floats(channels, 0.2, 2))
    }

    private func naiveBatchNorm(_ x: NaiveTensor, _ bn: LayerHarness.BatchNorm, epsilon: Double) -> NaiveTensor {
        Naive.batchNorm(x, gamma: bn.gamma.map(Double.init), beta: bn.beta.map(Double.init),
                        mean: bn.mean.map(Double.init), variance: bn.variance.map(Double.init), epsilon: epsilon)
    }

    @Test("k×k, 1×k and k×1 convolutions with BatchNorm folded and ReLU fused, SAME, strides 1 and 2",
          arguments: [(3, 3, 1, 1), (3, 3, 2, 2), (1, 7, 1, 2), (7, 1, 2, 1), (5, 5, 2, 2), (1, 7, 1, 1)])
    func convolution(kernel: (Int, Int, Int, Int)) throws {
        let (kh, kw, sh, sw) = kernel
        var random = SeededGenerator(seed: UInt64(kh * 100 + kw * 10 + sh + sw))
        // 21 and 13 give asymmetric padding for stride 2 (21 → 11 pads 1/1 for k=3, 13 → 7 …); 42-like even
        // sizes are covered by the depthwise test.
        let (n, h, w, cin, cout) = (2, 13, 10, 5, 6)
        let input = random.floats(n * h * w * cin)
        let weights = random.floats(kh * kw * cin * cout)
        let bn = batchNorm(cout, &random)
        let result = try harness.convolution(
            LayerHarness.Tensor(values: input, batch: n, height: h, width: w, channels: cin), weights: weights,
            shape: [kh, kw, cin, cout], batchNorm: bn, epsilon: 1e-3, depthwise: false, stride: (sh, sw),
            padding: .same, relu: true)
        let naive = Naive.relu(naiveBatchNorm(
            Naive.conv(NaiveTensor(floats: input, batch: n, height: h, width: w, channels: cin),
                       weights.map(Double.init), kh: kh, kw: kw, cout: cout, strideH: sh, strideW: sw), bn,
            epsilon: 1e-3))
        #expect(result.height == naive.height && result.width == naive.width)
        #expect(relativeError(result.values, naive.values) <= Self.tolerance)
    }

    @Test("Stem convolution: 3×3 stride 2 VALID, no ReLU")
    func stemConvolution() throws {
        var random = SeededGenerator(seed: 7)
        let (n, h, w) = (2, 17, 14)
        let input = random.floats(n * h * w * 3)
        let weights = random.floats(3 * 3 * 3 * 8)
        let result = try harness.convolution(
            LayerHarness.Tensor(values: input, batch: n, height: h, width: w, channels: 3), weights: weights,
            shape: [3, 3, 3, 8], batchNorm: nil, epsilon: 0, depthwise: false, stride: (2, 2), padding: .valid,
            relu: false)
        let naive = Naive.conv(NaiveTensor(floats: input, batch: n, height: h, width: w, channels: 3),
                               weights.map(Double.init), kh: 3, kw: 3, cout: 8, strideH: 2, strideW: 2, valid: true)
        #expect(result.height == 8 && result.width == 6)
        #expect(relativeError(result.values, naive.values) <= Self.tolerance)
    }

    @Test("Depthwise convolution, SAME, kernels 3/5/7, strides 1 and 2, odd and even sizes",
          arguments: [(3, 1, 11), (3, 2, 11), (5, 1, 12), (5, 2, 12), (7, 1, 9), (7, 2, 10), (3, 2, 42)])
    func depthwise(configuration: (Int, Int, Int)) throws {
        let (k, stride, size) = configuration
        var random = SeededGenerator(seed: UInt64(k * 1000 + stride * 100 + size))
        let (n, channels) = (2, 19)
        let input = random.floats(n * size * (size + 1) * channels)
        let weights = random.floats(k * k * channels)
        let result = try harness.convolution(
            LayerHarness.Tensor(values: input, batch: n, height: size, width: size + 1, channels: channels),
            weights: weights, shape: [k, k, channels, 1], batchNorm: nil, epsilon: 0, depthwise: true,
            stride: (stride, stride), padding: .same, relu: false)
        let naive = Naive.depthwise(NaiveTensor(floats: input, batch: n, height: size, width: size + 1,
                                                channels: channels), weights.map(Double.init), k: k, stride: stride)
        #expect(result.height == naive.height && result.width == naive.width)
        #expect(relativeError(result.values, naive.values) <= Self.tolerance)
    }

    @Test("Pointwise 1×1 into a channel slice of a wider tensor: written, then accumulated")
    func pointwiseSlices() throws {
        var random = SeededGenerator(seed: 11)
        let (n, h, w, cin, cout, total) = (3, 5, 7, 9, 4, 13)
        let input = random.floats(n * h * w * cin)
        let weights = random.floats(cin * cout)
        let bn = batchNorm(cout, &random)
        let initial = random.floats(n * h * w * total)
        let destination = LayerHarness.Tensor(values: initial, batch: n, height: h, width: w, channels: total)
        let source = LayerHarness.Tensor(values: input, batch: n, height: h, width: w, channels: cin)
        let written = try harness.pointwise(source, weights: weights, batchNorm: bn, epsilon: 1e-5, into: destination,
                                            channelOffset: 5, accumulate: false, relu: false)
        let added = try harness.pointwise(source, weights: weights, batchNorm: bn, epsilon: 1e-5, into: destination,
                                          channelOffset: 5, accumulate: true, relu: false)
        let branch = naiveBatchNorm(Naive.conv(NaiveTensor(floats: input, batch: n, height: h, width: w, channels: cin),
                                               weights.map(Double.init), kh: 1, kw: 1, cout: cout, strideH: 1,
                                               strideW: 1), bn, epsilon: 1e-5)
        var expectedWritten = initial.map(Double.init), expectedAdded = initial.map(Double.init)
        for pixel in 0 ..< n * h * w {
            for c in 0 ..< cout {
                expectedWritten[pixel * total + 5 + c] = branch.values[pixel * cout + c]
                expectedAdded[pixel * total + 5 + c] += branch.values[pixel * cout + c]
            }
        }
        #expect(relativeError(written.values, expectedWritten) <= Self.tolerance)
        #expect(relativeError(added.values, expectedAdded) <= Self.tolerance)
        // Channels outside the slice are untouched, bit for bit.
        #expect(written.values[0 ..< 5] == initial[0 ..< 5])
    }

    /// 7 channels run only the scalar tail of `ChannelRow`, 37 two SIMD16 chunks and a tail of 5.
    @Test("3×3 SAME pooling (average over valid pixels, max ignoring padding) into slices, strides 1 and 2",
          arguments: [(true, 1, 9, 7), (true, 2, 9, 7), (false, 1, 8, 7), (false, 2, 8, 7), (true, 2, 42, 7),
                      (false, 2, 21, 7), (true, 1, 9, 37), (false, 1, 8, 37), (true, 2, 21, 37), (false, 2, 9, 37)])
    func pooling(configuration: (Bool, Int, Int, Int)) throws {
        let (average, stride, size, channels) = configuration
        var random = SeededGenerator(seed: UInt64(size * 10 + stride + (average ? 100 : 0) + channels * 1000))
        let (n, total) = (2, channels + 5)
        let input = random.floats(n * size * size * channels)
        let out = (size + stride - 1) / stride
        let initial = random.floats(n * out * out * total)
        let destination = LayerHarness.Tensor(values: initial, batch: n, height: out, width: out, channels: total)
        let source = LayerHarness.Tensor(values: input, batch: n, height: size, width: size, channels: channels)
        let naive = Naive.pool(NaiveTensor(floats: input, batch: n, height: size, width: size, channels: channels),
                               average: average, stride: stride)
        for accumulate in [false, true] {
            let result = try harness.pool(source, average: average, stride: stride, into: destination,
                                          channelOffset: 3, accumulate: accumulate)
            var expected = initial.map(Double.init)
            for pixel in 0 ..< n * out * out {
                for c in 0 ..< channels {
                    let value = naive.values[pixel * channels + c]
                    expected[pixel * total + 3 + c] = accumulate ? expected[pixel * total + 3 + c] + value : value
                }
            }
            #expect(relativeError(result.values, expected) <= Self.tolerance)
        }
    }

    @Test("Factorized reduction: R(p), path 2 shifted with zero padding, BatchNorm folded per half",
          arguments: [(165 / 15, 6), (42 / 3, 6), (21, 6), (8, 6), (21, 19), (8, 37)])
    func factorizedReduction(configuration: (Int, Int)) throws {
        let (size, channels) = configuration
        var random = SeededGenerator(seed: UInt64(size + 100 * channels))
        let (n, filters) = (2, 8)
        let input = random.floats(n * size * size * channels)
        let path1 = random.floats(channels * filters / 2), path2 = random.floats(channels * filters / 2)
        let bn = batchNorm(filters, &random)
        let result = try harness.factorizedReduction(
            LayerHarness.Tensor(values: input, batch: n, height: size, width: size, channels: channels),
            path1: path1, path2: path2, batchNorm: bn, epsilon: 1e-3)
        let y = Naive.relu(NaiveTensor(floats: input, batch: n, height: size, width: size, channels: channels))
        let naive = naiveBatchNorm(Naive.factorizedPaths(y, path1: path1.map(Double.init),
                                                         path2: path2.map(Double.init), half: filters / 2),
                                   bn, epsilon: 1e-3)
        #expect(result.height == naive.height && result.width == naive.width)
        #expect(relativeError(result.values, naive.values) <= Self.tolerance)
    }
}
