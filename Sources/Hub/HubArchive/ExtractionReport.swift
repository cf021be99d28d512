import HubCore

/// One regular file written by the extractor, hashed as it was written.
public typealias ExtractedFile = FileDigest

/// What an extraction produced.
public struct ExtractionReport: Sendable, Equatable {
    /// Regular files, in archive order.
    public var files: [ExtractedFile]
    /// Folders created (explicit and implied), relative paths.
    public var directories: [String]
    /// Sum of the sizes of `files`.
    public var totalBytes: Int64
    /// SHA-256 of the archive file itself, when it was asked for (`hashArchive`) and could be taken in
    /// the same read as the unpacking (nil otherwise: then hash the file separately).
    public var archiveSHA256: String?

    public init(files: [ExtractedFile], directories: [String], totalBytes: Int64, archiveSHA256: String? = nil) {
        self.files = files
        self.directories = directories
        self.totalBytes = totalBytes
        self.archiveSHA256 = archiveSHA256
    }
}
