import Dispatch
import Foundation
import HubCore

/// Hashes and writes one extracted file on a second thread while the extractor inflates the next
/// block, so unpacking uses both cores: inflating is one core's work, SHA-256 plus `write(2)` the
/// other's. Two buffers alternate; the producer blocks only when both are still being written.
///
/// Used by one extractor at a time; `@unchecked Sendable` because the writer thread only touches
/// the buffer it was handed, the hasher and the fd, and `failure` is guarded by `lock`.
final class FileSink: @unchecked Sendable {
    static let blockSize = 1 << 20
    private let buffers: [UnsafeMutableRawBufferPointer]
    private var next = 0
    private let free = DispatchSemaphore(value: 2)
    /// The writer's serial queue; `HashingArchiveInput` hashes the archive's own bytes on it too.
    let queue = DispatchQueue(label: "hubctl.unpack.writer")
    private let lock = NSLock()
    private var failure: ArchiveError?
    private let hasher = SHA256Hasher()
    private var fd: Int32 = -1
    private var path = ""

    init() {
        buffers = (0..<2).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: Self.blockSize, alignment: 64) }
    }

    deinit {
        queue.sync {}
        for buffer in buffers { buffer.deallocate() }
    }

    /// Starts a new file; the previous one must have been finished.
    func begin(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// A buffer to fill with the next block; waits while both are in flight. Throws the writer's
    /// error (disk full, I/O) as soon as it is known.
    func nextBuffer() throws(ArchiveError) -> UnsafeMutableRawBufferPointer {
        free.wait()
        if let error = currentFailure() {
            free.signal()
            throw error
        }
        let buffer = buffers[next]
        next ^= 1
        return buffer
    }

    /// Hands the first `count` bytes of `buffer` (from `nextBuffer`) to the writer thread.
    func submit(_ buffer: UnsafeMutableRawBufferPointer, count: Int) {
        guard count > 0 else {
            free.signal()
            return
        }
        // The buffer stays ours until the writer signals `free`, so handing its address over is safe.
        nonisolated(unsafe) let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
        queue.async { [self] in
            defer { free.signal() }
            guard currentFailure() == nil else { return }
            hasher.update(chunk)
            do throws(ArchiveError) {
                try Self.writeAll(fd: fd, chunk, path: path)
            } catch {
                record(error)
            }
        }
    }

    /// Waits for the file's last block, makes it durable and returns its SHA-256.
    func finish() throws(ArchiveError) -> String {
        queue.sync {}
        let digest = hasher.finalize()
        if let error = currentFailure() { throw error }
        // Durable before the caller renames the folder into place and marks it ready.
        if fsync(fd) != 0 { throw ArchiveError.io(path: path, message: String(cString: strerror(errno))) }
        return digest
    }

    /// Drops whatever is in flight after an error elsewhere (the caller closes the fd).
    func abandon() {
        queue.sync {}
        _ = hasher.finalize()
        lock.lock()
        failure = nil
        lock.unlock()
    }

    private func currentFailure() -> ArchiveError? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    private func record(_ error: ArchiveError) {
        lock.lock()
        if failure == nil { failure = error }
        lock.unlock()
    }

    static func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(ArchiveError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == ENOSPC || errno == EDQUOT { throw ArchiveError.diskFull(path: path) }
                throw ArchiveError.io(path: path, message: String(cString: strerror(errno)))
            }
            offset += written
        }
    }
}
