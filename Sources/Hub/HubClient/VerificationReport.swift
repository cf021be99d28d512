import HubStore

/// What `ModuleCache.verify` found for one cache entry.
public struct VerificationReport: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Every recorded file is present with its recorded size and SHA-256; nothing extra.
        case ok
        /// Files are missing, altered or extra; the entry is now marked broken.
        case damaged
        /// The entry was left half-done by a fetch that died (its lock was free); the row, module
        /// folder and unpack folders were removed, the partial download kept for resume.
        case stale
        /// The entry was already marked broken; the next fetch refetches it.
        case broken
    }

    public let handle: String
    public let path: String
    public let status: Status
    /// Recorded files that are gone.
    public let missing: [String]
    /// Recorded files whose size or SHA-256 changed.
    public let altered: [String]
    /// Files present in the module folder that the manifest does not list.
    public let extra: [String]
    /// Files checked.
    public let checkedFiles: Int
    /// Bytes re-hashed.
    public let checkedBytes: Int64
    /// The entry's state after the check.
    public let state: EntryState

    enum CodingKeys: String, CodingKey {
        case handle, path, status, missing, altered, extra, state
        case checkedFiles = "checked_files"
        case checkedBytes = "checked_bytes"
    }

    public init(handle: String, path: String, status: Status, missing: [String], altered: [String],
                extra: [String], checkedFiles: Int, checkedBytes: Int64, state: EntryState) {
        self.handle = handle
        self.path = path
        self.status = status
        self.missing = missing
        self.altered = altered
        self.extra = extra
        self.checkedFiles = checkedFiles
        self.checkedBytes = checkedBytes
        self.state = state
    }
}
