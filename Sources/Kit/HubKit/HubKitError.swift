import AmoebaNet
import HubClient
import Imaging
import ModuleFormats

/// Errors of the public API. Lower-layer errors are wrapped with the handle they happened for, and
/// every case prints as one line naming the handle, signature or file at fault.
public enum HubKitError: Error, CustomStringConvertible, Sendable {
    /// Resolving, downloading or caching the module failed.
    case hub(HubError)
    /// The module's files could not be read.
    case format(handle: String, FormatError)
    /// The module is readable but hubctl bundles no runtime for its architecture (fetch and info still work).
    case noRuntime(handle: String, architecture: String, reason: String)
    /// Loading or running the runtime failed.
    case runtime(handle: String, RuntimeError)
    /// The module has no signature of this name.
    case unknownSignature(handle: String, signature: String, available: [String])
    /// The module states no input image size (neither attachment nor a static `images` shape).
    case noImageSize(handle: String)
    /// An image could not be decoded.
    case image(ImagingError)
    /// Writing an output file failed.
    case output(path: String, message: String)
    /// Input of the wrong size.
    case invalidInput(handle: String, message: String)

    public var description: String {
        switch self {
        case .hub(let error): return error.description
        case .format(let handle, let error): return "\(handle): \(error.description)"
        case .noRuntime(let handle, let architecture, let reason):
            return "\(handle): no runtime for \(architecture) (\(reason)); fetch and info still work"
        case .runtime(let handle, let error): return "\(handle): \(error.description)"
        case .unknownSignature(let handle, let signature, let available):
            return "\(handle) has no signature '\(signature)' (it has: \(available.joined(separator: ", ")))"
        case .noImageSize(let handle):
            return "\(handle) states no input image size (no image_module_info and no static images shape)"
        case .image(let error): return error.description
        case .output(let path, let message): return "cannot write \(path): \(message)"
        case .invalidInput(let handle, let message): return "\(handle): \(message)"
        }
    }

    /// True when the user asked for something malformed (exit status 64 in the CLI).
    public var isUsageError: Bool {
        switch self {
        case .hub(let error): return error.isUsageError
        case .unknownSignature: return true
        default: return false
        }
    }
}
