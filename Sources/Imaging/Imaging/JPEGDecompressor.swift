import CTurboJPEG

/// Owns one libjpeg-turbo decompressor (`tjhandle`) and turns JPEG bytes into upright 8-bit RGB,
/// bit for bit what `tf.io.decode_jpeg(channels=3, dct_method='INTEGER_ACCURATE')` gives before the
/// EXIF orientation is applied: ISLOW inverse DCT and fancy upsampling (both libjpeg defaults).
/// A file cut short (no EOI marker after the scans) is an error, never rows of gray; other libjpeg
/// warnings (corrupt entropy data, extraneous bytes) are tolerated, as TensorFlow tolerates them, and
/// give TensorFlow's pixels. Not thread-safe: use one instance per thread.
final class JPEGDecompressor {
    private let handle: tjhandle

    init(path: String) throws(ImagingError) {
        guard let handle = tjInitDecompress() else {
            throw .corruptJPEG(path: path, message: "cannot create a libjpeg-turbo decompressor")
        }
        self.handle = handle
    }

    deinit { tjDestroy(handle) }

    /// Decodes a whole JPEG file held in `bytes`, then applies its EXIF orientation.
    func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws(ImagingError) -> DecodedImage {
        guard let base = bytes.baseAddress, bytes.count > 2 else {
            throw .corruptJPEG(path: path, message: "file is too short")
        }
        let jpeg = base.assumingMemoryBound(to: UInt8.self)
        let size = UInt(bytes.count)
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, jpeg, size, &width, &height, &subsampling, &colorspace) == 0 else {
            throw failure(path)
        }
        guard width > 0, height > 0 else { throw .corruptJPEG(path: path, message: "image has no pixels") }
        let w = Int(width), h = Int(height)
        guard w * h <= ImageDecoder.maximumPixels else { throw .tooLarge(path: path, width: w, height: h) }
        let metadata = JPEGMetadata(scanning: bytes)
        guard metadata.reachesEndOfImage else {
            throw .corruptJPEG(path: path, message: "premature end of JPEG data (file is truncated)")
        }
        let flags = TJFLAG_ACCURATEDCT
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)

        var status: Int32 = 0
        let rgb: [UInt8]
        if isCMYK {
            // libjpeg cannot convert CMYK to RGB; TensorFlow decodes CMYK and converts it itself.
            var cmyk = [UInt8](repeating: 0, count: w * h * 4)
            cmyk.withUnsafeMutableBufferPointer { out in
                status = tjDecompress2(handle, jpeg, size, out.baseAddress, width, width * 4, height,
                                       Int32(TJPF_CMYK.rawValue), flags)
            }
            guard status == 0 || isWarning else { throw failure(path) }
            rgb = Self.rgb(fromCMYK: cmyk, inverted: metadata.hasAdobeMarker)
        } else {
            // Every row is written by libjpeg (also after a warning), so the buffer needs no zeroing.
            let out = [UInt8](unsafeUninitializedCapacity: w * h * 3) { buffer, initialized in
                status = tjDecompress2(handle, jpeg, size, buffer.baseAddress, width, width * 3, height,
                                       Int32(TJPF_RGB.rawValue), flags)
                initialized = buffer.count
            }
            guard status == 0 || isWarning else { throw failure(path) }
            rgb = out
        }
        return DecodedImage(width: w, height: h, samples: .eight(rgb)).oriented(metadata.orientation)
    }

    /// TensorFlow's CMYK → RGB rule (integer arithmetic): Adobe files store inverted CMYK, so
    /// `r = k·c / 255`; others store plain CMYK, so `r = (255 − k)(255 − c) / 255`.
    private static func rgb(fromCMYK cmyk: [UInt8], inverted: Bool) -> [UInt8] {
        let pixels = cmyk.count / 4
        var rgb = [UInt8](repeating: 0, count: pixels * 3)
        for p in 0..<pixels {
            let c = Int(cmyk[4 * p]), m = Int(cmyk[4 * p + 1]), y = Int(cmyk[4 * p + 2]), k = Int(cmyk[4 * p + 3])
            if inverted {
                rgb[3 * p] = UInt8(k * c / 255)
                rgb[3 * p + 1] = UInt8(k * m / 255)
                rgb[3 * p + 2] = UInt8(k * y / 255)
            } else {
                rgb[3 * p] = UInt8((255 - k) * (255 - c) / 255)
                rgb[3 * p + 1] = UInt8((255 - k) * (255 - m) / 255)
                rgb[3 * p + 2] = UInt8((255 - k) * (255 - y) / 255)
            }
        }
        return rgb
    }

    /// Whether the last failure was only a warning (the pixels were still written).
    private var isWarning: Bool { tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) }

    private func failure(_ path: String) -> ImagingError {
        let message = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown libjpeg-turbo error"
        return .corruptJPEG(path: path, message: message)
    }
}
