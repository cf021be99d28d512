/// A signature of a MetaGraphDef: named input and output tensors (`SignatureDef`: inputs=1, outputs=2,
/// method_name=3).
public struct SignatureDef: Hashable, Sendable {
    /// One end of a signature (`TensorInfo`: name=1, dtype=2, tensor_shape=3).
    public struct TensorInfo: Hashable, Sendable {
        /// The graph tensor, e.g. `hub_input/images:0`.
        public let tensorName: String
        public let dtype: TensorDataType
        public let shape: TensorShape
    }

    public let inputs: [String: TensorInfo]
    public let outputs: [String: TensorInfo]
    public let methodName: String

    package static func parse(_ reader: inout ProtobufReader) throws(FormatError) -> SignatureDef {
        var inputs: [String: TensorInfo] = [:], outputs: [String: TensorInfo] = [:]
        var methodName = ""
        while let field = try reader.nextField() {
            switch field.number {
            case 1, 2:
                try reader.expect(field, .lengthDelimited, field.number == 1 ? "SignatureDef.inputs" : "SignatureDef.outputs")
                let (key, parsed) = try reader.readMapEntry(valueName: "TensorInfo") {
                    (message) throws(FormatError) in try parseTensorInfo(&message)
                }
                let info = parsed ?? TensorInfo(tensorName: "", dtype: .invalid, shape: TensorShape(nil))
                if field.number == 1 { inputs[key] = info } else { outputs[key] = info }
            case 3:
                try reader.expect(field, .lengthDelimited, "SignatureDef.method_name")
                methodName = try reader.readString()
            default:
                try reader.skip(field)
            }
        }
        return SignatureDef(inputs: inputs, outputs: outputs, methodName: methodName)
    }

    static func parseTensorInfo(_ reader: inout ProtobufReader) throws(FormatError) -> TensorInfo {
        var name = ""
        var dtype = TensorDataType.invalid
        // Absent tensor_shape means nothing is known about the shape.
        var shape = TensorShape(nil)
        while let field = try reader.nextField() {
            switch field.number {
            case 1:
                try reader.expect(field, .lengthDelimited, "TensorInfo.name")
                name = try reader.readString()
            case 2:
                try reader.expect(field, .varint, "TensorInfo.dtype")
                dtype = TensorDataType(rawValue: try reader.readInt32())
            case 3:
                try reader.expect(field, .lengthDelimited, "TensorInfo.tensor_shape")
                var shapeReader = try reader.readMessage()
                shape = try TensorShape.parse(&shapeReader)
            default:
                try reader.skip(field)
            }
        }
        return TensorInfo(tensorName: name, dtype: dtype, shape: shape)
    }
}
