import Foundation

/// Everything that can go wrong in the cache store. Each case names the file at fault and prints
/// as one line, so the CLI can show it unchanged.
public enum StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The index file exists but is not an SQLite database (or is damaged); rebuild it.
    case notADatabase(path: String, message: String)
    /// An SQLite call failed with the given (extended) result code.
    case sqlite(path: String, code: Int32, message: String)
    /// The disk (or quota) is full while writing the index.
    case diskFull(path: String)
    /// The index was written by a newer hubctl whose schema this build does not know.
    case schemaTooNew(path: String, found: Int, supported: Int)
    /// A file-system operation on the cache failed.
    case io(path: String, message: String)
    /// Another process held a lock longer than the caller was willing to wait.
    case lockTimeout(path: String, seconds: Double)

    public var description: String {
        switch self {
        case .notADatabase(let path, let message):
            return "cache index \(path) is not a usable SQLite database (\(message)); it can be rebuilt"
        case .sqlite(let path, let code, let message) where code & 0xFF == 8:
            // SQLITE_READONLY and its extended codes: most often a cache owned by another user.
            return "cache index \(path) is read-only for this user (check the cache folder's owner and permissions; "
                + "SQLite error \(code): \(message))"
        case .sqlite(let path, let code, let message):
            return "cache index \(path): SQLite error \(code): \(message)"
        case .diskFull(let path):
            return "cache index \(path): disk full while writing"
        case .schemaTooNew(let path, let found, let supported):
            return "cache index \(path) has schema version \(found), newer than the \(supported) this hubctl supports"
        case .io(let path, let message):
            return "cache path \(path): \(message)"
        case .lockTimeout(let path, let seconds):
            return "timed out after \(String(format: "%.1f", seconds)) s waiting for lock \(path)"
        }
    }

    /// A one-line message for the current `errno`.
    static func errnoMessage(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}
