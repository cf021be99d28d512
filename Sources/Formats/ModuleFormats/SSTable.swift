/// A reader for the LevelDB-style sorted string table that TensorFlow uses as a TensorBundle's `.index` file.
///
/// The table is small (a few hundred KB for 1.4k tensors), so it is parsed whole: footer and magic, the
/// metaindex and index blocks, then every data block, each checked against its masked CRC-32C trailer.
/// Keys come out in file order and must be strictly increasing, as the writer guarantees.
package struct SSTable {
    /// One key/value pair; the value is a range into `bytes`.
    package struct Entry: Sendable {
        package let key: [UInt8]
        package let value: Range<Int>
    }

    /// Location of a block inside the file (`size` excludes the 5-byte trailer).
    package struct BlockHandle: Sendable, Equatable {
        package let offset: UInt64
        package let size: UInt64
    }

    /// 0xdb4775248b80fb57 as LevelDB/TensorFlow write it (low word first).
    package static let magic: UInt64 = 0xDB47_7524_8B80_FB57
    package static let footerSize = 48
    static let blockTrailerSize = 5

    package let file: String
    package let bytes: [UInt8]
    package let entries: [Entry]

    /// Parses the table in `bytes`; `file` names it in errors.
    package init(bytes: [UInt8], file: String) throws(FormatError) {
        self.file = file
        self.bytes = bytes
        guard bytes.count >= Self.footerSize else {
            throw .truncated(file: file, offset: bytes.count, what: "SSTable footer (file is \(bytes.count) bytes, needs \(Self.footerSize))")
        }
        let footerStart = bytes.count - Self.footerSize
        var magicReader = ProtobufReader(bytes: bytes, range: (bytes.count - 8)..<bytes.count, file: file)
        let low = UInt64(try magicReader.readFixed32())
        let high = UInt64(try magicReader.readFixed32())
        guard high << 32 | low == Self.magic else {
            throw .malformed(file: file, offset: bytes.count - 8, reason: "bad SSTable magic number")
        }
        var handles = ProtobufReader(bytes: bytes, range: footerStart..<(bytes.count - 8), file: file)
        let metaindex = try Self.readHandle(&handles)
        let index = try Self.readHandle(&handles)

        // The metaindex is empty for bundles but is still a checksummed block; verify it and ignore its entries.
        _ = try Self.blockEntries(bytes: bytes, handle: metaindex, limit: footerStart, file: file, what: "metaindex block")
        let indexEntries = try Self.blockEntries(bytes: bytes, handle: index, limit: footerStart, file: file, what: "index block")

        var entries: [Entry] = []
        var previousKey: [UInt8]? = nil
        for indexEntry in indexEntries {
            var valueReader = ProtobufReader(bytes: bytes, range: indexEntry.value, file: file)
            let handle = try Self.readHandle(&valueReader)
            let blockEntries = try Self.blockEntries(bytes: bytes, handle: handle, limit: footerStart, file: file,
                                                     what: "data block at \(handle.offset)")
            for entry in blockEntries {
                if let previousKey, !Self.isLess(previousKey, entry.key) {
                    throw .malformed(file: file, offset: entry.value.lowerBound, reason: "keys are not in strictly increasing order")
                }
                previousKey = entry.key
                entries.append(entry)
            }
        }
        self.entries = entries
    }

    /// Reads a file and parses it as a table.
    package init(path: String) throws(FormatError) {
        try self.init(bytes: try FileBytes.contents(of: path), file: path)
    }

    static func readHandle(_ reader: inout ProtobufReader) throws(FormatError) -> BlockHandle {
        let offset = try reader.readVarint()
        let size = try reader.readVarint()
        return BlockHandle(offset: offset, size: size)
    }

    static func isLess(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.lexicographicallyPrecedes(rhs)
    }

    /// Checks a block's bounds, trailer type and checksum, then decodes its prefix-compressed entries.
    static func blockEntries(bytes: [UInt8], handle: BlockHandle, limit: Int, file: String,
                             what: String) throws(FormatError) -> [Entry] {
        let limit64 = UInt64(limit)
        guard handle.offset <= limit64, handle.size <= limit64 - handle.offset,
              UInt64(blockTrailerSize) <= limit64 - handle.offset - handle.size else {
            throw .malformed(file: file, offset: limit,
                             reason: "\(what) (offset \(handle.offset), size \(handle.size)) extends past the end of the data")
        }
        let start = Int(handle.offset)
        let end = start + Int(handle.size)
        let type = bytes[end]
        var trailer = ProtobufReader(bytes: bytes, range: (end + 1)..<(end + 5), file: file)
        let stored = try trailer.readFixed32()
        let actual = CRC32C.checksum(bytes[start...end])  // contents plus the type byte
        guard CRC32C.unmask(stored) == actual else {
            throw .checksumMismatch(file: file, what: what, expected: CRC32C.unmask(stored), actual: actual)
        }
        switch type {
        case 0: break
        case 1: throw .unsupported(file: file, reason: "\(what) is Snappy-compressed; only uncompressed tables are read")
        default: throw .malformed(file: file, offset: end, reason: "\(what) has unknown compression type \(type)")
        }
        return try decodeBlock(bytes: bytes, range: start..<end, file: file, what: what)
    }

    /// Decodes the entries and restart array of one uncompressed block.
    static func decodeBlock(bytes: [UInt8], range: Range<Int>, file: String, what: String) throws(FormatError) -> [Entry] {
        guard range.count >= 4 else {
            throw .truncated(file: file, offset: range.lowerBound, what: "\(what): restart count")
        }
        var countReader = ProtobufReader(bytes: bytes, range: (range.upperBound - 4)..<range.upperBound, file: file)
        let restartCount = Int(try countReader.readFixed32())
        guard restartCount <= (range.count - 4) / 4 else {
            throw .malformed(file: file, offset: range.upperBound - 4,
                             reason: "\(what): \(restartCount) restart points do not fit in a \(range.count)-byte block")
        }
        let dataEnd = range.upperBound - 4 - 4 * restartCount
        var restarts: [Int] = []
        restarts.reserveCapacity(restartCount)
        var restartReader = ProtobufReader(bytes: bytes, range: dataEnd..<(range.upperBound - 4), file: file)
        for _ in 0..<restartCount {
            let restart = Int(try restartReader.readFixed32())
            guard restart < dataEnd - range.lowerBound || (restart == 0 && dataEnd == range.lowerBound),
                  restarts.last.map({ $0 < restart }) ?? true else {
                throw .malformed(file: file, offset: restartReader.position - 4, reason: "\(what): invalid restart offset \(restart)")
            }
            restarts.append(restart)
        }
        if dataEnd > range.lowerBound && restarts.first != 0 {
            throw .malformed(file: file, offset: dataEnd, reason: "\(what): the first restart point must be 0")
        }

        var entries: [Entry] = []
        var reader = ProtobufReader(bytes: bytes, range: range.lowerBound..<dataEnd, file: file)
        var key: [UInt8] = []
        var nextRestart = 0
        while !reader.isAtEnd {
            let entryOffset = reader.position
            let shared = try reader.readVarint()
            let nonShared = try reader.readVarint()
            let valueLength = try reader.readVarint()
            guard shared <= UInt64(key.count) else {
                throw .malformed(file: file, offset: entryOffset,
                                 reason: "\(what): entry shares \(shared) bytes with a \(key.count)-byte previous key")
            }
            if nextRestart < restarts.count, entryOffset - range.lowerBound == restarts[nextRestart] {
                guard shared == 0 else {
                    throw .malformed(file: file, offset: entryOffset, reason: "\(what): restart entry has a shared prefix")
                }
                nextRestart += 1
            }
            let remaining = UInt64(dataEnd - reader.position)
            guard nonShared <= remaining, valueLength <= remaining - nonShared else {
                throw .truncated(file: file, offset: entryOffset, what: "\(what): entry key and value")
            }
            key.removeSubrange(Int(shared)...)
            let keyStart = reader.position
            key.append(contentsOf: bytes[keyStart..<(keyStart + Int(nonShared))])
            let valueStart = keyStart + Int(nonShared)
            let value = valueStart..<(valueStart + Int(valueLength))
            // Skip past key and value through the reader so the position stays consistent.
            reader = ProtobufReader(bytes: bytes, range: value.upperBound..<dataEnd, file: file)
            entries.append(Entry(key: key, value: value))
        }
        // An empty block (the metaindex) has the single restart 0 and no entry for it to point at.
        guard nextRestart == restarts.count || (entries.isEmpty && restarts == [0]) else {
            throw .malformed(file: file, offset: dataEnd, reason: "\(what): a restart point does not start an entry")
        }
        return entries
    }
}
