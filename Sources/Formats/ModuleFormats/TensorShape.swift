/// A `TensorShapeProto`: dimension sizes outermost first, -1 for an unknown size, nil dims for unknown rank.
public struct TensorShape: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The sizes, or nil when even the rank is unknown.
    public var dimensions: [Int]?

    public init(_ dimensions: [Int]?) { self.dimensions = dimensions }

    /// Element count when every dimension is known and non-negative (1 for a scalar).
    public var elementCount: Int? {
        guard let dimensions else { return nil }
        var count = 1
        for size in dimensions {
            guard size >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            count = product
        }
        return count
    }

    public var description: String {
        guard let dimensions else { return "<unknown rank>" }
        return "[" + dimensions.map { $0 < 0 ? "?" : String($0) }.joined(separator: ",") + "]"
    }

    /// Parses a TensorShapeProto: `dim` = 2 (Dim: `size` = 1, `name` = 2), `unknown_rank` = 3.
    package static func parse(_ reader: inout ProtobufReader) throws(FormatError) -> TensorShape {
        var dimensions: [Int] = []
        var unknownRank = false
        while let field = try reader.nextField() {
            switch field.number {
            case 2:
                try reader.expect(field, .lengthDelimited, "TensorShapeProto.dim")
                var dim = try reader.readMessage()
                var size: Int64 = 0
                while let dimField = try dim.nextField() {
                    if dimField.number == 1 {
                        try dim.expect(dimField, .varint, "Dim.size")
                        size = try dim.readInt64()
                    } else {
                        try dim.skip(dimField)
                    }
                }
                guard size >= -1 else {
                    throw .malformed(file: reader.file, offset: field.offset, reason: "negative dimension size \(size)")
                }
                dimensions.append(Int(size))
            case 3:
                try reader.expect(field, .varint, "TensorShapeProto.unknown_rank")
                unknownRank = try reader.readVarint() != 0
            default:
                try reader.skip(field)
            }
        }
        return TensorShape(unknownRank ? nil : dimensions)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        dimensions = container.decodeNil() ? nil : try container.decode([Int].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let dimensions { try container.encode(dimensions) } else { try container.encodeNil() }
    }
}
