import CArchive
import Dispatch
import Foundation
import HubCore

/// Feeds libarchive the bytes of an archive file and SHA-256 hashes them on the unpacking writer's
/// thread, so a local archive is read once for both its checksum and its contents: the separate
/// hashing pass cost a whole extra read of the file (1.7 GB for the full AmoebaNet module).
///
/// libarchive reads blocks in order through `archive_read_set_read_callback`. A block must stay
/// valid until libarchive asks for the next one and until it is hashed, so blocks come from a
/// `HashingBlockRing`. If libarchive seeks (the zip reader does, to find the central directory), the
/// running hash no longer matches the file, and `digest()` returns nil so the caller hashes the file
/// separately.
final class HashingArchiveInput {
    let path: String
    private let fd: Int32
    private let ring: HashingBlockRing
    private var sequential = true
    /// Why the last read or seek failed, for the reader's error message (libarchive's own setter is
    /// variadic C, which Swift cannot call).
    private(set) var failure: String?

    /// Opens `path` for reading; hash jobs run on `queue` (serial), in read order.
    init(path: String, queue: DispatchQueue) throws(ArchiveError) {
        self.path = path
        ring = HashingBlockRing(queue: queue)
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ArchiveError.io(path: path, message: String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    /// Installs the read and seek callbacks on `archive` and opens it. The archive must not outlive
    /// this object.
    func attach(to archive: OpaquePointer) -> Int32 {
        archive_read_set_callback_data(archive, Unmanaged.passUnretained(self).toOpaque())
        archive_read_set_read_callback(archive) { _, data, buffer in
            Unmanaged<HashingArchiveInput>.fromOpaque(data!).takeUnretainedValue().supply(buffer)
        }
        archive_read_set_seek_callback(archive) { _, data, offset, whence in
            Unmanaged<HashingArchiveInput>.fromOpaque(data!).takeUnretainedValue().reposition(offset, whence)
        }
        return archive_read_open1(archive)
    }

    /// The SHA-256 of the whole file, after reading whatever libarchive left unread (a tar's padding
    /// after its end marker); nil when libarchive seeked, or on a read error.
    func digest() -> String? {
        guard sequential else { return nil }
        while true {
            guard let (block, count) = fill() else { return nil }
            if count == 0 { break }
            ring.submit(block, count: count)
        }
        return ring.finalize()
    }

    /// Reads the next block of the file into the ring; nil on error. A block of 0 bytes (the end) is
    /// released at once.
    private func fill() -> (UnsafeMutableRawBufferPointer, Int)? {
        let block = ring.nextBlock()
        while true {
            let count = read(fd, block.baseAddress, block.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { ring.release(block) }
            if count < 0 {
                failure = "read \(path): \(String(cString: strerror(errno)))"
                return nil
            }
            return (block, count)
        }
    }

    /// libarchive's read callback: the next block, hashed in the background while still sequential.
    private func supply(_ buffer: UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int {
        guard let (block, count) = fill() else { return -1 }
        buffer?.pointee = UnsafeRawPointer(block.baseAddress)
        if count > 0 {
            // Not hashing any more: the block is freed at once, yet stays intact until libarchive asks for
            // the next one, because the ring hands out the other blocks first.
            if sequential { ring.submit(block, count: count) } else { ring.release(block) }
        }
        return count
    }

    /// libarchive's seek callback: after any seek the running hash is abandoned.
    private func reposition(_ offset: Int64, _ whence: Int32) -> Int64 {
        sequential = false
        let position = lseek(fd, off_t(offset), whence)
        if position < 0 { failure = "seek \(path): \(String(cString: strerror(errno)))" }
        return Int64(position)
    }
}
