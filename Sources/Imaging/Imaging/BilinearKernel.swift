/// A sample type the bilinear kernel can read: its value as float32 in [0, 1] (or itself, for Float).
protocol InterpolationSample {
    var interpolationValue: Float { get }
}

extension Float: InterpolationSample {
    @inline(__always) var interpolationValue: Float { self }
}

extension UInt8: InterpolationSample {
    @inline(__always) var interpolationValue: Float { SampleScale.float(self) }
}

extension UInt16: InterpolationSample {
    @inline(__always) var interpolationValue: Float { SampleScale.float(self) }
}

/// The bilinear resize loop of TensorFlow's ResizeBilinear CPU kernel for 3-channel HWC images:
/// per output pixel, lerp along x in the upper and lower source rows, then along y between them,
/// all in float32 (`top = tl + (tr − tl)·xl`, `bottom = bl + (br − bl)·xl`, `out = top + (bottom − top)·yl`).
/// It reads a window of a larger image and converts integer samples on the fly, so a decoded image
/// goes to the network input without an intermediate float copy.
enum BilinearKernel {
    static func resize<Sample: InterpolationSample>(
        source: UnsafeBufferPointer<Sample>, sourceWidth: Int, window: CropWindow,
        into output: UnsafeMutableBufferPointer<Float>, height: Int, width: Int, halfPixelCenters: Bool
    ) {
        precondition(height > 0 && width > 0, "resize needs a positive output size, got \(width)x\(height)")
        precondition(output.count >= height * width * 3, "output holds \(output.count) samples, needs \(height * width * 3)")
        precondition(window.x >= 0 && window.y >= 0 && window.width > 0 && window.height > 0
                     && window.x + window.width <= sourceWidth
                     && (window.y + window.height) * sourceWidth * 3 <= source.count, "crop window outside the image")
        let rowStride = sourceWidth * 3
        let xs = AxisInterpolation(inputSize: window.width, outputSize: width, halfPixelCenters: halfPixelCenters,
                                   stride: 3)
        let ys = AxisInterpolation(inputSize: window.height, outputSize: height, halfPixelCenters: halfPixelCenters,
                                   stride: rowStride)
        guard let base = source.baseAddress, let out = output.baseAddress else { return }
        let origin = base + window.y * rowStride + window.x * 3
        xs.lower.withUnsafeBufferPointer { xLower in
        xs.upper.withUnsafeBufferPointer { xUpper in
        xs.lerp.withUnsafeBufferPointer { xLerp in
            var target = out
            for y in 0..<height {
                let top = origin + ys.lower[y]
                let bottom = origin + ys.upper[y]
                let yl = ys.lerp[y]
                for x in 0..<width {
                    let left = xLower[x], right = xUpper[x], xl = xLerp[x]
                    for c in 0..<3 {
                        let topLeft = top[left + c].interpolationValue
                        let topRight = top[right + c].interpolationValue
                        let bottomLeft = bottom[left + c].interpolationValue
                        let bottomRight = bottom[right + c].interpolationValue
                        let upperRow = topLeft + (topRight - topLeft) * xl
                        let lowerRow = bottomLeft + (bottomRight - bottomLeft) * xl
                        target[c] = upperRow + (lowerRow - upperRow) * yl
                    }
                    target += 3
                }
            }
        }
        }
        }
    }
}
