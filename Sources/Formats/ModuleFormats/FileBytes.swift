#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small files (indexes, protobufs) whole, with POSIX calls so failures keep their errno.
package enum FileBytes {
    /// Refuse metadata files larger than this: a `saved_model.pb` is a few MB, an index a few hundred KB.
    package static let defaultLimit = 1 << 30

    /// Whether a regular file exists at `path`.
    package static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether a directory exists at `path`.
    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Opens `path` read-only and returns the descriptor (the caller closes it) and the file's size;
    /// anything but a regular file is refused, so a FIFO or device can never block or flood a reader.
    package static func openRegularFile(_ path: String) throws(FormatError) -> (descriptor: Int32, size: Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let error = errno
            close(descriptor)
            throw .io(path: path, operation: "fstat", errno: error)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .io(path: path, operation: "open (not a regular file)", errno: EINVAL)
        }
        return (descriptor, Int(info.st_size))
    }

    /// The size of the file at `path`.
    package static func size(_ path: String) throws(FormatError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .io(path: path, operation: "stat", errno: errno) }
        return Int(info.st_size)
    }

    /// The whole content of the file at `path`.
    package static func contents(of path: String, limit: Int = defaultLimit) throws(FormatError) -> [UInt8] {
        let (descriptor, size) = try openRegularFile(path)
        defer { close(descriptor) }
        guard size <= limit else { throw .unsupported(file: path, reason: "file of \(size) bytes is over the \(limit)-byte limit") }
        // Uninitialised storage: zeroing a few MB first would cost as much as reading them.
        var failure: Int32 = 0
        let result = [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
            var filled = 0
            while filled < size {
                let count = read(descriptor, buffer.baseAddress! + filled, size - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if count == 0 { break }
                filled += count
            }
            initializedCount = filled
        }
        if failure != 0 { throw .io(path: path, operation: "read", errno: failure) }
        return result
    }
}
