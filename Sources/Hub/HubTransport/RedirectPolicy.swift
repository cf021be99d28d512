import Foundation

/// Which redirects are followed: only to http(s), never from https down to http, never to
/// `file://` (a server must not be able to make us read local files).
package enum RedirectPolicy {
    /// Nil when the hop from `current` to `target` is allowed, else the error to report.
    package static func violation(from current: String, to target: String, originalURL: String) -> TransportError? {
        let fromScheme = scheme(of: current)
        let toScheme = scheme(of: target)
        guard toScheme == "http" || toScheme == "https" else { return .unsupportedScheme(url: target) }
        if fromScheme == "https" && toScheme == "http" { return .insecureRedirect(from: originalURL, to: target) }
        return nil
    }

    /// Resolves a `Location` header against the URL it came from.
    package static func resolve(_ location: String, against base: String) -> String {
        if let baseURL = URL(string: base), let resolved = URL(string: location, relativeTo: baseURL) {
            return resolved.absoluteString
        }
        return location
    }

    /// The lowercased scheme of `url`, or "" when it has none.
    package static func scheme(of url: String) -> String {
        guard let colon = url.firstIndex(of: ":") else { return "" }
        let scheme = url[..<colon]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return "" }
        return scheme.lowercased()
    }
}
