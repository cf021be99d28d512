/// `tfhub_module.pb` (`tensorflow_hub.ModuleDef`: format = 1, required_features = 2): marks a TF1 Hub module.
public struct HubModuleDef: Sendable, Equatable {
    /// The only format TF-Hub ever shipped (`FORMAT_V3`).
    public static let supportedFormat = 3

    public let format: Int
    public let requiredFeatures: [String]

    /// Reads and checks the file at `path`.
    public init(path: String) throws(FormatError) {
        try self.init(bytes: try FileBytes.contents(of: path, limit: 1 << 20), file: path)
    }

    /// Parses the bytes; rejects any format other than 3 and any required feature (none are defined).
    public init(bytes: [UInt8], file: String) throws(FormatError) {
        var reader = ProtobufReader(bytes: bytes, file: file)
        var format: Int64 = 0
        var features: [String] = []
        while let field = try reader.nextField() {
            switch field.number {
            case 1:
                try reader.expect(field, .varint, "ModuleDef.format")
                format = try reader.readInt64()
            case 2:
                try reader.expect(field, .lengthDelimited, "ModuleDef.required_features")
                features.append(try reader.readString())
            default:
                try reader.skip(field)
            }
        }
        guard format == Int64(Self.supportedFormat) else {
            throw .unsupported(file: file, reason: "module format \(format); only format \(Self.supportedFormat) exists")
        }
        guard features.isEmpty else {
            throw .unsupported(file: file, reason: "required features \(features.joined(separator: ", "))")
        }
        self.format = Int(format)
        self.requiredFeatures = features
    }
}
