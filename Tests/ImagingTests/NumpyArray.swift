import Foundation

/// A NumPy `.npy` file (format 1.x/2.x, C order) as written by the fixture script: the oracle
/// arrays TensorFlow produced. Only the dtypes the fixtures use are supported.
struct NumpyArray {
    enum Values {
        case float32([Float])
        case uint8([UInt8])
        case uint16([UInt16])
    }

    enum ReadError: Error, CustomStringConvertible {
        case malformed(path: String, reason: String)
        var description: String {
            switch self { case .malformed(let path, let reason): return "\(path): not a usable .npy file: \(reason)" }
        }
    }

    let shape: [Int]
    let values: Values

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let bytes = [UInt8](data)
        guard bytes.count > 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw ReadError.malformed(path: path, reason: "bad magic")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .ascii) else {
            throw ReadError.malformed(path: path, reason: "header is not ASCII")
        }
        guard header.contains("'fortran_order': False") else {
            throw ReadError.malformed(path: path, reason: "Fortran order")
        }
        guard let descrRange = header.range(of: "'descr': '"),
              let descrEnd = header[descrRange.upperBound...].firstIndex(of: "'"),
              let shapeOpen = header.range(of: "'shape': ("),
              let shapeClose = header[shapeOpen.upperBound...].firstIndex(of: ")")
        else { throw ReadError.malformed(path: path, reason: "header \(header)") }
        let descr = String(header[descrRange.upperBound..<descrEnd])
        shape = header[shapeOpen.upperBound..<shapeClose].split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *)
        let payload = Array(bytes[(headerStart + headerLength)...])
        switch descr {
        case "<f4":
            guard payload.count == count * 4 else { throw ReadError.malformed(path: path, reason: "size") }
            values = .float32(payload.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) })
        case "|u1":
            guard payload.count == count else { throw ReadError.malformed(path: path, reason: "size") }
            values = .uint8(payload)
        case "<u2":
            guard payload.count == count * 2 else { throw ReadError.malformed(path: path, reason: "size") }
            values = .uint16(payload.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) })
        default:
            throw ReadError.malformed(path: path, reason: "dtype \(descr)")
        }
    }

    var floats: [Float]? { if case .float32(let v) = values { return v }; return nil }
    var bytes: [UInt8]? { if case .uint8(let v) = values { return v }; return nil }
    var words: [UInt16]? { if case .uint16(let v) = values { return v }; return nil }
}
