import Foundation

/// Straightforward loop implementations of every AmoebaNet-A operation, written from the spec
/// (TensorFlow semantics, NHWC, HWIO weights) and computed in Double: the oracle the runtime's kernels are
/// compared with. Nothing here is shared with the runtime.
struct NaiveTensor {
    var values: [Double]
    var batch: Int, height: Int, width: Int, channels: Int

    init(batch: Int, height: Int, width: Int, channels: Int, values: [Double]? = nil) {
        self.batch = batch
        self.height = height
        self.width = width
        self.channels = channels
        self.values = values ?? [Double](repeating: 0, count: batch * height * width * channels)
        precondition(self.values.count == batch * height * width * channels)
    }

    init(floats: [Float], batch: Int, height: Int, width: Int, channels: Int) {
        self.init(batch: batch, height: height, width: width, channels: channels, values: floats.map(Double.init))
    }

    subscript(n: Int, y: Int, x: Int, c: Int) -> Double {
        get { values[((n * height + y) * width + x) * channels + c] }
        set { values[((n * height + y) * width + x) * channels + c] = newValue }
    }

    var floats: [Float] { values.map(Float.init) }
}

enum Naive {
    /// TF SAME: output size and padding before (the extra goes after).
    static func same(_ input: Int, _ kernel: Int, _ stride: Int) -> (output: Int, before: Int) {
        let output = Int((Double(input) / Double(stride)).rounded(.up))
        let total = max((output - 1) * stride + kernel - input, 0)
        return (output, total / 2)
    }

    /// Convolution with HWIO weights `[kh, kw, cin, cout]`; `valid` = no padding.
    static func conv(_ x: NaiveTensor, _ w: [Double], kh: Int, kw: Int, cout: Int, strideH: Int, strideW: Int,
                     valid: Bool = false) -> NaiveTensor {
        let cin = x.channels
        let (oh, padTop) = valid ? ((x.height - kh) / strideH + 1, 0) : same(x.height, kh, strideH)
        let (ow, padLeft) = valid ? ((x.width - kw) / strideW + 1, 0) : same(x.width, kw, strideW)
        var out = NaiveTensor(batch: x.batch, height: oh, width: ow, channels: cout)
        for n in 0 ..< x.batch {
            for oy in 0 ..< oh {
                for ox in 0 ..< ow {
                    for o in 0 ..< cout {
                        var sum = 0.0
                        for i in 0 ..< kh {
                            let y = oy * strideH - padTop + i
                            if y < 0 || y >= x.height { continue }
                            for j in 0 ..< kw {
                                let xx = ox * strideW - padLeft + j
                                if xx < 0 || xx >= x.width { continue }
                                for c in 0 ..< cin {
                                    sum += x[n, y, xx, c] * w[((i * kw + j) * cin + c) * cout + o]
                                }
                            }
                        }
                        out[n, oy, ox, o] = sum
                    }
                }
            }
        }
        return out
    }

    /// Depthwise convolution with weights `[k, k, C, 1]`, SAME padding.
    static func depthwise(_ x: NaiveTensor, _ w: [Double], k: Int, stride: Int) -> NaiveTensor {
        let c = x.channels
        let (oh, top) = same(x.height, k, stride), (ow, left) = same(x.width, k, stride)
        var out = NaiveTensor(batch: x.batch, height: oh, width: ow, channels: c)
        for n in 0 ..< x.batch {
            for oy in 0 ..< oh {
                for ox in 0 ..< ow {
                    for ch in 0 ..< c {
                        var sum = 0.0
                        for i in 0 ..< k {
                            let y = oy * stride - top + i
                            if y < 0 || y >= x.height { continue }
                            for j in 0 ..< k {
                                let xx = ox * stride - left + j
                                if xx < 0 || xx >= x.width { continue }
                                sum += x[n, y, xx, ch] * w[(i * k + j) * c + ch]
                            }
                        }
                        out[n, oy, ox, ch] = sum
                    }
                }
            }
        }
        return out
    }

    static func batchNorm(_ x: NaiveTensor, gamma: [Double], beta: [Double], mean: [Double], variance: [Double],
                          epsilon: Double) -> NaiveTensor {
        var out = x
        for index in 0 ..< x.values.count {
            let c = index % x.channels
            out.values[index] = gamma[c] * (x.values[index] - mean[c]) / (variance[c] + epsilon).squareRoot() + beta[c]
        }
        return out
    }

    static func relu(_ x: NaiveTensor) -> NaiveTensor {
        var out = x
        out.values = x.values.map { max($0, 0) }
        return out
    }

    static func add(_ a: NaiveTensor, _ b: NaiveTensor) -> NaiveTensor {
        var out = a
        for index in out.values.indices { out.values[index] += b.values[index] }
        return out
    }

    /// 3×3 SAME pooling: average over the valid pixels only, or max ignoring padding.
    static func pool(_ x: NaiveTensor, average: Bool, stride: Int) -> NaiveTensor {
        let (oh, top) = same(x.height, 3, stride), (ow, left) = same(x.width, 3, stride)
        var out = NaiveTensor(batch: x.batch, height: oh, width: ow, channels: x.channels)
        for n in 0 ..< x.batch {
            for oy in 0 ..< oh {
                for ox in 0 ..< ow {
                    for c in 0 ..< x.channels {
                        var sum = 0.0, best = -Double.infinity, count = 0
                        for i in 0 ..< 3 {
                            let y = oy * stride - top + i
                            if y < 0 || y >= x.height { continue }
                            for j in 0 ..< 3 {
                                let xx = ox * stride - left + j
                                if xx < 0 || xx >= x.width { continue }
                                sum += x[n, y, xx, c]
                                best = max(best, x[n, y, xx, c])
                                count += 1
                            }
                        }
                        out[n, oy, ox, c] = average ? sum / Double(count) : best
                    }
                }
            }
        }
        return out
    }

    static func concat(_ parts: [NaiveTensor]) -> NaiveTensor {
        let first = parts[0]
        let channels = parts.reduce(0) { $0 + $1.channels }
        var out = NaiveTensor(batch: first.batch, height: first.height, width: first.width, channels: channels)
        for n in 0 ..< first.batch {
            for y in 0 ..< first.height {
                for x in 0 ..< first.width {
                    var offset = 0
                    for part in parts {
                        for c in 0 ..< part.channels { out[n, y, x, offset + c] = part[n, y, x, c] }
                        offset += part.channels
                    }
                }
            }
        }
        return out
    }

    /// FactorizedReduction as TF writes it: avg_pool 1×1/2 VALID of y, and of y padded one row/column at the
    /// bottom/right with its first row/column dropped; two 1×1 convolutions; concat (BN applied by the caller).
    static func factorizedPaths(_ y: NaiveTensor, path1: [Double], path2: [Double], half: Int) -> NaiveTensor {
        let oh = (y.height - 1) / 2 + 1, ow = (y.width - 1) / 2 + 1
        var sampled1 = NaiveTensor(batch: y.batch, height: oh, width: ow, channels: y.channels)
        var shifted = NaiveTensor(batch: y.batch, height: y.height, width: y.width, channels: y.channels)
        for n in 0 ..< y.batch {
            for r in 0 ..< y.height {
                for c in 0 ..< y.width {
                    for ch in 0 ..< y.channels {
                        // padded[r+1][c+1] kept after dropping the first row/column: shifted[r][c] = y[r+1][c+1].
                        shifted[n, r, c, ch] = (r + 1 < y.height && c + 1 < y.width) ? y[n, r + 1, c + 1, ch] : 0
                    }
                }
            }
        }
        var sampled2 = sampled1
        for n in 0 ..< y.batch {
            for r in 0 ..< oh {
                for c in 0 ..< ow {
                    for ch in 0 ..< y.channels {
                        sampled1[n, r, c, ch] = y[n, 2 * r, 2 * c, ch]
                        sampled2[n, r, c, ch] = shifted[n, 2 * r, 2 * c, ch]
                    }
                }
            }
        }
        let first = conv(sampled1, path1, kh: 1, kw: 1, cout: half, strideH: 1, strideW: 1)
        let second = conv(sampled2, path2, kh: 1, kw: 1, cout: half, strideH: 1, strideW: 1)
        return concat([first, second])
    }
}

/// A reproducible pseudo-random source (SplitMix64) for test data.
struct SeededGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [low, high).
    mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * Float(next() >> 40) / Float(1 << 24)
    }

    mutating func floats(_ count: Int, _ low: Float = -1, _ high: Float = 1) -> [Float] {
        (0 ..< count).map { _ in uniform(low, high) }
    }
}

/// max |a − b| over max |b|: the relative error measure every numeric test states its tolerance in.
func relativeError(_ actual: [Float], _ expected: [Double]) -> Double {
    precondition(actual.count == expected.count, "sizes differ: \(actual.count) vs \(expected.count)")
    var worst = 0.0, scale = 0.0
    for (a, e) in zip(actual, expected) {
        worst = max(worst, abs(Double(a) - e))
        scale = max(scale, abs(e))
    }
    return worst / max(scale, 1e-30)
}
