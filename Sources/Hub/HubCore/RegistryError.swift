/// Why a registry document or index could not be used. Every case names the document (path or
/// URL) at fault.
public enum RegistryError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The first line is not `# <Kind> <handle>`.
    case missingTitle(source: String)
    /// The title names a different handle than the document's location.
    case handleMismatch(source: String, title: String, expected: String)
    /// The title's handle does not parse or has no version.
    case invalidTitleHandle(source: String, reason: String)
    /// A `<!-- ... -->` line that is not `key: value`.
    case malformedMetadata(source: String, line: Int)
    /// A metadata value that fails validation (bad sha256, size, URL, traversal ...).
    case invalidValue(source: String, key: String, value: String, reason: String)
    /// A key that may appear only once appears several times.
    case duplicateKey(source: String, key: String)
    /// An index line that is not a versioned registry handle.
    case malformedIndexLine(source: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .missingTitle(let source):
            return "registry entry \(source): first line must be '# Module <publisher/name/version>'"
        case .handleMismatch(let source, let title, let expected):
            return "registry entry \(source): title names '\(title)' but the file is for '\(expected)'"
        case .invalidTitleHandle(let source, let reason):
            return "registry entry \(source): bad handle in title: \(reason)"
        case .malformedMetadata(let source, let line):
            return "registry entry \(source):\(line): metadata comment must be '<!-- key: value -->'"
        case .invalidValue(let source, let key, let value, let reason):
            return "registry entry \(source): \(key) '\(value)' \(reason)"
        case .duplicateKey(let source, let key):
            return "registry entry \(source): '\(key)' may appear only once"
        case .malformedIndexLine(let source, let line, let reason):
            return "registry index \(source):\(line): \(reason)"
        }
    }
}
