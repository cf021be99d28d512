/// Decoded RGB samples before conversion to float: 8-bit (JPEG, most PNGs) or 16-bit (16-bit PNG),
/// interleaved HWC, already turned upright. Kept integral so that crop and resize read the compact
/// form and convert each sample exactly once, the way `tf.image.convert_image_dtype` does.
package struct DecodedImage: Sendable, Equatable {
    /// The sample storage, by bit depth.
    package enum Samples: Sendable, Equatable {
        case eight([UInt8])
        case sixteen([UInt16])
    }

    package let width: Int
    package let height: Int
    package var samples: Samples

    package init(width: Int, height: Int, samples: Samples) {
        self.width = width
        self.height = height
        self.samples = samples
    }

    /// 8 or 16.
    package var bitDepth: Int {
        if case .sixteen = samples { return 16 }
        return 8
    }

    /// The samples as float32 in [0, 1], bit for bit what `tf.image.convert_image_dtype` gives.
    package func rgbImage() -> RGBImage {
        let pixels: [Float]
        switch samples {
        case .eight(let values):
            pixels = values.map { SampleScale.float($0) }
        case .sixteen(let values):
            pixels = values.map { SampleScale.float($0) }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// This image as a viewer shows it for the given EXIF orientation.
    package func oriented(_ orientation: ExifOrientation) -> DecodedImage {
        if orientation == .up { return self }
        switch samples {
        case .eight(let values):
            let (w, h, out) = orientation.apply(to: values, width: width, height: height)
            return DecodedImage(width: w, height: h, samples: .eight(out))
        case .sixteen(let values):
            let (w, h, out) = orientation.apply(to: values, width: width, height: height)
            return DecodedImage(width: w, height: h, samples: .sixteen(out))
        }
    }
}
