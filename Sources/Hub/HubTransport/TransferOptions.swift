/// Tunables of a transfer. Defaults suit real hubs; tests shrink the timeouts and backoff.
public struct TransferOptions: Sendable, Equatable {
    /// Seconds allowed to establish a connection.
    public var connectTimeout: Double
    /// A transfer slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` seconds is aborted (and retried).
    public var lowSpeedLimit: Int
    public var lowSpeedTime: Int
    /// Retries after the first attempt, for 5xx, 429, 408 and dropped or stalled connections.
    public var maxRetries: Int
    /// An attempt that added at least this many bytes before failing does not use up a retry, so
    /// a long download over a link that drops now and then keeps going (up to `maxAttempts`).
    public var progressResetBytes: Int64
    /// Hard cap on requests for one download, whatever the progress.
    public var maxAttempts: Int
    /// First backoff delay in seconds; doubles per retry up to `maxBackoff`, with random jitter.
    public var initialBackoff: Double
    public var maxBackoff: Double
    /// Upper bound on a server's `Retry-After`, in seconds.
    public var maxRetryAfter: Double
    public var maxRedirects: Int
    /// Allow `file://` URLs (local registries). Redirects can never lead to `file://`.
    public var allowFileScheme: Bool
    /// Require the body of `download` to start like an archive (gzip, zip, tar, bzip2, xz, zstd).
    public var requireArchiveSignature: Bool
    public var userAgent: String
    /// A PEM file of CA certificates to trust instead of the system bundle (a private mirror's CA).
    /// Verification itself can never be turned off.
    public var caBundlePath: String?

    public init(connectTimeout: Double = 30, lowSpeedLimit: Int = 1024, lowSpeedTime: Int = 60, maxRetries: Int = 5,
                initialBackoff: Double = 1, maxBackoff: Double = 30, maxRetryAfter: Double = 60,
                maxRedirects: Int = 10, allowFileScheme: Bool = false, requireArchiveSignature: Bool = true,
                userAgent: String = "hubctl/0.1", caBundlePath: String? = nil,
                progressResetBytes: Int64 = 8 << 20, maxAttempts: Int = 50) {
        self.connectTimeout = connectTimeout
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
        self.maxRetries = maxRetries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
        self.maxRedirects = maxRedirects
        self.allowFileScheme = allowFileScheme
        self.requireArchiveSignature = requireArchiveSignature
        self.userAgent = userAgent
        self.caBundlePath = caBundlePath
        self.progressResetBytes = progressResetBytes
        self.maxAttempts = maxAttempts
    }

    /// The schemes a request may start with.
    public var allowedSchemes: Set<String> { allowFileScheme ? ["http", "https", "file"] : ["http", "https"] }

    /// The delay before retry number `retry` (1-based): exponential with jitter in [50 %, 100 %].
    func backoff(retry: Int) -> Double {
        let base = min(maxBackoff, initialBackoff * Double(1 << min(retry - 1, 20)))
        return base * Double.random(in: 0.5...1.0)
    }
}
