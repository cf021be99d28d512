/// Why a string is not a usable module handle. Every case quotes the text at fault; the CLI maps
/// these to exit status 64.
public enum HandleError: Error, CustomStringConvertible, Sendable, Equatable {
    case empty
    /// A `publisher/name` handle with fewer than two name parts before the version.
    case tooFewParts(String)
    /// A path component that is empty (`a//b`, trailing `/`).
    case emptyComponent(String)
    /// `.` or `..` as a component.
    case dotComponent(String, component: String)
    /// A component with characters outside `[a-z0-9_.-]`.
    case invalidCharacters(String, component: String)
    /// A version that is zero or has a leading zero.
    case invalidVersion(String, version: String)
    /// A URL whose scheme hubctl does not fetch from (only http, https and file).
    case unsupportedScheme(String, scheme: String)
    /// A URL with no host, or a tfhub.dev URL with no handle path.
    case malformedURL(String, reason: String)

    public var description: String {
        switch self {
        case .empty:
            return "empty module handle"
        case .tooFewParts(let text):
            return "malformed handle '\(text)': expected publisher/name[/...][/version] (use ./path for a local file)"
        case .emptyComponent(let text):
            return "malformed handle '\(text)': empty path component"
        case .dotComponent(let text, let component):
            return "malformed handle '\(text)': '\(component)' is not allowed as a path component"
        case .invalidCharacters(let text, let component):
            return "malformed handle '\(text)': component '\(component)' may only use a-z 0-9 _ . -"
        case .invalidVersion(let text, let version):
            return "malformed handle '\(text)': version '\(version)' must be a positive integer without leading zeros"
        case .unsupportedScheme(let text, let scheme):
            return "unsupported URL scheme '\(scheme)' in '\(text)': use http, https or file"
        case .malformedURL(let text, let reason):
            return "malformed URL '\(text)': \(reason)"
        }
    }
}
