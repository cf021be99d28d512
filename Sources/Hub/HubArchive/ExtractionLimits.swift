/// Bounds on what one archive may unpack to. The defaults fit the largest TF-Hub modules (a few
/// hundred MB, hundreds of files) with a wide margin while stopping bombs early.
public struct ExtractionLimits: Sendable, Equatable {
    /// Most entries (files and folders) allowed.
    public var maxEntries: Int
    /// Most decompressed bytes allowed in total.
    public var maxTotalBytes: Int64
    /// Most decompressed bytes per archive byte. Counted as data is written, never from headers.
    public var maxCompressionRatio: Double
    /// Decompressed bytes always allowed regardless of ratio, so tiny archives of small text files
    /// (which compress very well) are not refused.
    public var ratioGraceBytes: Int64

    public init(maxEntries: Int = 100_000, maxTotalBytes: Int64 = 16 << 30, maxCompressionRatio: Double = 100,
                ratioGraceBytes: Int64 = 1 << 20) {
        self.maxEntries = maxEntries
        self.maxTotalBytes = maxTotalBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioGraceBytes = ratioGraceBytes
    }

    public static let `default` = ExtractionLimits()
}
