/// One file of an unpacked module as recorded at unpack time (the `files` table), so `verify` can
/// re-hash the module and name exactly what changed.
public struct ManifestFile: Sendable, Equatable, Hashable, Codable {
    /// Path relative to the module directory, `/`-separated.
    public var relativePath: String
    public var size: Int64
    /// SHA-256 of the file contents (lowercase hex).
    public var sha256: String

    public init(relativePath: String, size: Int64, sha256: String) {
        self.relativePath = relativePath
        self.size = size
        self.sha256 = sha256
    }
}
