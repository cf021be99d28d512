/// Why an archive was refused or could not be unpacked. Each case names the archive (and entry)
/// at fault and prints as one line.
public enum ArchiveError: Error, CustomStringConvertible, Sendable, Equatable {
    case notFound(path: String)
    /// The file is not a tar, tar.gz or zip archive (e.g. an HTML page saved by mistake).
    case notAnArchive(path: String, message: String)
    /// The archive is damaged or truncated.
    case corrupt(path: String, message: String)
    /// An entry that could escape the target folder or is not a plain file/folder.
    case unsafeEntry(path: String, entry: String, reason: UnsafeEntryReason)
    case duplicateEntry(path: String, entry: String)
    case tooManyEntries(path: String, limit: Int)
    case tooLarge(path: String, limit: Int64)
    /// Decompressed bytes outgrew the archive by more than the allowed ratio (a decompression bomb).
    case compressionRatio(path: String, limit: Double)
    /// The archive holds no files.
    case empty(path: String)
    /// The target folder is missing or not empty.
    case badDestination(path: String, message: String)
    /// Writing an unpacked file failed.
    case io(path: String, message: String)
    /// The disk filled up while unpacking.
    case diskFull(path: String)

    public var description: String {
        switch self {
        case .notFound(let path): return "archive \(path) does not exist"
        case .notAnArchive(let path, let message):
            return "\(path) is not a tar, tar.gz or zip archive (\(message))"
        case .corrupt(let path, let message): return "archive \(path) is corrupt or truncated: \(message)"
        case .unsafeEntry(let path, let entry, let reason):
            return "archive \(path) rejected: entry \"\(entry)\" \(reason.description)"
        case .duplicateEntry(let path, let entry):
            return "archive \(path) rejected: entry \"\(entry)\" appears more than once"
        case .tooManyEntries(let path, let limit):
            return "archive \(path) rejected: more than \(limit) entries"
        case .tooLarge(let path, let limit):
            return "archive \(path) rejected: unpacks to more than \(limit) bytes"
        case .compressionRatio(let path, let limit):
            return "archive \(path) rejected: expands more than \(Int(limit))x its size (decompression bomb?)"
        case .empty(let path): return "archive \(path) contains no files"
        case .badDestination(let path, let message): return "cannot unpack into \(path): \(message)"
        case .io(let path, let message): return "cannot write \(path): \(message)"
        case .diskFull(let path): return "disk full while writing \(path)"
        }
    }
}

/// Why one entry is unsafe to unpack.
public enum UnsafeEntryReason: Sendable, Equatable, CustomStringConvertible {
    case absolutePath
    case parentTraversal
    case invalidName
    case symlink(target: String)
    case hardlink(target: String)
    case device
    case fifo
    case socket
    case unsupportedType(mode: UInt32)
    /// A file whose parent is a file, or a folder where a file already is.
    case typeConflict

    public var description: String {
        switch self {
        case .absolutePath: return "has an absolute path"
        case .parentTraversal: return "contains a '..' component"
        case .invalidName: return "has an empty or invalid name"
        case .symlink(let target): return "is a symbolic link (to \(target))"
        case .hardlink(let target): return "is a hard link (to \(target))"
        case .device: return "is a device node"
        case .fifo: return "is a FIFO"
        case .socket: return "is a socket"
        case .unsupportedType(let mode): return "has unsupported type \(String(mode, radix: 8))"
        case .typeConflict: return "conflicts with another entry (file vs. folder)"
        }
    }
}
