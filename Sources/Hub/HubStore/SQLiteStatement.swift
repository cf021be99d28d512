import CSQLite
import Foundation

/// One prepared statement (owns the `sqlite3_stmt*`, finalized in `deinit`). Keeps its database alive.
public final class SQLiteStatement {
    private let database: SQLiteDatabase
    private let handle: OpaquePointer

    init(database: SQLiteDatabase, sql: String) throws(StoreError) {
        self.database = database
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v2(database.handle, sql, -1, &raw, nil)
        guard rc == SQLITE_OK, let prepared = raw else {
            sqlite3_finalize(raw)
            throw database.error(code: rc)
        }
        handle = prepared
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds `values` to parameters 1...n (after clearing earlier bindings).
    @discardableResult
    public func bind(_ values: [SQLiteValue]) throws(StoreError) -> SQLiteStatement {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .integer(let number): rc = sqlite3_bind_int64(handle, index, number)
            case .real(let number): rc = sqlite3_bind_double(handle, index, number)
            case .text(let text): rc = sqlite3_bind_text(handle, index, text, -1, csqlite_transient())
            case .null: rc = sqlite3_bind_null(handle, index)
            }
            if rc != SQLITE_OK { throw database.error(code: rc) }
        }
        return self
    }

    /// Advances to the next row; false when done.
    public func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(code: rc)
        }
    }

    /// Runs a statement that returns no rows.
    public func run(_ values: [SQLiteValue] = []) throws(StoreError) {
        try bind(values)
        while try step() {}
        sqlite3_reset(handle)
    }

    /// Number of rows changed by the last run.
    public var changes: Int { Int(sqlite3_changes(database.handle)) }

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    public func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func real(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    public func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: pointer)
    }
}
