import Foundation

/// Writes float32 arrays as NumPy `.npy` (format 1.0, little-endian `<f4`, C order), the format
/// `hubctl run --output` promises so results load with `numpy.load` and nothing else.
public enum NPYWriter {
    /// Writes `values` with `shape` to `path` through a temporary file renamed into place, so a
    /// reader never sees half a file.
    public static func write(_ values: [Float], shape: [Int], to path: String) throws(HubKitError) {
        guard shape.reduce(1, *) == values.count else {
            throw .output(path: path, message: "shape \(shape) does not hold \(values.count) values")
        }
        let dims = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64,
        // ending in a newline.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x01, 0x00])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.withUnsafeBufferPointer { buffer in
            data.append(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.baseAddress)?
                .assumingMemoryBound(to: UInt8.self), count: buffer.count * 4))
        }
        let temporary = path + ".tmp-\(getpid())"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, path) != 0 {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw HubKitError.output(path: path, message: reason)
            }
        } catch let error as HubKitError {
            throw error
        } catch {
            unlink(temporary)
            throw .output(path: path, message: error.localizedDescription)
        }
    }
}
