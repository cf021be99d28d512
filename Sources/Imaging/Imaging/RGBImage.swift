/// A decoded image as the networks consume it: height × width × 3 (RGB) float32 samples in [0, 1],
/// row-major with interleaved channels (HWC), the layout of one NHWC batch element.
public struct RGBImage: Sendable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// `height * width * 3` samples; the sample for row `y`, column `x`, channel `c` is at `(y * width + x) * 3 + c`.
    public var pixels: [Float]

    /// Wraps `pixels`, which must hold exactly `height * width * 3` samples.
    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width > 0 && height > 0, "RGBImage needs a positive size, got \(width)x\(height)")
        precondition(pixels.count == width * height * 3,
                     "RGBImage \(width)x\(height) needs \(width * height * 3) samples, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The samples per image: `height * width * 3`.
    public var sampleCount: Int { width * height * 3 }
}
