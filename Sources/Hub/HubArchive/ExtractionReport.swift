/// One regular file written by the extractor, hashed as it was written.
public struct ExtractedFile: Sendable, Equatable, Hashable, Codable {
    /// Path relative to the target folder, `/`-separated, without a leading `./`.
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

/// What an extraction produced.
public struct ExtractionReport: Sendable, Equatable {
    /// Regular files, in archive order.
    public var files: [ExtractedFile]
    /// Folders created (explicit and implied), relative paths.
    public var directories: [String]
    /// Sum of the sizes of `files`.
    public var totalBytes: Int64

    public init(files: [ExtractedFile], directories: [String], totalBytes: Int64) {
        self.files = files
        self.directories = directories
        self.totalBytes = totalBytes
    }
}
