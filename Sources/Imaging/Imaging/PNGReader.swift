import CImageShims

/// Owns one libpng read state (through the C helper in CShims, which catches libpng's longjmp
/// errors) and turns PNG bytes into RGB samples, as `tf.io.decode_png(channels=3)` does: palette and
/// gray expanded to RGB, alpha and tRNS dropped (not composited on black), 16-bit samples kept.
final class PNGReader {
    private let reader: OpaquePointer
    private let path: String

    /// `bytes` must stay valid for the reader's lifetime.
    init(_ bytes: UnsafeRawBufferPointer, path: String) throws(ImagingError) {
        guard let base = bytes.baseAddress, let reader = cshims_png_open(base, bytes.count) else {
            throw .corruptPNG(path: path, message: "cannot create a libpng reader")
        }
        self.reader = reader
        self.path = path
    }

    deinit { cshims_png_close(reader) }

    func decode() throws(ImagingError) -> DecodedImage {
        var width: UInt32 = 0, height: UInt32 = 0, bitDepth: Int32 = 0
        guard cshims_png_read_header(reader, &width, &height, &bitDepth) == 0 else { throw failure() }
        let w = Int(width), h = Int(height)
        guard w > 0, h > 0 else { throw .corruptPNG(path: path, message: "image has no pixels") }
        guard w * h <= ImageDecoder.maximumPixels else { throw .tooLarge(path: path, width: w, height: h) }
        var status: Int32 = 0
        if bitDepth == 16 {
            var samples = [UInt16](repeating: 0, count: w * h * 3)
            samples.withUnsafeMutableBytes { out in
                status = cshims_png_read_pixels(reader, out.baseAddress, w * 6)
            }
            guard status == 0 else { throw failure() }
            return DecodedImage(width: w, height: h, samples: .sixteen(samples))
        }
        var samples = [UInt8](repeating: 0, count: w * h * 3)
        samples.withUnsafeMutableBytes { out in
            status = cshims_png_read_pixels(reader, out.baseAddress, w * 3)
        }
        guard status == 0 else { throw failure() }
        return DecodedImage(width: w, height: h, samples: .eight(samples))
    }

    private func failure() -> ImagingError {
        .corruptPNG(path: path, message: String(cString: cshims_png_message(reader)))
    }
}
