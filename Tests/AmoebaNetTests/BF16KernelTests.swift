import AmoebaNet
import Testing

/// The bf16 path of the 1×1 convolution against a naive reference that rounds the same operands the same
/// way: input and BatchNorm-folded weights to bfloat16 (round to nearest even), products summed in Double,
/// bias in float32. The only difference left is oneDNN's float32 accumulation, so the tolerance is the
/// fp32 kernels' one (2e-6 × max |reference|) and not bf16's 2⁻⁹: a wrong rounding mode, a lost bias or
/// a misread strided source shows as errors of order 1e-3 or more.
@Suite("AmoebaNet bf16 kernels")
struct BF16KernelTests {
    static let tolerance = 2e-6

    /// `value` rounded to bfloat16 (8 significant bits), round to nearest, ties to even.
    static func bf16(_ value: Float) -> Double {
        let bits = value.bitPattern
        let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
        return Double(Float(bitPattern: rounded))
    }

    @Test("pointwise bf16 × bf16 → f32 into a channel slice equals rounded operands summed exactly",
          arguments: [false, true])
    func pointwise(accumulate: Bool) throws {
        let harness = try LayerHarness(threads: 2, precision: .bf16)
        var random = SeededGenerator(seed: accumulate ? 23 : 22)
        // K of a few hundred, like the network's 1×1 layers; C and the slice make the source strided too.
        let (n, h, w, cin, cout, total, offset) = (2, 6, 5, 384, 24, 40, 9)
        let input = random.floats(n * h * w * cin)
        let weights = random.floats(cin * cout, -0.1, 0.1)
        let bn = LayerHarness.BatchNorm(gamma: random.floats(cout, 0.5, 1.5), beta: random.floats(cout, -0.5, 0.5),
                                        mean: random.floats(cout, -0.3, 0.3), variance: random.floats(cout, 0.2, 2))
        let initial = random.floats(n * h * w * total)
        let destination = LayerHarness.Tensor(values: initial, batch: n, height: h, width: w, channels: total)
        let source = LayerHarness.Tensor(values: input, batch: n, height: h, width: w, channels: cin)
        let result = try harness.pointwise(source, weights: weights, batchNorm: bn, epsilon: 1e-3, into: destination,
                                           channelOffset: offset, accumulate: accumulate, relu: false)

        // Fold exactly as the runtime does (in Float), then round operands as bf16 does.
        var scale = [Float](repeating: 0, count: cout), bias = [Float](repeating: 0, count: cout)
        for c in 0 ..< cout {
            scale[c] = bn.gamma[c] / (bn.variance[c] + 1e-3).squareRoot()
            bias[c] = bn.beta[c] - bn.mean[c] * scale[c]
        }
        let folded = (0 ..< cin * cout).map { Self.bf16(weights[$0] * scale[$0 % cout]) }
        let rounded = input.map(Self.bf16)
        var expected = initial.map(Double.init)
        for pixel in 0 ..< n * h * w {
            for c in 0 ..< cout {
                var sum = Double(bias[c])
                for k in 0 ..< cin { sum += rounded[pixel * cin + k] * folded[k * cout + c] }
                let index = pixel * total + offset + c
                expected[index] = accumulate ? expected[index] + sum : sum
            }
        }
        #expect(relativeError(result.values, expected) <= Self.tolerance)
        // And it is bf16: against unrounded operands the error is of bf16's order, not fp32's.
        var exact = initial.map(Double.init)
        for pixel in 0 ..< n * h * w {
            for c in 0 ..< cout {
                var sum = Double(bias[c])
                for k in 0 ..< cin { sum += Double(input[pixel * cin + k]) * Double(weights[k * cout + c] * scale[c]) }
                let index = pixel * total + offset + c
                exact[index] = accumulate ? exact[index] + sum : sum
            }
        }
        #expect(relativeError(result.values, exact) > 1e-4)
    }
}
