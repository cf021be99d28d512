/// One regular file with its size and SHA-256: what the extractor reports for each file it wrote and
/// what the store's manifest records, so `verify` can re-hash a module and name exactly what changed.
public struct FileDigest: Sendable, Equatable, Hashable, Codable {
    /// Path relative to its folder (the unpack target or the module directory), `/`-separated,
    /// without a leading `./`.
    public var relativePath: String
    public var size: Int64
    /// SHA-256 of the contents, lowercase hex.
    public var sha256: String

    public init(relativePath: String, size: Int64, sha256: String) {
        self.relativePath = relativePath
        self.size = size
        self.sha256 = sha256
    }
}
