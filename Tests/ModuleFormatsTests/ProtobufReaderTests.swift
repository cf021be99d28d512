import ModuleFormats
import Testing

@Suite("Protobuf wire reader")
struct ProtobufReaderTests {
    func reader(_ bytes: [UInt8]) -> ProtobufReader { ProtobufReader(bytes: bytes, file: "test.pb") }

    @Test("varints from the protobuf encoding guide decode to their values")
    func varints() throws {
        // 1 → 01, 150 → 96 01, 300 → ac 02, int32 -1 → ten bytes ending 01, UInt64.max → ff×9 01.
        let cases: [([UInt8], UInt64)] = [
            ([0x01], 1), ([0x96, 0x01], 150), ([0xAC, 0x02], 300),
            ([UInt8](repeating: 0xFF, count: 9) + [0x01], UInt64.max),
        ]
        for (bytes, value) in cases {
            var r = reader(bytes)
            #expect(try r.readVarint() == value)
            #expect(r.isAtEnd)
        }
        var negative = reader([UInt8](repeating: 0xFF, count: 9) + [0x01])
        #expect(try negative.readInt32() == -1)
    }

    @Test("fields of a known message: tag, varint, fixed32, fixed64, string")
    func fields() throws {
        // field 1 varint 150; field 2 string "testing"; field 3 fixed32 1.5f; field 4 fixed64 0x0102030405060708.
        var bytes: [UInt8] = [0x08, 0x96, 0x01, 0x12, 0x07] + Array("testing".utf8)
        bytes += [0x1D, 0x00, 0x00, 0xC0, 0x3F]
        bytes += [0x21, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01]
        var r = reader(bytes)
        var field = try #require(try r.nextField())
        #expect(field.number == 1 && field.wireType == .varint)
        #expect(try r.readVarint() == 150)
        field = try #require(try r.nextField())
        #expect(field.number == 2 && field.wireType == .lengthDelimited)
        #expect(try r.readString() == "testing")
        field = try #require(try r.nextField())
        #expect(field.number == 3 && field.wireType == .fixed32)
        #expect(try r.readFloat() == 1.5)
        field = try #require(try r.nextField())
        #expect(field.number == 4 && field.wireType == .fixed64)
        #expect(try r.readFixed64() == 0x0102_0304_0506_0708)
        #expect(try r.nextField() == nil)
    }

    @Test("an eleven-byte or overflowing varint is malformed, naming the offset")
    func overlongVarint() {
        var long = reader([UInt8](repeating: 0x80, count: 10) + [0x01])
        #expect(throws: FormatError.malformed(file: "test.pb", offset: 0, reason: "varint overflows 64 bits")) {
            try long.readVarint()
        }
        var overflow = reader([UInt8](repeating: 0xFF, count: 9) + [0x02])
        #expect(throws: FormatError.self) { try overflow.readVarint() }
    }

    @Test("every truncation of a valid message throws instead of trapping")
    func truncation() throws {
        var bytes: [UInt8] = [0x08, 0x96, 0x01, 0x12, 0x07] + Array("testing".utf8) + [0x1D, 0, 0, 0xC0, 0x3F]
        bytes += [0x21, 1, 2, 3, 4, 5, 6, 7, 8]
        for length in 1..<bytes.count where ![3, 12, 17].contains(length) {  // lengths that end on a field boundary
            var r = reader(Array(bytes[..<length]))
            #expect(throws: FormatError.self, "length \(length)") {
                while let field = try r.nextField() { try r.skip(field) }
            }
        }
    }

    @Test("a length prefix past the end is reported as truncation at the prefix")
    func lengthPastEnd() {
        var r = reader([0x12, 0x05, 0x61, 0x62])
        #expect(throws: FormatError.truncated(file: "test.pb", offset: 1, what: "length-delimited field of 5 bytes")) {
            _ = try r.nextField()
            _ = try r.readLengthDelimited()
        }
    }

    @Test("groups, wire types 6 and 7 and field number 0 are rejected")
    func invalidTags() {
        for tag: UInt8 in [0x0B, 0x0C, 0x0E, 0x0F, 0x00, 0x02] {
            var r = reader([tag, 0x00])
            #expect(throws: FormatError.self, "tag \(tag)") { _ = try r.nextField() }
        }
    }

    @Test("sub-messages are bounded by their length and report absolute offsets")
    func subMessage() throws {
        // field 1 { field 1 varint 7 } then field 2 varint 1; the inner reader must stop at its end.
        var r = reader([0x0A, 0x02, 0x08, 0x07, 0x10, 0x01])
        _ = try r.nextField()
        var inner = try r.readMessage()
        let innerField = try #require(try inner.nextField())
        #expect(innerField.offset == 2)
        #expect(try inner.readVarint() == 7)
        #expect(try inner.nextField() == nil)
        let outer = try #require(try r.nextField())
        #expect(outer.number == 2)
    }

    @Test("packed and unpacked repeated varints read the same values")
    func packed() throws {
        var values: [UInt64] = []
        var unpacked = reader([0x18, 0x01, 0x18, 0x96, 0x01])
        while let field = try unpacked.nextField() { try unpacked.readRepeatedVarints(field, into: &values) }
        var packed = reader([0x1A, 0x03, 0x01, 0x96, 0x01])
        while let field = try packed.nextField() { try packed.readRepeatedVarints(field, into: &values) }
        #expect(values == [1, 150, 1, 150])
    }
}
