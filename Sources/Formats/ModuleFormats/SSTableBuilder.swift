/// Writes a table in the format `SSTable` reads (uncompressed blocks, masked CRC-32C trailers).
///
/// hubctl never writes checkpoints; this exists so tests and the fuzz harness can build valid tables around
/// chosen contents (and then corrupt them precisely) without TensorFlow.
package struct SSTableBuilder {
    package var restartInterval = 16
    /// Start a new data block once the current one reaches this many bytes (TF uses 256 KiB).
    package var blockSize = 256 * 1024
    private var output: [UInt8] = []
    private var block: [UInt8] = []
    private var restarts: [UInt32] = [0]
    private var countSinceRestart = 0
    private var lastKey: [UInt8] = []
    private var indexEntries: [(key: [UInt8], handle: [UInt8])] = []

    package init() {}

    /// Appends an entry; keys must be added in strictly increasing order.
    package mutating func add(key: [UInt8], value: [UInt8]) {
        var shared = 0
        if block.isEmpty {
            // A block starts at a restart point: its first key is stored whole.
        } else if countSinceRestart < restartInterval {
            while shared < min(lastKey.count, key.count), lastKey[shared] == key[shared] { shared += 1 }
        } else {
            restarts.append(UInt32(block.count))
            countSinceRestart = 0
        }
        Self.appendVarint(UInt64(shared), to: &block)
        Self.appendVarint(UInt64(key.count - shared), to: &block)
        Self.appendVarint(UInt64(value.count), to: &block)
        block.append(contentsOf: key[shared...])
        block.append(contentsOf: value)
        countSinceRestart += 1
        lastKey = key
        if block.count >= blockSize { flushBlock() }
    }

    /// Finishes the table and returns its bytes.
    package mutating func finish() -> [UInt8] {
        if countSinceRestart > 0 || !block.isEmpty { flushBlock() }
        let metaindex = Self.writeBlock(Self.blockContents([], restarts: [0]), to: &output)
        var index: [UInt8] = []
        var indexRestarts: [UInt32] = []
        for entry in indexEntries {
            indexRestarts.append(UInt32(index.count))
            Self.appendVarint(0, to: &index)
            Self.appendVarint(UInt64(entry.key.count), to: &index)
            Self.appendVarint(UInt64(entry.handle.count), to: &index)
            index.append(contentsOf: entry.key)
            index.append(contentsOf: entry.handle)
        }
        if indexRestarts.isEmpty { indexRestarts = [0] }
        let indexHandle = Self.writeBlock(Self.blockContents(index, restarts: indexRestarts), to: &output)
        var footer = metaindex + indexHandle
        footer += [UInt8](repeating: 0, count: 40 - footer.count)
        Self.appendFixed32(UInt32(truncatingIfNeeded: SSTable.magic), to: &footer)
        Self.appendFixed32(UInt32(truncatingIfNeeded: SSTable.magic >> 32), to: &footer)
        return output + footer
    }

    private mutating func flushBlock() {
        let handle = Self.writeBlock(Self.blockContents(block, restarts: restarts), to: &output)
        // The last key itself is a valid separator (>= every key in the block, < the next block's keys).
        indexEntries.append((lastKey, handle))
        block = []
        restarts = [0]
        countSinceRestart = 0
    }

    /// Entries followed by the restart array and its length.
    package static func blockContents(_ entries: [UInt8], restarts: [UInt32]) -> [UInt8] {
        var contents = entries
        for restart in restarts { appendFixed32(restart, to: &contents) }
        appendFixed32(UInt32(restarts.count), to: &contents)
        return contents
    }

    /// Appends contents + type 0 + masked CRC to `output` and returns the encoded BlockHandle.
    @discardableResult
    package static func writeBlock(_ contents: [UInt8], to output: inout [UInt8]) -> [UInt8] {
        var handle: [UInt8] = []
        appendVarint(UInt64(output.count), to: &handle)
        appendVarint(UInt64(contents.count), to: &handle)
        output += contents
        output.append(0)
        appendFixed32(CRC32C.mask(CRC32C.checksum(contents + [0])), to: &output)
        return handle
    }

    /// A complete table whose single data block has exactly `contents` (entries + restarts, unchecked), with
    /// valid trailers, index and footer around it: lets fuzzing and tests reach block decoding past the CRCs.
    package static func table(wrappingDataBlock contents: [UInt8]) -> [UInt8] {
        var table: [UInt8] = []
        let dataHandle = writeBlock(contents, to: &table)
        let metaHandle = writeBlock(blockContents([], restarts: [0]), to: &table)
        var index: [UInt8] = [0, 1, UInt8(dataHandle.count), 0xFF]
        index += dataHandle
        let indexHandle = writeBlock(blockContents(index, restarts: [0]), to: &table)
        var footer = metaHandle + indexHandle
        footer += [UInt8](repeating: 0, count: 40 - footer.count)
        appendFixed32(UInt32(truncatingIfNeeded: SSTable.magic), to: &footer)
        appendFixed32(UInt32(truncatingIfNeeded: SSTable.magic >> 32), to: &footer)
        return table + footer
    }

    package static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    package static func appendFixed32(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
