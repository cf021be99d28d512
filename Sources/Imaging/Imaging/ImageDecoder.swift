import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes JPEG and PNG files into RGB float32 in [0, 1], choosing the decoder from the file's
/// signature bytes (never its extension). JPEG EXIF orientation is applied; everything else matches
/// TensorFlow's `decode_jpeg(dct_method='INTEGER_ACCURATE')` / `decode_png` followed by
/// `convert_image_dtype(tf.float32)`.
public enum ImageDecoder {
    /// Images with more pixels than this are refused before any pixel memory is allocated.
    public static let maximumPixels = 178_956_970

    /// The formats the decoder recognises by signature.
    package enum Format: Sendable { case jpeg, png }

    /// Reads and decodes the image file at `path`.
    public static func decode(path: String) throws(ImagingError) -> RGBImage {
        try decodeSamples(path: path).rgbImage()
    }

    /// Decodes an in-memory image; `name` is what errors report as the file.
    public static func decode(data: Data, name: String) throws(ImagingError) -> RGBImage {
        try decodeSamples(data: data, name: name).rgbImage()
    }

    /// Decodes an in-memory image, keeping integer samples.
    package static func decodeSamples(data: Data, name: String) throws(ImagingError) -> DecodedImage {
        let result: Result<DecodedImage, ImagingError> = data.withUnsafeBytes { bytes in
            Result { () throws(ImagingError) in try decodeSamples(bytes: bytes, name: name) }
        }
        return try result.get()
    }

    /// Reads and decodes the file at `path`, keeping integer samples.
    package static func decodeSamples(path: String) throws(ImagingError) -> DecodedImage {
        let bytes = try readFile(path: path)
        let result: Result<DecodedImage, ImagingError> = bytes.withUnsafeBytes { raw in
            Result { () throws(ImagingError) in try decodeSamples(bytes: raw, name: path) }
        }
        return try result.get()
    }

    /// Decodes a whole image file held in memory, keeping integer samples.
    package static func decodeSamples(bytes: UnsafeRawBufferPointer, name: String) throws(ImagingError)
        -> DecodedImage
    {
        switch try format(of: bytes, name: name) {
        case .jpeg:
            return try JPEGDecompressor(path: name).decode(bytes, path: name)
        case .png:
            return try PNGReader(bytes, path: name).decode()
        }
    }

    /// The format named by the signature at the start of `bytes`.
    package static func format(of bytes: UnsafeRawBufferPointer, name: String) throws(ImagingError) -> Format {
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        if bytes.count >= 8, bytes.starts(with: pngSignature) { return .png }
        if bytes.isEmpty { throw .unsupportedFormat(path: name, detail: "file is empty") }
        let head = bytes.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")
        throw .unsupportedFormat(path: name, detail: "starts with bytes \(head)")
    }

    /// The whole file, read with POSIX calls so that errors carry errno's text.
    static func readFile(path: String) throws(ImagingError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: errnoText()) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadable(path: path, reason: errnoText()) }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw .unreadable(path: path, reason: "is a directory") }
        var bytes = [UInt8](repeating: 0, count: max(Int(status.st_size), 0))
        var filled = 0
        var failure: Int32 = 0
        bytes.withUnsafeMutableBytes { buffer in
            while filled < buffer.count {
                let got = read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if got == 0 { break }  // the file shrank while being read
                filled += got
            }
        }
        guard failure == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(failure))) }
        if filled < bytes.count { bytes.removeSubrange(filled...) }
        return bytes
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
