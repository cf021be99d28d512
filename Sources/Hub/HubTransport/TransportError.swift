/// Why a transfer failed. Every case carries the URL (or local path) at fault and prints as one
/// line, e.g. `download of http://127.0.0.1:8123/m.tar.gz failed: HTTP 404 Not Found`.
public enum TransportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The server answered with an error status that retrying did not fix.
    case httpStatus(url: String, code: Int)
    case notFound(url: String)
    /// Connection failures, timeouts, dropped connections (after all retries).
    case network(url: String, message: String)
    case checksumMismatch(url: String, expected: String, actual: String)
    case sizeMismatch(url: String, expected: Int64, actual: Int64)
    /// The body is an HTML page or otherwise not an archive (login page, error page, wrong link).
    case notAnArchive(url: String, contentType: String?)
    /// A redirect from https to plain http.
    case insecureRedirect(from: String, to: String)
    /// A URL (given or redirected to) whose scheme is not allowed.
    case unsupportedScheme(url: String)
    case tooManyRedirects(url: String, limit: Int)
    /// A document was larger than the caller's `maxBytes`.
    case tooLarge(url: String, limit: Int)
    /// Not enough free space for the download; `needed` is the number of bytes still to write.
    case diskFull(path: String, needed: Int64)
    case io(path: String, message: String)
    case cancelled(url: String)

    public var description: String {
        switch self {
        case .httpStatus(let url, let code):
            return "download of \(url) failed: HTTP \(code) \(Self.reasonPhrase(code))"
        case .notFound(let url): return "download of \(url) failed: HTTP 404 Not Found"
        case .network(let url, let message): return "download of \(url) failed: \(message)"
        case .checksumMismatch(let url, let expected, let actual):
            return "download of \(url) failed: sha256 mismatch (expected \(expected), got \(actual))"
        case .sizeMismatch(let url, let expected, let actual):
            return "download of \(url) failed: size mismatch (expected \(expected) bytes, got \(actual))"
        case .notAnArchive(let url, let contentType):
            let type = contentType.map { " (Content-Type: \($0))" } ?? ""
            return "download of \(url) failed: the server sent an HTML page or other non-archive body\(type)"
        case .insecureRedirect(let from, let to):
            return "download of \(from) failed: refused redirect from https to insecure \(to)"
        case .unsupportedScheme(let url):
            return "download of \(url) failed: unsupported URL scheme (only http and https are allowed)"
        case .tooManyRedirects(let url, let limit):
            return "download of \(url) failed: more than \(limit) redirects"
        case .tooLarge(let url, let limit):
            return "download of \(url) failed: larger than the \(limit)-byte limit"
        case .diskFull(let path, let needed):
            return "not enough disk space for \(path): \(needed) more bytes needed"
        case .io(let path, let message): return "cannot write \(path): \(message)"
        case .cancelled(let url): return "download of \(url) was cancelled"
        }
    }

    /// The standard reason phrase for the statuses a file server plausibly sends.
    static func reasonPhrase(_ code: Int) -> String {
        switch code {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 410: return "Gone"
        case 416: return "Range Not Satisfiable"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return (300..<400).contains(code) ? "Redirect" : "Error"
        }
    }
}
