import CSQLite
import Foundation

/// One open SQLite connection (owns the `sqlite3*`).
///
/// Opened in serialized (FULLMUTEX) mode, so one connection may be shared between threads; WAL
/// journaling, a 10 s busy timeout so concurrent hubctl processes wait rather than fail, foreign
/// keys on, and extended result codes so `SQLITE_FULL` / `SQLITE_NOTADB` can be told apart.
public final class SQLiteDatabase: @unchecked Sendable {
    // @unchecked: the handle is only used through SQLite's own serialized-mode mutex.
    let handle: OpaquePointer
    public let path: String

    /// Opens (creating if needed) the database at `path` and applies the connection settings.
    /// A file that is not a database fails here with `StoreError.notADatabase`.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 10_000) throws(StoreError) {
        self.path = path
        var raw: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let rc = sqlite3_open_v2(path, &raw, flags, nil)
        guard rc == SQLITE_OK, let opened = raw else {
            let message = raw.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(raw)
            throw StoreError.sqlite(path: path, code: rc, message: message)
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        try execute("PRAGMA foreign_keys = ON")
        // The first real read happens here; a non-database file shows up as SQLITE_NOTADB. Switching a new
        // file to WAL upgrades a read lock to a write lock inside SQLite, where the busy handler is not
        // consulted, so first opens racing each other get SQLITE_BUSY at once: retry them up to the timeout.
        let mode = try retryingWhenBusy(milliseconds: busyTimeoutMilliseconds) { () throws(StoreError) in
            try scalarText("PRAGMA journal_mode = WAL")
        }
        if mode?.lowercased() != "wal" {
            throw StoreError.sqlite(path: path, code: SQLITE_ERROR, message: "could not enable WAL (mode \(mode ?? "nil"))")
        }
        try execute("PRAGMA synchronous = NORMAL")
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(StoreError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(message)
            throw error(code: rc, message: text)
        }
    }

    /// Compiles `sql`; the statement is finalized when the returned object goes away.
    public func prepare(_ sql: String) throws(StoreError) -> SQLiteStatement {
        try SQLiteStatement(database: self, sql: sql)
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it throws. IMMEDIATE takes
    /// the write lock up front, so two writers wait on the busy timeout instead of deadlocking.
    public func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` again after a short, growing pause while it fails with SQLITE_BUSY, for at most
    /// `milliseconds`; for the few operations SQLite does not cover with its own busy handler.
    func retryingWhenBusy<T>(milliseconds: Int32, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
        var pause: UInt32 = 1_000
        while true {
            do {
                return try body()
            } catch .sqlite(let path, let code, let message) where code & 0xFF == SQLITE_BUSY {
                if Date() >= deadline { throw .sqlite(path: path, code: code, message: message) }
                usleep(pause + UInt32.random(in: 0..<pause))
                pause = min(pause * 2, 50_000)
            }
        }
    }

    /// `PRAGMA user_version`, where the index keeps its schema version.
    public var userVersion: Int {
        get throws(StoreError) { Int(try scalarInteger("PRAGMA user_version") ?? 0) }
    }

    public func setUserVersion(_ version: Int) throws(StoreError) {
        try execute("PRAGMA user_version = \(version)")
    }

    /// The first column of the first row of `sql`, as text.
    func scalarText(_ sql: String) throws(StoreError) -> String? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.text(0) : nil
    }

    /// The first column of the first row of `sql`, as an integer.
    func scalarInteger(_ sql: String) throws(StoreError) -> Int64? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.integer(0) : nil
    }

    /// Maps an SQLite result code to the store's error, singling out a full disk and a damaged file.
    func error(code: Int32, message: String? = nil) -> StoreError {
        let text = message ?? String(cString: sqlite3_errmsg(handle))
        switch code & 0xff {
        case SQLITE_FULL: return .diskFull(path: path)
        case SQLITE_NOTADB, SQLITE_CORRUPT: return .notADatabase(path: path, message: text)
        default: return .sqlite(path: path, code: code, message: text)
        }
    }
}
