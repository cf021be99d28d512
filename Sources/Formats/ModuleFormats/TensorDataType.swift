/// TensorFlow's `DataType` enum (types.proto). A struct rather than an enum so that values this reader does
/// not know still round-trip and print as their number instead of failing the whole file.
public struct TensorDataType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let invalid = TensorDataType(rawValue: 0)
    public static let float = TensorDataType(rawValue: 1)
    public static let double = TensorDataType(rawValue: 2)
    public static let int32 = TensorDataType(rawValue: 3)
    public static let uint8 = TensorDataType(rawValue: 4)
    public static let int16 = TensorDataType(rawValue: 5)
    public static let int8 = TensorDataType(rawValue: 6)
    public static let string = TensorDataType(rawValue: 7)
    public static let complex64 = TensorDataType(rawValue: 8)
    public static let int64 = TensorDataType(rawValue: 9)
    public static let bool = TensorDataType(rawValue: 10)
    public static let bfloat16 = TensorDataType(rawValue: 14)
    public static let uint16 = TensorDataType(rawValue: 17)
    public static let complex128 = TensorDataType(rawValue: 18)
    public static let half = TensorDataType(rawValue: 19)
    public static let resource = TensorDataType(rawValue: 20)
    public static let variant = TensorDataType(rawValue: 21)
    public static let uint32 = TensorDataType(rawValue: 22)
    public static let uint64 = TensorDataType(rawValue: 23)

    /// `_REF` types (reference-typed graph edges) are the base type + 100.
    public var isReference: Bool { rawValue > 100 && rawValue < 200 }
    /// The value type without the reference flag.
    public var base: TensorDataType { isReference ? TensorDataType(rawValue: rawValue - 100) : self }

    /// Bytes per element for fixed-size types; nil for strings, resources, variants and unknown values.
    public var elementSize: Int? {
        switch base.rawValue {
        case 1, 3, 13, 22: return 4          // float, int32, qint32, uint32
        case 2, 8, 9, 23: return 8           // double, complex64, int64, uint64
        case 4, 6, 10, 11, 12: return 1      // uint8, int8, bool, qint8, quint8
        case 5, 14, 15, 16, 17, 19: return 2 // int16, bfloat16, qint16, quint16, uint16, half
        case 18: return 16                   // complex128
        default: return nil
        }
    }

    /// Whether the type holds real-valued floating point numbers (the "parameters" of a model).
    public var isFloatingPoint: Bool {
        [Self.float, .double, .half, .bfloat16].contains(base)
    }

    /// The name Python's `tf.DType.name` prints (`float32`, `int64`, `float32_ref`, ...).
    public var name: String {
        let names: [Int32: String] = [
            0: "invalid", 1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8", 7: "string",
            8: "complex64", 9: "int64", 10: "bool", 11: "qint8", 12: "quint8", 13: "qint32", 14: "bfloat16",
            15: "qint16", 16: "quint16", 17: "uint16", 18: "complex128", 19: "float16", 20: "resource",
            21: "variant", 22: "uint32", 23: "uint64",
        ]
        let baseName = names[base.rawValue] ?? "dtype_\(base.rawValue)"
        return isReference ? baseName + "_ref" : baseName
    }

    public var description: String { name }
}
