/// A forward-only reader of the protocol buffer wire format over a byte array.
///
/// It knows nothing about message types: callers loop over `nextField()` and read the fields they know,
/// skipping the rest. Every read is bounds-checked and advances the position or throws, so malformed input
/// ends in a `FormatError` naming the file and absolute byte offset, never in a trap or an endless loop.
/// Sub-messages share the parent's storage (no copies), so parsing a multi-megabyte graph stays cheap.
package struct ProtobufReader {
    /// The wire types of the protobuf encoding; groups (3, 4) are deprecated and rejected.
    package enum WireType: UInt8, Sendable {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    /// One field header: its number and how its payload is encoded.
    package struct Field: Sendable {
        package let number: Int
        package let wireType: WireType
        /// Offset of the tag in the file, for error messages.
        package let offset: Int
    }

    package let bytes: [UInt8]
    package let file: String
    /// Current absolute position in `bytes`.
    package private(set) var position: Int
    /// End (exclusive) of the message being read.
    package let end: Int

    /// A reader over `bytes[range]` (the whole array by default); `file` names the input in errors.
    package init(bytes: [UInt8], range: Range<Int>? = nil, file: String) {
        let range = range ?? 0..<bytes.count
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the buffer")
        self.bytes = bytes
        self.file = file
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    package var isAtEnd: Bool { position >= end }

    /// Reads the next field header, or returns nil at the end of the message.
    package mutating func nextField() throws(FormatError) -> Field? {
        guard position < end else { return nil }
        let start = position
        let tag = try readVarint()
        let number = tag >> 3
        guard number > 0, number <= 0x1FFF_FFFF else {
            throw .malformed(file: file, offset: start, reason: "invalid field number \(number)")
        }
        guard let wireType = WireType(rawValue: UInt8(tag & 7)) else {
            throw .malformed(file: file, offset: start, reason: "invalid wire type \(tag & 7) for field \(number)")
        }
        if wireType == .startGroup || wireType == .endGroup {
            throw .malformed(file: file, offset: start, reason: "group encoding (field \(number)) is not supported")
        }
        return Field(number: Int(number), wireType: wireType, offset: start)
    }

    /// Reads a base-128 varint of at most 10 bytes whose value fits in 64 bits.
    package mutating func readVarint() throws(FormatError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw .truncated(file: file, offset: position, what: "varint") }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 {
                throw .malformed(file: file, offset: start, reason: "varint overflows 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 {
                throw .malformed(file: file, offset: start, reason: "varint longer than 10 bytes")
            }
        }
    }

    /// Reads a little-endian 32-bit value.
    package mutating func readFixed32() throws(FormatError) -> UInt32 {
        guard end - position >= 4 else { throw .truncated(file: file, offset: position, what: "fixed32") }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[position + index]) << (8 * UInt32(index)) }
        position += 4
        return value
    }

    /// Reads a little-endian 64-bit value.
    package mutating func readFixed64() throws(FormatError) -> UInt64 {
        guard end - position >= 8 else { throw .truncated(file: file, offset: position, what: "fixed64") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return value
    }

    /// Reads a length prefix and returns the absolute range of the payload, moving past it.
    package mutating func readLengthDelimited() throws(FormatError) -> Range<Int> {
        let start = position
        let length = try readVarint()
        guard length <= UInt64(end - position) else {
            throw .truncated(file: file, offset: start, what: "length-delimited field of \(length) bytes")
        }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    /// Reads a length-delimited payload as bytes.
    package mutating func readBytes() throws(FormatError) -> [UInt8] {
        Array(bytes[try readLengthDelimited()])
    }

    /// Reads a length-delimited payload as a UTF-8 string (invalid sequences are replaced, not trapped on).
    package mutating func readString() throws(FormatError) -> String {
        String(decoding: bytes[try readLengthDelimited()], as: UTF8.self)
    }

    /// Reads a length-delimited payload as an embedded message reader sharing this reader's storage.
    package mutating func readMessage() throws(FormatError) -> ProtobufReader {
        ProtobufReader(bytes: bytes, range: try readLengthDelimited(), file: file)
    }

    /// Reads a varint as a proto `int32` (negative values arrive as 10-byte two's complement).
    package mutating func readInt32() throws(FormatError) -> Int32 {
        Int32(truncatingIfNeeded: try readVarint())
    }

    /// Reads a varint as a proto `int64`.
    package mutating func readInt64() throws(FormatError) -> Int64 {
        Int64(bitPattern: try readVarint())
    }

    /// Reads a 32-bit float (wire type 5).
    package mutating func readFloat() throws(FormatError) -> Float {
        Float(bitPattern: try readFixed32())
    }

    /// Skips a field's payload of the given wire type.
    package mutating func skip(_ field: Field) throws(FormatError) {
        switch field.wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup, .endGroup:
            throw .malformed(file: file, offset: field.offset, reason: "group encoding is not supported")
        }
    }

    /// Throws unless `field` has the wire type the schema says it must have.
    package func expect(_ field: Field, _ wireType: WireType, _ what: String) throws(FormatError) {
        guard field.wireType == wireType else {
            throw .malformed(file: file, offset: field.offset,
                             reason: "\(what) (field \(field.number)) has wire type \(field.wireType.rawValue), expected \(wireType.rawValue)")
        }
    }

    /// Reads an integer field that may be sent either as a single varint or as a packed run of varints.
    package mutating func readRepeatedVarints(_ field: Field, into values: inout [UInt64]) throws(FormatError) {
        switch field.wireType {
        case .varint: values.append(try readVarint())
        case .lengthDelimited:
            var packed = try readMessage()
            while !packed.isAtEnd { values.append(try packed.readVarint()) }
        default:
            throw .malformed(file: file, offset: field.offset, reason: "field \(field.number) is not an integer")
        }
    }
}

extension ProtobufReader {
    /// Reads one entry of a `map<string, Message>` field (the entry is a message with the key in field 1
    /// and the value message in field 2), `valueName` naming the value type in errors. `parseValue`
    /// reads the value message; the value is nil when the entry has none.
    package mutating func readMapEntry<Value>(
        valueName: String, _ parseValue: (inout ProtobufReader) throws(FormatError) -> Value
    ) throws(FormatError) -> (key: String, value: Value?) {
        var entry = try readMessage()
        var key = ""
        var value: Value?
        while let field = try entry.nextField() {
            switch field.number {
            case 1:
                try entry.expect(field, .lengthDelimited, "map key")
                key = try entry.readString()
            case 2:
                try entry.expect(field, .lengthDelimited, valueName)
                var message = try entry.readMessage()
                value = try parseValue(&message)
            default: try entry.skip(field)
            }
        }
        return (key, value)
    }
}
