import Foundation

/// One row of the `modules` table: a cached module version and where it lives.
public struct CacheEntry: Sendable, Equatable, Codable {
    /// The versioned handle, e.g. `google/imagenet/amoebanet_a_n18_f448/classification/1`.
    public var handle: String
    /// The URL the archive was finally downloaded from (after redirects), or the local source.
    public var resolvedURL: String
    /// SHA-256 of the downloaded archive (lowercase hex).
    public var sha256: String
    /// Size of the downloaded archive in bytes.
    public var size: Int64
    /// The unpacked module directory.
    public var path: String
    public var state: EntryState
    /// The module format as the registry names it (e.g. `hub`, `saved_model`).
    public var format: String
    public var fetchedAt: Date
    public var lastUsedAt: Date

    public init(handle: String, resolvedURL: String, sha256: String, size: Int64, path: String,
                state: EntryState, format: String, fetchedAt: Date = Date(), lastUsedAt: Date = Date()) {
        self.handle = handle
        self.resolvedURL = resolvedURL
        self.sha256 = sha256
        self.size = size
        self.path = path
        self.state = state
        self.format = format
        self.fetchedAt = fetchedAt
        self.lastUsedAt = lastUsedAt
    }
}
