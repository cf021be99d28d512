/// What `FileDownloader.download` produced: a complete, verified file at the partial path.
public struct DownloadResult: Sendable, Equatable {
    /// The URL the bytes finally came from, after redirects.
    public var finalURL: String
    /// Size of the complete file.
    public var bytes: Int64
    /// SHA-256 of the complete file (always computed, lowercase hex).
    public var sha256: String
    /// The server's ETag, if it sent one.
    public var etag: String?
    /// Bytes already on disk that the successful request continued from (0 for a fresh download).
    public var resumedFrom: Int64
    /// HTTP requests made (0 when a complete partial was verified without touching the network).
    public var attempts: Int
    /// Every redirect target followed by the successful request, in order (provenance).
    public var redirects: [String]

    public init(finalURL: String, bytes: Int64, sha256: String, etag: String?, resumedFrom: Int64, attempts: Int,
                redirects: [String] = []) {
        self.finalURL = finalURL
        self.bytes = bytes
        self.sha256 = sha256
        self.etag = etag
        self.resumedFrom = resumedFrom
        self.attempts = attempts
        self.redirects = redirects
    }
}
