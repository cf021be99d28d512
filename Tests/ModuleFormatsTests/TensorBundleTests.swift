import Foundation
import ModuleFormats
import Testing

@Suite("TensorBundle reader")
struct TensorBundleTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    /// Compares every tensor of a TF-written bundle with TensorFlow's own read-back (exact equality:
    /// both sides hold the same stored bits, widened to Double/Int64 for the JSON).
    func checkAgainstTensorFlow(prefix: String, expected: [[String: Any]]) throws {
        let bundle = try TensorBundle(prefix: prefix)
        #expect(bundle.entries.map(\.name) == expected.compactMap { $0["name"] as? String })
        for tensor in expected {
            let name = try #require(tensor["name"] as? String)
            let entry = try bundle.entry(name)
            #expect(entry.dtype.name == tensor["dtype"] as? String, "\(name)")
            #expect(entry.shape.dimensions == tensor["shape"] as? [Int], "\(name)")
            let values = try #require(tensor["values"] as? [Any])
            // JSONSerialization may round through Decimal; re-read numbers from their JSON text exactly.
            let doubles = values.compactMap { ($0 as? NSNumber).flatMap { Double("\($0)") } }
            let integers = values.compactMap { ($0 as? NSNumber)?.int64Value }
            switch entry.dtype {
            case .float: #expect(try bundle.floats(name).map(Double.init) == doubles, "\(name)")
            case .double: #expect(Array(try bundle.typed(name, as: Double.self, dtype: .double)) == doubles)
            case .int32: #expect(try bundle.typed(name, as: Int32.self, dtype: .int32).map(Int64.init) == integers)
            case .int64: #expect(Array(try bundle.typed(name, as: Int64.self, dtype: .int64)) == integers)
            case .uint8: #expect(try bundle.typed(name, as: UInt8.self, dtype: .uint8).map(Int64.init) == integers)
            case .int8: #expect(try bundle.typed(name, as: Int8.self, dtype: .int8).map(Int64.init) == integers)
            case .int16: #expect(try bundle.typed(name, as: Int16.self, dtype: .int16).map(Int64.init) == integers)
            case .bool: #expect(try bundle.typed(name, as: UInt8.self, dtype: .bool).map(Int64.init) == integers)
            case .bfloat16:
                let bits = try bundle.typed(name, as: UInt16.self, dtype: .bfloat16)
                #expect(bits.map { Double(Float(bitPattern: UInt32($0) << 16)) } == doubles)
            case .half:
                let bits = try bundle.typed(name, as: UInt16.self, dtype: .half)
                #expect(bits.map { Double(Float(Float16(bitPattern: $0))) } == doubles)
            case .string:
                let hex = try bundle.strings(name).map { $0.map { String(format: "%02x", $0) }.joined() }
                #expect(hex == values.compactMap { $0 as? String }, "\(name)")
            default:
                Issue.record("unexpected dtype \(entry.dtype) for \(name)")
            }
        }
        #expect(try bundle.verifyAll() == bundle.entries.reduce(0) { $0 + $1.size })
    }

    @Test("every dtype TensorFlow wrote reads back with TensorFlow's values")
    func dtypes() throws {
        let expected = try #require(try Fixtures.formatsExpected()["dtypes"] as? [[String: Any]])
        try checkAgainstTensorFlow(prefix: Fixtures.formats + "/dtypes/variables", expected: expected)
    }

    @Test("a two-shard bundle made by MergeV2Checkpoints reads from both data files")
    func shards() throws {
        let expected = try #require(try Fixtures.formatsExpected()["sharded"] as? [[String: Any]])
        let prefix = Fixtures.formats + "/sharded/variables"
        try checkAgainstTensorFlow(prefix: prefix, expected: expected)
        let bundle = try TensorBundle(prefix: prefix)
        #expect(bundle.index.numShards == 2)
        #expect(Set(bundle.entries.map(\.shardID)) == [0, 1])
        #expect(BundleIndex.dataPath(prefix: "p", shard: 1, of: 2) == "p.data-00001-of-00002")
    }

    @Test("the TF2 object-graph string and variables of a tf.saved_model.save bundle read back")
    func tf2Bundle() throws {
        let model = try #require(try Fixtures.formatsExpected()["tf2_saved_model"] as? [String: Any])
        let expected = try #require(model["variables"] as? [[String: Any]])
        try checkAgainstTensorFlow(prefix: Fixtures.formats + "/tf2_saved_model/variables/variables", expected: expected)
    }

    @Test("a flipped data byte fails that tensor's CRC, leaves the others readable, and fails verifyAll")
    func corruptedData() throws {
        let directory = try scratch.directory("corrupt")
        for suffix in [".index", ".data-00000-of-00001"] {
            _ = try scratch.copy(Fixtures.formats + "/dtypes/variables" + suffix, as: "corrupt/variables" + suffix)
        }
        let prefix = directory + "/variables"
        let clean = try TensorBundle(prefix: prefix)
        let victim = try clean.entry("a/float32")
        var data = try Bytes.read(prefix + ".data-00000-of-00001")
        data[victim.offset + 5] ^= 0x40
        try Bytes.write(data, to: prefix + ".data-00000-of-00001")
        let bundle = try TensorBundle(prefix: prefix)
        do {
            _ = try bundle.floats("a/float32")
            Issue.record("corruption not detected")
        } catch {
            guard case .checksumMismatch(let file, let what, let stored, _) = error else {
                Issue.record("expected a checksum error, got \(error)"); return
            }
            #expect(file == prefix + ".data-00000-of-00001")
            #expect(what == "tensor 'a/float32'")
            #expect(stored == victim.crc32c)
        }
        #expect(try bundle.typed("b/int64", as: Int64.self, dtype: .int64).count == 4)
        #expect(throws: FormatError.self) { try bundle.verifyAll() }
    }

    @Test("a truncated or missing data file is reported when the bundle is opened")
    func truncatedData() throws {
        let directory = try scratch.directory("short")
        _ = try scratch.copy(Fixtures.formats + "/sharded/variables.index", as: "short/variables.index")
        _ = try scratch.copy(Fixtures.formats + "/sharded/variables.data-00000-of-00002", as: "short/variables.data-00000-of-00002")
        let prefix = directory + "/variables"
        #expect(throws: FormatError.io(path: prefix + ".data-00001-of-00002", operation: "open", errno: ENOENT)) {
            _ = try TensorBundle(prefix: prefix)
        }
        let second = try Bytes.read(Fixtures.formats + "/sharded/variables.data-00001-of-00002")
        for length in 0..<second.count {
            try Bytes.write(Array(second[..<length]), to: prefix + ".data-00001-of-00002")
            #expect(throws: FormatError.self, "length \(length)") { _ = try TensorBundle(prefix: prefix) }
        }
    }

    @Test("asking for a missing tensor or the wrong type is a clear error")
    func lookups() throws {
        let prefix = Fixtures.formats + "/dtypes/variables"
        let bundle = try TensorBundle(prefix: prefix)
        #expect(throws: FormatError.noSuchTensor(prefix: prefix, name: "nope")) { _ = try bundle.floats("nope") }
        #expect(throws: FormatError.typeMismatch(prefix: prefix, name: "b/int32", reason: "stored as int32, read as float32")) {
            _ = try bundle.floats("b/int32")
        }
        #expect(try bundle.floats("d/empty").isEmpty)
        #expect(Array(try bundle.floats("d/scalar")) == [42.5])
        withExtendedLifetime(bundle) {}  // the buffers above point into its mapping
    }

    @Test("every truncation and byte flip of a bundle index throws or reads the same entries")
    func indexDamage() throws {
        let bytes = try Bytes.read(Fixtures.formats + "/dtypes/variables.index")
        let original = try BundleIndex(bytes: bytes, file: "ok").entries
        for length in 0..<bytes.count {
            #expect(throws: FormatError.self) { _ = try BundleIndex(bytes: Array(bytes[..<length]), file: "cut") }
        }
        for position in 0..<bytes.count {
            var flipped = bytes
            flipped[position] ^= 0x01
            if let index = try? BundleIndex(bytes: flipped, file: "flip") {
                #expect(index.entries == original, "flip at \(position)")
            }
        }
    }

    @Test("a tensor at an unaligned offset is returned as an aligned copy with the same values")
    func unaligned() throws {
        // One uint8 byte then three floats at offset 1: TensorFlow's writer can produce this when small
        // dtypes precede floats. Build the index with this package's SSTableBuilder and hand-encoded entries.
        let floats: [Float] = [1.5, -2.25, 1e-7]
        var data: [UInt8] = [7]
        for value in floats { withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 } }
        func entry(dtype: UInt8, dims: [UInt8], offset: UInt8, size: UInt8, bytes: ArraySlice<UInt8>) -> [UInt8] {
            var shape: [UInt8] = []
            for dim in dims { shape += [0x12, 0x02, 0x08, dim] }
            var out: [UInt8] = [0x08, dtype, 0x12, UInt8(shape.count)] + shape
            if offset > 0 { out += [0x20, offset] }
            out += [0x28, size, 0x35]
            SSTableBuilder.appendFixed32(CRC32C.mask(CRC32C.checksum(bytes)), to: &out)
            return out
        }
        var builder = SSTableBuilder()
        builder.add(key: [], value: [0x08, 0x01, 0x1A, 0x02, 0x08, 0x01])
        builder.add(key: Array("a".utf8), value: entry(dtype: 4, dims: [1], offset: 0, size: 1, bytes: data[0..<1]))
        builder.add(key: Array("b".utf8), value: entry(dtype: 1, dims: [3], offset: 1, size: 12, bytes: data[1...]))
        let directory = try scratch.directory("unaligned")
        try Bytes.write(builder.finish(), to: directory + "/v.index")
        try Bytes.write(data, to: directory + "/v.data-00000-of-00001")
        let bundle = try TensorBundle(prefix: directory + "/v")
        let values = try bundle.floats("b")
        #expect(Array(values) == floats)
        #expect(Int(bitPattern: values.baseAddress) % MemoryLayout<Float>.alignment == 0)
        #expect(Array(try bundle.typed("a", as: UInt8.self, dtype: .uint8)) == [7])
        withExtendedLifetime(bundle) {}  // the buffers above point into its mapping
    }

    @Test("partitioned (sliced) tensors and big-endian bundles are refused when read, not misread")
    func unsupportedLayouts() throws {
        let data: [UInt8] = [0, 0, 0x80, 0x3F]  // 1.0f little-endian
        let crc = CRC32C.mask(CRC32C.checksum(data))
        func entry(sliced: Bool) -> [UInt8] {
            // dtype float, shape [1], size 4, crc32c, and optionally one TensorSliceProto (extent {start 0}).
            var out: [UInt8] = [0x08, 0x01, 0x12, 0x04, 0x12, 0x02, 0x08, 0x01, 0x28, 0x04, 0x35]
            SSTableBuilder.appendFixed32(crc, to: &out)
            if sliced { out += [0x3A, 0x04, 0x0A, 0x02, 0x08, 0x00] }
            return out
        }
        func write(_ name: String, header: [UInt8], sliced: Bool) throws -> TensorBundle {
            var builder = SSTableBuilder()
            builder.add(key: [], value: header)
            builder.add(key: Array("w".utf8), value: entry(sliced: sliced))
            let directory = try scratch.directory(name)
            try Bytes.write(builder.finish(), to: directory + "/v.index")
            try Bytes.write(data, to: directory + "/v.data-00000-of-00001")
            return try TensorBundle(prefix: directory + "/v")
        }
        let little: [UInt8] = [0x08, 0x01, 0x1A, 0x02, 0x08, 0x01]
        // Buffers point into the bundle's mapping: keep the bundle alive while reading them.
        let plain = try write("plain", header: little, sliced: false)
        #expect(Array(try plain.floats("w")) == [1.0])
        withExtendedLifetime(plain) {}
        let sliced = try write("sliced", header: little, sliced: true)
        #expect(sliced.index["w"]?.isSliced == true)
        #expect(throws: FormatError.unsupported(file: sliced.index.path, reason: "tensor 'w' is partitioned into slices")) {
            _ = try sliced.floats("w")
        }
        let big = try write("big", header: [0x08, 0x01, 0x10, 0x01, 0x1A, 0x02, 0x08, 0x01], sliced: false)
        #expect(big.index.endianness == .big)
        #expect(throws: FormatError.unsupported(file: big.index.path, reason: "big-endian bundle data")) {
            _ = try big.floats("w")
        }
        // A header demanding a newer reader (min_consumer 2) is refused up front.
        #expect(throws: FormatError.self) {
            _ = try write("future", header: [0x08, 0x01, 0x1A, 0x04, 0x08, 0x05, 0x10, 0x02], sliced: false)
        }
    }
}
