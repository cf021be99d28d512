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

    public init(files: [ExtractedFile], directories: [String], totalBytes: Int64) {
        self.files = files
        self.directories = directories
        self.totalBytes = totalBytes
    }
}
