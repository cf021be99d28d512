/// The result of `ModuleCache.fetch`: a verified module directory and where it came from.
public struct FetchedModule: Sendable, Equatable, Codable {
    /// How the module got here.
    public enum Origin: String, Sendable, Codable {
        /// A ready cache entry; no network was used.
        case cache
        /// Downloaded (or resumed) and unpacked just now.
        case downloaded
        /// Unpacked from a local archive just now.
        case unpackedLocalArchive = "unpacked-local-archive"
        /// A local module folder, used in place (never copied into the cache).
        case localDirectory = "local-directory"
    }

    /// The handle as cached: a versioned registry handle, a URL or an absolute path.
    public let handle: String
    /// The module directory (holds `saved_model.pb`).
    public let path: String
    /// SHA-256 of the archive the module came from; nil for a local folder.
    public let sha256: String?
    /// Size of that archive in bytes; nil for a local folder.
    public let size: Int64?
    /// The URL (after redirects) or file the archive came from.
    public let resolvedURL: String?
    public let origin: Origin
    /// Bytes of the archive that were already on disk from an interrupted download (0 if none).
    public let resumedFrom: Int64
    /// Attempts the download needed (0 when nothing was downloaded).
    public let attempts: Int
    /// Wall time of the transfer (with its streaming SHA-256), when this call downloaded.
    public let downloadSeconds: Double?
    /// Wall time of unpacking (with per-file hashes and fsyncs), when this call unpacked.
    public let unpackSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case handle, path, sha256, size, origin, attempts
        case resolvedURL = "resolved_url"
        case resumedFrom = "resumed_from"
        case downloadSeconds = "download_seconds"
        case unpackSeconds = "unpack_seconds"
    }

    public init(handle: String, path: String, sha256: String?, size: Int64?, resolvedURL: String?, origin: Origin,
                resumedFrom: Int64 = 0, attempts: Int = 0, downloadSeconds: Double? = nil,
                unpackSeconds: Double? = nil) {
        self.downloadSeconds = downloadSeconds
        self.unpackSeconds = unpackSeconds
        self.handle = handle
        self.path = path
        self.sha256 = sha256
        self.size = size
        self.resolvedURL = resolvedURL
        self.origin = origin
        self.resumedFrom = resumedFrom
        self.attempts = attempts
    }
}
