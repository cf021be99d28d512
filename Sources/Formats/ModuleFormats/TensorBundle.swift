import Foundation

/// A TensorFlow V2 checkpoint (`<prefix>.index` + `<prefix>.data-0000k-of-0000n`) opened for reading.
///
/// The index is parsed eagerly; the data files are memory-mapped, so a 1.9 GB bundle costs address space,
/// not heap. Each tensor's CRC-32C is checked the first time its bytes are handed out, and the returned
/// buffers point into the mapping: they stay valid as long as this object lives.
public final class TensorBundle: @unchecked Sendable {
    // @unchecked: the mappings are read-only; the mutable caches are guarded by `lock`.
    public let prefix: String
    public let index: BundleIndex
    private let shards: [MappedFile]
    private let lock = NSLock()
    private var verified: Set<String> = []
    /// Aligned copies of tensors whose offset in the data file is not a multiple of their element size.
    private var alignedCopies: [String: UnsafeMutableRawBufferPointer] = [:]

    /// Opens the bundle at `prefix` (for example `<module>/variables/variables`) and maps its data files.
    public init(prefix: String) throws(FormatError) {
        self.prefix = prefix
        let index = try BundleIndex(prefix: prefix)
        self.index = index
        var shards: [MappedFile] = []
        for shard in 0..<index.numShards {
            shards.append(try MappedFile(path: BundleIndex.dataPath(prefix: prefix, shard: shard, of: index.numShards)))
        }
        self.shards = shards
        for entry in index.entries where !entry.isSliced {
            let fileSize = shards[entry.shardID].bytes.count
            guard entry.offset <= fileSize, entry.size <= fileSize - entry.offset else {
                throw .truncated(file: shards[entry.shardID].path, offset: fileSize,
                                 what: "tensor '\(entry.name)' (bytes \(entry.offset)..<\(entry.offset + entry.size))")
            }
        }
    }

    deinit {
        for copy in alignedCopies.values { copy.deallocate() }
    }

    /// All entries in key order.
    public var entries: [BundleEntry] { index.entries }

    /// The entry named `name`.
    public func entry(_ name: String) throws(FormatError) -> BundleEntry {
        guard let entry = index[name] else { throw .noSuchTensor(prefix: prefix, name: name) }
        return entry
    }

    /// The raw bytes of a tensor, CRC-checked on first access.
    public func bytes(_ name: String) throws(FormatError) -> UnsafeRawBufferPointer {
        let entry = try entry(name)
        guard !entry.isSliced else {
            throw .unsupported(file: index.path, reason: "tensor '\(name)' is partitioned into slices")
        }
        let file = shards[entry.shardID]
        guard entry.offset <= file.bytes.count, entry.size <= file.bytes.count - entry.offset else {
            throw .truncated(file: file.path, offset: file.bytes.count, what: "tensor '\(name)'")
        }
        let slice = UnsafeRawBufferPointer(rebasing: file.bytes[entry.offset..<(entry.offset + entry.size)])
        lock.lock()
        let known = verified.contains(name)
        lock.unlock()
        if !known {
            let actual = entry.dtype == .string ? try stringChecksum(entry, slice, file: file.path) : CRC32C.checksum(slice)
            guard actual == entry.crc32c else {
                throw .checksumMismatch(file: file.path, what: "tensor '\(name)'", expected: entry.crc32c, actual: actual)
            }
            lock.lock()
            verified.insert(name)
            lock.unlock()
        }
        return slice
    }

    /// The entry checksum of a DT_STRING tensor, which TensorFlow computes over the element lengths as fixed
    /// little-endian uint32 (uint64 above 4 GiB), not over their varint bytes, then the stored length CRC and
    /// the element bytes.
    private func stringChecksum(_ entry: BundleEntry, _ slice: UnsafeRawBufferPointer, file: String) throws(FormatError) -> UInt32 {
        var reader = ProtobufReader(bytes: [UInt8](slice), file: file)
        var crc: UInt32 = 0
        for _ in 0..<entry.elementCount {
            let length = try reader.readVarint()
            if length <= UInt64(UInt32.max) {
                crc = withUnsafeBytes(of: UInt32(length).littleEndian) { CRC32C.checksum($0, continuing: crc) }
            } else {
                crc = withUnsafeBytes(of: length.littleEndian) { CRC32C.checksum($0, continuing: crc) }
            }
        }
        let rest = reader.position
        guard rest <= slice.count else { throw .truncated(file: file, offset: entry.offset + rest, what: "string tensor '\(entry.name)'") }
        return CRC32C.checksum(UnsafeRawBufferPointer(rebasing: slice[rest...]), continuing: crc)
    }

    /// A float32 tensor's values, in row-major order, pointing into the mapping (or an aligned copy).
    /// The buffer is only valid while this bundle is alive: hold the bundle (or use `withExtendedLifetime`)
    /// for as long as the values are read.
    public func floats(_ name: String) throws(FormatError) -> UnsafeBufferPointer<Float> {
        try typed(name, as: Float.self, dtype: .float)
    }

    /// A tensor's values as `T`, after checking the stored dtype is `dtype` (and the byte order is native).
    public func typed<T: BitwiseCopyable>(_ name: String, as type: T.Type, dtype: TensorDataType) throws(FormatError) -> UnsafeBufferPointer<T> {
        let entry = try entry(name)
        guard entry.dtype == dtype else {
            throw .typeMismatch(prefix: prefix, name: name, reason: "stored as \(entry.dtype), read as \(dtype)")
        }
        guard index.endianness == .little else {
            throw .unsupported(file: index.path, reason: "big-endian bundle data")
        }
        guard entry.size == entry.elementCount * MemoryLayout<T>.stride else {
            throw .typeMismatch(prefix: prefix, name: name,
                                reason: "\(entry.size) bytes for \(entry.elementCount) elements of \(MemoryLayout<T>.stride) bytes")
        }
        let raw = try bytes(name)
        if entry.elementCount == 0 { return UnsafeBufferPointer(start: nil, count: 0) }
        if Int(bitPattern: raw.baseAddress) % MemoryLayout<T>.alignment == 0 {
            return raw.assumingMemoryBound(to: T.self)
        }
        lock.lock()
        defer { lock.unlock() }
        let copy: UnsafeMutableRawBufferPointer
        if let existing = alignedCopies[name] {
            copy = existing
        } else {
            copy = UnsafeMutableRawBufferPointer.allocate(byteCount: raw.count, alignment: MemoryLayout<T>.alignment)
            copy.copyMemory(from: raw)
            alignedCopies[name] = copy
        }
        return UnsafeBufferPointer(copy.bindMemory(to: T.self))
    }

    /// The elements of a DT_STRING tensor: varint lengths, a masked CRC of the lengths, then the bytes.
    public func strings(_ name: String) throws(FormatError) -> [[UInt8]] {
        let entry = try entry(name)
        guard entry.dtype == .string else {
            throw .typeMismatch(prefix: prefix, name: name, reason: "stored as \(entry.dtype), read as string")
        }
        let raw = try bytes(name)
        let bytes = [UInt8](raw)
        let file = shards[entry.shardID].path
        var reader = ProtobufReader(bytes: bytes, file: file)
        var lengths: [UInt64] = []
        var lengthCRC: UInt32 = 0
        for _ in 0..<entry.elementCount {
            let length = try reader.readVarint()
            lengths.append(length)
            if length <= UInt64(UInt32.max) {
                var little = UInt32(length).littleEndian
                lengthCRC = withUnsafeBytes(of: &little) { CRC32C.checksum($0, continuing: lengthCRC) }
            } else {
                var little = length.littleEndian
                lengthCRC = withUnsafeBytes(of: &little) { CRC32C.checksum($0, continuing: lengthCRC) }
            }
        }
        let storedCRC = CRC32C.unmask(try reader.readFixed32())
        guard storedCRC == lengthCRC else {
            throw .checksumMismatch(file: file, what: "string lengths of '\(name)'", expected: storedCRC, actual: lengthCRC)
        }
        var values: [[UInt8]] = []
        var position = reader.position
        for length in lengths {
            guard length <= UInt64(bytes.count - position) else {
                throw .truncated(file: file, offset: entry.offset + position, what: "string element of '\(name)'")
            }
            values.append(Array(bytes[position..<(position + Int(length))]))
            position += Int(length)
        }
        return values
    }

    /// Reads every tensor once, checking its CRC-32C; returns the number of bytes checked.
    @discardableResult
    public func verifyAll() throws(FormatError) -> Int {
        var total = 0
        for entry in index.entries where !entry.isSliced {
            total += try bytes(entry.name).count
        }
        return total
    }
}
