/// One tensor's record in a TensorBundle index (`BundleEntryProto`): where its bytes are and how to check them.
public struct BundleEntry: Hashable, Sendable {
    public let name: String
    public let dtype: TensorDataType
    public let shape: TensorShape
    public let shardID: Int
    public let offset: Int
    public let size: Int
    /// The unmasked CRC-32C of the `size` bytes at `offset`.
    public let crc32c: UInt32
    /// Whether the entry describes a partitioned tensor (its data lives in slice entries; not supported).
    public let isSliced: Bool

    /// Elements implied by the shape (1 for a scalar).
    public var elementCount: Int { shape.elementCount ?? 0 }

    /// Parses a BundleEntryProto (dtype=1, shape=2, shard_id=3, offset=4, size=5, crc32c=6 fixed32, slices=7).
    package static func parse(name: String, reader: inout ProtobufReader) throws(FormatError) -> BundleEntry {
        var dtype = TensorDataType.invalid
        var shape = TensorShape([])
        var shardID: Int64 = 0, offset: Int64 = 0, size: Int64 = 0
        var crc: UInt32 = 0
        var sliced = false
        let start = reader.position
        while let field = try reader.nextField() {
            switch field.number {
            case 1:
                try reader.expect(field, .varint, "BundleEntryProto.dtype")
                dtype = TensorDataType(rawValue: try reader.readInt32())
            case 2:
                try reader.expect(field, .lengthDelimited, "BundleEntryProto.shape")
                var shapeReader = try reader.readMessage()
                shape = try TensorShape.parse(&shapeReader)
            case 3:
                try reader.expect(field, .varint, "BundleEntryProto.shard_id")
                shardID = Int64(try reader.readInt32())
            case 4:
                try reader.expect(field, .varint, "BundleEntryProto.offset")
                offset = try reader.readInt64()
            case 5:
                try reader.expect(field, .varint, "BundleEntryProto.size")
                size = try reader.readInt64()
            case 6:
                try reader.expect(field, .fixed32, "BundleEntryProto.crc32c")
                crc = CRC32C.unmask(try reader.readFixed32())
            case 7:
                try reader.expect(field, .lengthDelimited, "BundleEntryProto.slices")
                _ = try reader.readLengthDelimited()
                sliced = true
            default:
                try reader.skip(field)
            }
        }
        guard shardID >= 0, offset >= 0, size >= 0 else {
            throw .malformed(file: reader.file, offset: start,
                             reason: "tensor '\(name)' has negative shard (\(shardID)), offset (\(offset)) or size (\(size))")
        }
        guard shape.dimensions != nil, shape.elementCount != nil else {
            throw .malformed(file: reader.file, offset: start, reason: "tensor '\(name)' has an incomplete shape \(shape)")
        }
        return BundleEntry(name: name, dtype: dtype, shape: shape, shardID: Int(shardID), offset: Int(offset),
                           size: Int(size), crc32c: crc, isSliced: sliced)
    }
}
