import Dispatch
import Foundation
import HubCore

/// The partial download on disk (owns its file descriptor): appends, hashes as it appends, and
/// holds back the first bytes of a fresh body until they are known to look like an archive.
///
/// Writing stays on libcurl's thread (so a full disk is reported by the very write that hit it), but
/// hashing does not: written bytes are copied into the blocks of a `HashingBlockRing`, hashed on the other
/// core. SHA-256 of 1.7 GB is about a second of CPU, which otherwise held the transfer back.
final class PartialFile {
    let path: String
    private let descriptor: Int32
    private let ring = HashingBlockRing(queue: DispatchQueue(label: "hubctl.download.hash"))
    /// The block being filled with written bytes, and how full it is.
    private var block: UnsafeMutableRawBufferPointer?
    private var blockFill = 0
    /// Bytes on disk (all of them hashed, or queued for hashing).
    private(set) var size: Int64 = 0
    /// First bytes of a fresh body, held until `ArchiveSignature` can decide; nil when not sniffing.
    private var sniffBuffer: [UInt8]?
    /// The full size the current response announced, for "bytes needed" in disk-full errors.
    var expectedTotal: Int64?

    init(path: String) throws(TransportError) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw TransportError.io(path: path, message: String(cString: strerror(errno))) }
        descriptor = fd
        _ = fchmod(fd, 0o644)
        var info = stat()
        if fstat(fd, &info) == 0 { size = Int64(info.st_size) }
    }

    deinit {
        submitBlock()
        close(descriptor)
    }

    /// Queues a copy of `bytes` (just written) for hashing, in order.
    private func hashLater(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let target = block ?? ring.nextBlock()
            block = target
            let count = min(target.count - blockFill, bytes.count - offset)
            (target.baseAddress! + blockFill).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            blockFill += count
            offset += count
            if blockFill == target.count { submitBlock() }
        }
    }

    /// Hands the block being filled to the ring's hash queue.
    private func submitBlock() {
        guard let target = block else { return }
        ring.submit(target, count: blockFill)
        block = nil
        blockFill = 0
    }

    /// Cuts the file to `length` bytes and re-hashes what stays, so hashing continues where writing does.
    func reset(keeping length: Int64) throws(TransportError) {
        let keep = max(0, min(length, size))
        submitBlock()
        if ftruncate(descriptor, off_t(keep)) != 0 || lseek(descriptor, off_t(keep), SEEK_SET) < 0 {
            throw TransportError.io(path: path, message: String(cString: strerror(errno)))
        }
        size = keep
        sniffBuffer = nil
        _ = ring.finalize()
        var offset: Int64 = 0
        while offset < keep {
            let chunk = ring.nextBlock()
            let count = pread(descriptor, chunk.baseAddress, min(chunk.count, Int(keep - offset)), off_t(offset))
            if count < 0 && errno == EINTR {
                ring.release(chunk)
                continue
            }
            guard count > 0 else {
                ring.release(chunk)
                throw TransportError.io(path: path, message: "cannot re-read partial download: \(String(cString: strerror(errno)))")
            }
            ring.submit(chunk, count: count)
            offset += Int64(count)
        }
    }

    /// Starts holding back the first `ArchiveSignature.sniffLength` bytes (only for an empty file).
    func beginSniffing() {
        sniffBuffer = size == 0 ? [] : nil
    }

    /// Appends a chunk of body. Returns false when the held-back start is not an archive.
    func append(_ bytes: UnsafeRawBufferPointer) throws(TransportError) -> Bool {
        if var buffer = sniffBuffer {
            buffer.append(contentsOf: bytes)
            if buffer.count < ArchiveSignature.sniffLength {
                sniffBuffer = buffer
                return true
            }
            sniffBuffer = nil
            guard ArchiveSignature.classify(buffer).isArchive else { return false }
            try write(array: buffer)
            return true
        }
        try write(bytes)
        return true
    }

    /// Decides on a body shorter than the sniff length. Returns false when it is not an archive.
    func finishSniffing() throws(TransportError) -> Bool {
        guard let buffer = sniffBuffer else { return true }
        sniffBuffer = nil
        guard ArchiveSignature.classify(buffer).isArchive else { return false }
        try write(array: buffer)
        return true
    }

    private func write(array: [UInt8]) throws(TransportError) {
        var failure: TransportError?
        array.withUnsafeBytes { raw in
            do throws(TransportError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func write(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == ENOSPC || errno == EDQUOT {
                    let needed = max(Int64(bytes.count - offset), (expectedTotal ?? 0) - size)
                    throw TransportError.diskFull(path: path, needed: needed)
                }
                throw TransportError.io(path: path, message: String(cString: strerror(errno)))
            }
            hashLater(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + written)]))
            offset += written
            size += Int64(written)
        }
    }

    /// The SHA-256 of everything written (resets the running hash; call once at the end).
    func finishDigest() -> String {
        submitBlock()
        return ring.finalize()
    }

    /// Bytes free on the partial file's file system.
    static func freeSpace(near path: String) -> Int64? {
        var info = statvfs()
        let directory = (path as NSString).deletingLastPathComponent
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
