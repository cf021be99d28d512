/// Why an image could not be read. Every case names the file (or the caller's name for in-memory
/// data) and prints as one line, so a batch can report a broken file and go on with the others.
public enum ImagingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The bytes are neither JPEG nor PNG (an empty file lands here too).
    case unsupportedFormat(path: String, detail: String)
    /// libjpeg-turbo refused the data or warned about it (truncation, corrupt entropy data).
    case corruptJPEG(path: String, message: String)
    /// libpng refused the data (bad signature, CRC error in a critical chunk, truncation).
    case corruptPNG(path: String, message: String)
    /// The image is larger than `ImageDecoder.maximumPixels` (a decompression bomb guard).
    case tooLarge(path: String, width: Int, height: Int)
    /// A caller-supplied parameter is outside its domain (crop fraction, output size); `name` is the parameter.
    case invalidParameter(name: String, value: String, reason: String)

    /// The file (or, for `invalidParameter`, the parameter) the error is about.
    public var path: String {
        switch self {
        case .unreadable(let path, _), .unsupportedFormat(let path, _), .corruptJPEG(let path, _),
             .corruptPNG(let path, _), .tooLarge(let path, _, _), .invalidParameter(let path, _, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read file: \(reason)"
        case .unsupportedFormat(let path, let detail):
            return "\(path): not a JPEG or PNG image (\(detail))"
        case .corruptJPEG(let path, let message):
            return "\(path): corrupt or truncated JPEG: \(message)"
        case .corruptPNG(let path, let message):
            return "\(path): corrupt or truncated PNG: \(message)"
        case .tooLarge(let path, let width, let height):
            return "\(path): image is \(width)x\(height), more than \(ImageDecoder.maximumPixels) pixels"
        case .invalidParameter(let name, let value, let reason):
            return "\(name) \(value): \(reason)"
        }
    }
}
