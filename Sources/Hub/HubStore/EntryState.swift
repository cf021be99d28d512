/// Where a module is in its life in the cache. Only `ready` modules are ever served.
public enum EntryState: String, Sendable, Codable, CaseIterable {
    /// The archive is being (or was being, before a crash) downloaded.
    case downloading
    /// The archive is complete and being unpacked into a temp folder.
    case unpacking
    /// Unpacked, verified, renamed into place: safe to use.
    case ready
    /// Found damaged (by `verify` or at use); must be refetched.
    case broken
}
