/// Everything that can go wrong while reading a module's files. Every case names the file (or directory) at
/// fault and, where it makes sense, the byte offset, so a user can tell a truncated download from a bug.
public enum FormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file could not be opened, stat'ed, read or mapped.
    case io(path: String, operation: String, errno: Int32)
    /// The input ends before a structure it started is complete.
    case truncated(file: String, offset: Int, what: String)
    /// The bytes at `offset` do not form a valid structure.
    case malformed(file: String, offset: Int, reason: String)
    /// The file is valid but uses a feature this reader does not implement (Snappy blocks, sliced tensors, ...).
    case unsupported(file: String, reason: String)
    /// A stored checksum does not match the bytes it covers.
    case checksumMismatch(file: String, what: String, expected: UInt32, actual: UInt32)
    /// A tensor name that the bundle does not hold.
    case noSuchTensor(prefix: String, name: String)
    /// A tensor exists but not with the type or size the caller asked for.
    case typeMismatch(prefix: String, name: String, reason: String)
    /// A directory that is not a module this reader understands.
    case notAModule(directory: String, reason: String)

    public var description: String {
        switch self {
        case let .io(path, operation, errno):
            return "\(path): \(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
        case let .truncated(file, offset, what):
            return "\(file): truncated at byte \(offset) while reading \(what)"
        case let .malformed(file, offset, reason):
            return "\(file): malformed at byte \(offset): \(reason)"
        case let .unsupported(file, reason):
            return "\(file): unsupported: \(reason)"
        case let .checksumMismatch(file, what, expected, actual):
            return "\(file): CRC-32C mismatch for \(what): stored \(hex(expected)), computed \(hex(actual))"
        case let .noSuchTensor(prefix, name):
            return "\(prefix): no tensor named '\(name)'"
        case let .typeMismatch(prefix, name, reason):
            return "\(prefix): tensor '\(name)': \(reason)"
        case let .notAModule(directory, reason):
            return "\(directory): not a module: \(reason)"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
