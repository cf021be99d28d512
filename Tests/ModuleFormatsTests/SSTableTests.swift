import ModuleFormats
import Testing

@Suite("SSTable index reader")
struct SSTableTests {
    let tfIndex = Fixtures.formats + "/dtypes/variables.index"

    func build(_ keys: [String], blockSize: Int = 256 * 1024) -> [UInt8] {
        var builder = SSTableBuilder()
        builder.blockSize = blockSize
        for key in keys { builder.add(key: Array(key.utf8), value: Array("v:\(key)".utf8)) }
        return builder.finish()
    }

    @Test("a TensorFlow-written index lists the header key then every tensor in sorted order")
    func tensorflowIndex() throws {
        let table = try SSTable(path: tfIndex)
        let keys = table.entries.map { String(decoding: $0.key, as: UTF8.self) }
        let expected = (try Fixtures.formatsExpected()["dtypes"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(expected.count == 13)
        #expect(keys == [""] + expected)
    }

    @Test("many keys over many small blocks come back in order with prefix compression undone")
    func manyBlocks() throws {
        let keys = (0..<2000).map { "layer_\($0 / 100)/cell_\($0 % 100)/weights" }.sorted()
        let bytes = build(keys, blockSize: 512)
        let table = try SSTable(bytes: bytes, file: "many.index")
        #expect(table.entries.map { String(decoding: $0.key, as: UTF8.self) } == keys)
        #expect(table.entries.map { String(decoding: bytes[$0.value], as: UTF8.self) } == keys.map { "v:\($0)" })
    }

    @Test("every truncation of a TensorFlow index is an error, never a crash")
    func truncations() throws {
        let bytes = try Bytes.read(tfIndex)
        for length in 0..<bytes.count {
            #expect(throws: FormatError.self, "length \(length)") {
                _ = try SSTable(bytes: Array(bytes[..<length]), file: "cut.index")
            }
        }
    }

    @Test("flipping any byte is detected, or (footer padding only) leaves the entries unchanged")
    func byteFlips() throws {
        let bytes = try Bytes.read(tfIndex)
        let original = try SSTable(bytes: bytes, file: "ok.index").entries.map(\.key)
        var detected = 0
        for position in 0..<bytes.count {
            var flipped = bytes
            flipped[position] ^= 0x20
            do {
                let table = try SSTable(bytes: flipped, file: "flip.index")
                #expect(table.entries.map(\.key) == original, "flip at \(position) changed the keys silently")
            } catch {
                detected += 1
            }
        }
        // Only the zero padding between the footer's two handles and the magic may be ignored.
        #expect(detected >= bytes.count - 40)
    }

    @Test("a corrupted data block names the block and both checksums")
    func checksumMessage() throws {
        var bytes = try Bytes.read(tfIndex)
        bytes[3] ^= 0xFF
        do {
            _ = try SSTable(bytes: bytes, file: "bad.index")
            Issue.record("corruption not detected")
        } catch {
            guard case .checksumMismatch(let file, let what, _, _) = error else {
                Issue.record("expected a checksum error, got \(error)"); return
            }
            #expect(file == "bad.index")
            #expect(what == "data block at 0")
            #expect(error.description.hasPrefix("bad.index: CRC-32C mismatch for data block at 0"))
        }
    }

    @Test("a Snappy-compressed block is refused with a clear message")
    func snappy() throws {
        // A one-entry data block whose trailer says type 1, with a CRC that is correct for that type byte.
        var table: [UInt8] = []
        let contents = SSTableBuilder.blockContents([0, 1, 1, 0x61, 0x78], restarts: [0])
        table += contents
        table.append(1)  // Snappy
        SSTableBuilder.appendFixed32(CRC32C.mask(CRC32C.checksum(contents + [1])), to: &table)
        var index: [UInt8] = [0, 1, 2, 0x62, 0, UInt8(contents.count)]
        index = SSTableBuilder.blockContents(index, restarts: [0])
        let indexHandle = SSTableBuilder.writeBlock(index, to: &table)
        let metaHandle = SSTableBuilder.writeBlock(SSTableBuilder.blockContents([], restarts: [0]), to: &table)
        var footer = metaHandle + indexHandle
        footer += [UInt8](repeating: 0, count: 40 - footer.count)
        footer += [0x57, 0xFB, 0x80, 0x8B, 0x24, 0x75, 0x47, 0xDB]
        let bytes = table + footer
        #expect(throws: FormatError.unsupported(file: "snappy.index",
                                                reason: "data block at 0 is Snappy-compressed; only uncompressed tables are read")) {
            _ = try SSTable(bytes: bytes, file: "snappy.index")
        }
    }

    @Test("the magic number is checked")
    func magic() throws {
        var bytes = build(["a"])
        bytes[bytes.count - 1] = 0
        #expect(throws: FormatError.malformed(file: "m.index", offset: bytes.count - 8, reason: "bad SSTable magic number")) {
            _ = try SSTable(bytes: bytes, file: "m.index")
        }
    }

    @Test("keys out of order, oversized shared prefixes and bad restarts are malformed")
    func badBlocks() throws {
        func table(block entries: [UInt8], restarts: [UInt32] = [0]) -> [UInt8] {
            var table: [UInt8] = []
            let data = SSTableBuilder.writeBlock(SSTableBuilder.blockContents(entries, restarts: restarts), to: &table)
            let meta = SSTableBuilder.writeBlock(SSTableBuilder.blockContents([], restarts: [0]), to: &table)
            let index = SSTableBuilder.writeBlock(
                SSTableBuilder.blockContents([0, 1, UInt8(data.count), 0x7A] + data, restarts: [0]), to: &table)
            var footer = meta + index
            footer += [UInt8](repeating: 0, count: 40 - footer.count)
            return table + footer + [0x57, 0xFB, 0x80, 0x8B, 0x24, 0x75, 0x47, 0xDB]
        }
        // "b" then "a": not increasing.
        let unordered = table(block: [0, 1, 0, 0x62, 0, 1, 0, 0x61])
        #expect(throws: FormatError.self) { _ = try SSTable(bytes: unordered, file: "x") }
        // Second entry claims 5 shared bytes of a 1-byte key.
        let overShared = table(block: [0, 1, 0, 0x61, 5, 1, 0, 0x62])
        #expect(throws: FormatError.self) { _ = try SSTable(bytes: overShared, file: "x") }
        // Restart pointing into the middle of an entry.
        let badRestart = table(block: [0, 1, 0, 0x61, 0, 1, 0, 0x62], restarts: [0, 2])
        #expect(throws: FormatError.self) { _ = try SSTable(bytes: badRestart, file: "x") }
        // More restarts claimed than fit in the block.
        var hugeCount = SSTableBuilder.blockContents([0, 1, 0, 0x61], restarts: [0])
        hugeCount.replaceSubrange((hugeCount.count - 4)..., with: [0xFF, 0xFF, 0xFF, 0x7F])
        var raw: [UInt8] = []
        let data = SSTableBuilder.writeBlock(hugeCount, to: &raw)
        let meta = SSTableBuilder.writeBlock(SSTableBuilder.blockContents([], restarts: [0]), to: &raw)
        let index = SSTableBuilder.writeBlock(SSTableBuilder.blockContents([0, 1, UInt8(data.count), 0x7A] + data, restarts: [0]), to: &raw)
        var footer = meta + index
        footer += [UInt8](repeating: 0, count: 40 - footer.count)
        #expect(throws: FormatError.self) {
            _ = try SSTable(bytes: raw + footer + [0x57, 0xFB, 0x80, 0x8B, 0x24, 0x75, 0x47, 0xDB], file: "x")
        }
        // The well-formed version of the same block is accepted.
        #expect(try SSTable(bytes: table(block: [0, 1, 0, 0x61, 0, 1, 0, 0x62]), file: "x").entries.count == 2)
    }
}
