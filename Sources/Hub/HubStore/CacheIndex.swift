import CSQLite
import Foundation
import HubCore

/// The SQLite index of the cache: which modules exist, in which state, and their file manifests.
///
/// The index is derived data: the module folders hold the real bytes. A damaged index file is
/// reported as `StoreError.notADatabase` and replaced with `CacheIndex.rebuild(path:)`, after which
/// modules are simply refetched (or re-registered by the caller).
///
/// Schema version lives in `PRAGMA user_version`; `migrations[i]` upgrades version i to i+1.
public final class CacheIndex: Sendable {
    /// The schema version this build writes.
    public static let schemaVersion = 1

    /// Upgrade steps; index i takes the schema from version i to i + 1.
    static let migrations: [String] = [
        """
        CREATE TABLE modules (
            handle       TEXT PRIMARY KEY NOT NULL,
            resolved_url TEXT NOT NULL,
            sha256       TEXT NOT NULL,
            size         INTEGER NOT NULL,
            path         TEXT NOT NULL,
            state        TEXT NOT NULL CHECK (state IN ('downloading', 'unpacking', 'ready', 'broken')),
            format       TEXT NOT NULL,
            fetched_at   REAL NOT NULL,
            last_used_at REAL NOT NULL
        );
        CREATE TABLE files (
            handle  TEXT NOT NULL REFERENCES modules(handle) ON DELETE CASCADE,
            relpath TEXT NOT NULL,
            size    INTEGER NOT NULL,
            sha256  TEXT NOT NULL,
            PRIMARY KEY (handle, relpath)
        );
        """,
    ]

    public let database: SQLiteDatabase
    public var path: String { database.path }

    /// Opens the index at `path`, creating or migrating the schema. A file that is not an SQLite
    /// database throws `StoreError.notADatabase`; call `rebuild(path:)` then.
    public init(path: String) throws(StoreError) {
        database = try SQLiteDatabase(path: path)
        _ = chmod(path, 0o644)
        try migrate()
    }

    /// Moves a damaged index (and its `-wal`/`-shm` files) aside to `<path>.corrupt-<unix time>` and
    /// creates a fresh, empty one. Returns the new index and where the old file went.
    public static func rebuild(path: String) throws(StoreError) -> (index: CacheIndex, movedTo: String?) {
        let fileManager = FileManager.default
        var movedTo: String?
        if fileManager.fileExists(atPath: path) {
            let aside = "\(path).corrupt-\(Int(Date().timeIntervalSince1970))-\(getpid())"
            if rename(path, aside) != 0 {
                throw StoreError.io(path: path, message: "cannot move damaged index aside: \(StoreError.errnoMessage())")
            }
            movedTo = aside
        }
        for suffix in ["-wal", "-shm", "-journal"] where fileManager.fileExists(atPath: path + suffix) {
            if let movedTo { _ = rename(path + suffix, movedTo + suffix) } else { unlink(path + suffix) }
        }
        return (try CacheIndex(path: path), movedTo)
    }

    /// Opens the index, rebuilding it when the file is damaged. `rebuiltFrom` is where the damaged
    /// file was moved, or nil when it opened cleanly.
    public static func openOrRebuild(path: String) throws(StoreError) -> (index: CacheIndex, rebuiltFrom: String?) {
        do {
            return (try CacheIndex(path: path), nil)
        } catch .notADatabase {
            let (index, movedTo) = try rebuild(path: path)
            return (index, movedTo ?? path)
        }
    }

    private func migrate() throws(StoreError) {
        let current = try database.userVersion
        if current > Self.schemaVersion {
            throw StoreError.schemaTooNew(path: path, found: current, supported: Self.schemaVersion)
        }
        if current == Self.schemaVersion { return }
        try database.transaction { () throws(StoreError) in
            // Re-read inside the write lock: another process may have migrated meanwhile.
            let version = try database.userVersion
            guard version < Self.schemaVersion else { return }
            for step in version..<Self.schemaVersion {
                try database.execute(Self.migrations[step])
            }
            try database.setUserVersion(Self.schemaVersion)
        }
    }

    // MARK: modules

    private static let columns = "handle, resolved_url, sha256, size, path, state, format, fetched_at, last_used_at"

    /// The entry for `handle` in any state, or nil.
    public func entry(handle: String) throws(StoreError) -> CacheEntry? {
        let statement = try database.prepare("SELECT \(Self.columns) FROM modules WHERE handle = ?")
        try statement.bind([.text(handle)])
        return try statement.step() ? try Self.decode(statement) : nil
    }

    /// The entry for `handle` only when it is `ready`: the serving query. Half-written entries
    /// (downloading, unpacking, broken) are invisible here.
    public func readyEntry(handle: String) throws(StoreError) -> CacheEntry? {
        let statement = try database.prepare("SELECT \(Self.columns) FROM modules WHERE handle = ? AND state = 'ready'")
        try statement.bind([.text(handle)])
        return try statement.step() ? try Self.decode(statement) : nil
    }

    /// Inserts or replaces the entry for `entry.handle` (its file manifest is kept).
    public func upsert(_ entry: CacheEntry) throws(StoreError) {
        let statement = try database.prepare("""
            INSERT INTO modules (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(handle) DO UPDATE SET resolved_url = excluded.resolved_url, sha256 = excluded.sha256,
                size = excluded.size, path = excluded.path, state = excluded.state, format = excluded.format,
                fetched_at = excluded.fetched_at, last_used_at = excluded.last_used_at
            """)
        try statement.run([
            .text(entry.handle), .text(entry.resolvedURL), .text(entry.sha256), .integer(entry.size),
            .text(entry.path), .text(entry.state.rawValue), .text(entry.format),
            .real(entry.fetchedAt.timeIntervalSince1970), .real(entry.lastUsedAt.timeIntervalSince1970),
        ])
    }

    /// Changes the state of `handle`; returns false when there is no such entry.
    @discardableResult
    public func setState(handle: String, _ state: EntryState) throws(StoreError) -> Bool {
        let statement = try database.prepare("UPDATE modules SET state = ? WHERE handle = ?")
        try statement.run([.text(state.rawValue), .text(handle)])
        return statement.changes > 0
    }

    /// Deletes `handle` and its manifest; returns false when there was no such entry.
    @discardableResult
    public func remove(handle: String) throws(StoreError) -> Bool {
        let statement = try database.prepare("DELETE FROM modules WHERE handle = ?")
        try statement.run([.text(handle)])
        return statement.changes > 0
    }

    /// Every entry in any state, ordered by handle.
    public func all() throws(StoreError) -> [CacheEntry] {
        let statement = try database.prepare("SELECT \(Self.columns) FROM modules ORDER BY handle")
        var entries: [CacheEntry] = []
        while try statement.step() { entries.append(try Self.decode(statement)) }
        return entries
    }

    /// Records that `handle` was used now (for `list` and future eviction).
    public func touch(handle: String, at date: Date = Date()) throws(StoreError) {
        let statement = try database.prepare("UPDATE modules SET last_used_at = ? WHERE handle = ?")
        try statement.run([.real(date.timeIntervalSince1970), .text(handle)])
    }

    // MARK: files

    /// Replaces the file manifest of `handle` (which must exist) in one transaction.
    public func recordFiles(handle: String, _ files: [ManifestFile]) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            try database.prepare("DELETE FROM files WHERE handle = ?").run([.text(handle)])
            let insert = try database.prepare("INSERT INTO files (handle, relpath, size, sha256) VALUES (?, ?, ?, ?)")
            for file in files {
                try insert.run([.text(handle), .text(file.relativePath), .integer(file.size), .text(file.sha256)])
            }
        }
    }

    /// The file manifest of `handle`, ordered by path.
    public func files(handle: String) throws(StoreError) -> [ManifestFile] {
        let statement = try database.prepare("SELECT relpath, size, sha256 FROM files WHERE handle = ? ORDER BY relpath")
        try statement.bind([.text(handle)])
        var files: [ManifestFile] = []
        while try statement.step() {
            files.append(ManifestFile(relativePath: statement.text(0) ?? "", size: statement.integer(1),
                                      sha256: statement.text(2) ?? ""))
        }
        return files
    }

    private static func decode(_ row: SQLiteStatement) throws(StoreError) -> CacheEntry {
        let stateText = row.text(5) ?? ""
        return CacheEntry(
            handle: row.text(0) ?? "", resolvedURL: row.text(1) ?? "", sha256: row.text(2) ?? "",
            size: row.integer(3), path: row.text(4) ?? "",
            // An unknown state (written by a newer build) is never served.
            state: EntryState(rawValue: stateText) ?? .broken, format: row.text(6) ?? "",
            fetchedAt: Date(timeIntervalSince1970: row.real(7)),
            lastUsedAt: Date(timeIntervalSince1970: row.real(8)))
    }
}
