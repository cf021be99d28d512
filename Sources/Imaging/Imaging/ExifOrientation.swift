/// The EXIF Orientation tag (0x0112): how the stored pixels must be turned to show the picture
/// upright. TensorFlow's decoders ignore it; hubctl applies it, as viewers and PIL's
/// `ImageOps.exif_transpose` do, because a classifier should see the picture the way people do.
public enum ExifOrientation: Int, Sendable, CaseIterable {
    case up = 1                 // as stored
    case mirrored = 2           // mirror left-right
    case down = 3               // rotate 180°
    case downMirrored = 4       // mirror top-bottom
    case leftMirrored = 5       // transpose (mirror, then rotate 270° clockwise)
    case right = 6              // rotate 90° clockwise
    case rightMirrored = 7      // transverse (mirror, then rotate 90° clockwise)
    case left = 8               // rotate 90° counter-clockwise

    /// Whether the displayed image has width and height swapped.
    public var swapsAxes: Bool { rawValue >= 5 }

    /// Returns the displayed (width, height, samples) for `samples` stored as `height` × `width` × 3.
    /// Display pixel (r, c) comes from stored pixel `origin + r * rowStep + c * columnStep`.
    func apply<Sample>(to samples: [Sample], width w: Int, height h: Int) -> (Int, Int, [Sample]) {
        let (origin, rowStep, columnStep): (Int, Int, Int)
        switch self {
        case .up: (origin, rowStep, columnStep) = (0, w, 1)
        case .mirrored: (origin, rowStep, columnStep) = (w - 1, w, -1)
        case .down: (origin, rowStep, columnStep) = ((h - 1) * w + w - 1, -w, -1)
        case .downMirrored: (origin, rowStep, columnStep) = ((h - 1) * w, -w, 1)
        case .leftMirrored: (origin, rowStep, columnStep) = (0, 1, w)
        case .right: (origin, rowStep, columnStep) = ((h - 1) * w, 1, -w)
        case .rightMirrored: (origin, rowStep, columnStep) = ((h - 1) * w + w - 1, -1, -w)
        case .left: (origin, rowStep, columnStep) = (w - 1, -1, w)
        }
        let outWidth = swapsAxes ? h : w
        let outHeight = swapsAxes ? w : h
        let out = [Sample](unsafeUninitializedCapacity: samples.count) { buffer, initialized in
            samples.withUnsafeBufferPointer { source in
                var target = 0
                for r in 0..<outHeight {
                    var pixel = origin + r * rowStep
                    for _ in 0..<outWidth {
                        let s = pixel * 3
                        (buffer.baseAddress! + target).initialize(to: source[s])
                        (buffer.baseAddress! + target + 1).initialize(to: source[s + 1])
                        (buffer.baseAddress! + target + 2).initialize(to: source[s + 2])
                        target += 3
                        pixel += columnStep
                    }
                }
            }
            initialized = samples.count
        }
        return (outWidth, outHeight, out)
    }
}
