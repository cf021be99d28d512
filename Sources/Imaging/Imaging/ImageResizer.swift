/// Resizing and cropping on decoded images, matching TensorFlow.
///
/// hubctl's default is `tf.image.resize(images, size, 'bilinear', antialias=False)`: bilinear with
/// half-pixel centres, what TF-Hub's documentation and most users do. `halfPixelCenters: false` gives
/// the TF1 `resize_bilinear(align_corners=False)` the AmoebaNet authors evaluated with.
public enum ImageResizer {
    /// `image` resized to `height` × `width` with bilinear interpolation, within one float32 ulp of TensorFlow.
    public static func bilinear(_ image: RGBImage, height: Int, width: Int, halfPixelCenters: Bool = true) -> RGBImage {
        precondition(height > 0 && width > 0, "resize needs a positive output size, got \(width)x\(height)")
        var pixels = [Float](repeating: 0, count: height * width * 3)
        image.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { output in
                BilinearKernel.resize(source: source, sourceWidth: image.width,
                                      window: .whole(width: image.width, height: image.height),
                                      into: output, height: height, width: width, halfPixelCenters: halfPixelCenters)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The central part of `image`, as `tf.image.central_crop(image, fraction)` cuts it.
    /// Throws `invalidParameter` unless 0 < fraction ≤ 1.
    public static func centralCrop(_ image: RGBImage, fraction: Double) throws(ImagingError) -> RGBImage {
        let window = try CropWindow.central(width: image.width, height: image.height, fraction: fraction)
        if window == .whole(width: image.width, height: image.height) { return image }
        var pixels: [Float] = []
        pixels.reserveCapacity(window.width * window.height * 3)
        for row in window.y..<(window.y + window.height) {
            let start = (row * image.width + window.x) * 3
            pixels.append(contentsOf: image.pixels[start..<(start + window.width * 3)])
        }
        return RGBImage(width: window.width, height: window.height, pixels: pixels)
    }
}
