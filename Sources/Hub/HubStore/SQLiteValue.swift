import Foundation

/// A value bound to an SQLite statement parameter.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null

    /// `.text` for a string, `.null` for nil.
    public static func optional(_ text: String?) -> SQLiteValue { text.map { .text($0) } ?? .null }
    /// `.integer` for a number, `.null` for nil.
    public static func optional(_ number: Int64?) -> SQLiteValue { number.map { .integer($0) } ?? .null }
}
