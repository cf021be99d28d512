import Foundation

/// A minimal reader, shared by every test target, for the NumPy `.npy` files the reference fixtures are written in: versions 1–3,
/// little-endian float32 (`<f4`) or uint8 (`|u1`), C order.
public struct NPYFile: Sendable {
    public let shape: [Int]
    public let values: [Float]

    public enum ReadError: Error, CustomStringConvertible {
        case malformed(path: String, reason: String)
        public var description: String {
            switch self { case let .malformed(path, reason): return "\(path): not a supported .npy file (\(reason))" }
        }
    }

    public init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let bytes = [UInt8](data)
        guard bytes.count > 10, bytes[0] == 0x93, Array(bytes[1 ... 5]) == Array("NUMPY".utf8) else {
            throw ReadError.malformed(path: path, reason: "bad magic")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        guard let header = String(bytes: bytes[headerStart ..< headerStart + headerLength], encoding: .utf8) else {
            throw ReadError.malformed(path: path, reason: "header is not text")
        }
        guard !header.contains("'fortran_order': True") else {
            throw ReadError.malformed(path: path, reason: "Fortran order")
        }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")")
        else { throw ReadError.malformed(path: path, reason: "no shape") }
        shape = header[open.upperBound ..< close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        let count = shape.reduce(1, *)
        let body = bytes[(headerStart + headerLength)...]
        if header.contains("'<f4'") {
            guard body.count == count * 4 else { throw ReadError.malformed(path: path, reason: "size mismatch") }
            values = body.withUnsafeBytes { raw in
                (0 ..< count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4,
                                                                                            as: UInt32.self))) }
            }
        } else if header.contains("'|u1'") {
            guard body.count == count else { throw ReadError.malformed(path: path, reason: "size mismatch") }
            values = body.map { Float($0) }
        } else {
            throw ReadError.malformed(path: path, reason: "unsupported dtype in \(header)")
        }
    }
}
