/// A rectangle of an image, in pixels: what `centralCrop` keeps. Resizing reads through a window
/// instead of copying the cropped pixels out.
package struct CropWindow: Sendable, Equatable {
    package var x: Int
    package var y: Int
    package var width: Int
    package var height: Int

    package init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The whole of a `width` × `height` image.
    package static func whole(width: Int, height: Int) -> CropWindow {
        CropWindow(x: 0, y: 0, width: width, height: height)
    }

    /// `tf.image.central_crop`'s box: on each axis `start = Int((dim − dim·fraction) / 2)` in float64,
    /// truncated, and `size = dim − 2·start`; fraction 1 keeps everything.
    package static func central(width: Int, height: Int, fraction: Double) throws(ImagingError) -> CropWindow {
        try validate(fraction: fraction)
        if fraction == 1 { return whole(width: width, height: height) }
        let top = Int((Double(height) - Double(height) * fraction) / 2)
        let left = Int((Double(width) - Double(width) * fraction) / 2)
        return CropWindow(x: left, y: top, width: width - 2 * left, height: height - 2 * top)
    }

    /// Rejects fractions outside (0, 1], as TensorFlow does.
    package static func validate(fraction: Double) throws(ImagingError) {
        guard fraction > 0, fraction <= 1 else {
            throw .invalidParameter(name: "central crop fraction", value: "\(fraction)", reason: "must be in (0, 1]")
        }
    }
}
