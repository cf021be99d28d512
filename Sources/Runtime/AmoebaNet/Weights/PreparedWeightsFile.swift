import Foundation
import ModuleFormats

/// A file of already folded weights, written after the first load of a module and memory-mapped on later
/// loads, so a start neither re-reads and CRC-checks the checkpoint nor folds it again, and the weights are
/// page-cache pages shared between processes instead of heap copies.
///
/// Layout: magic `HUBCTLW1`, UInt64 little-endian JSON header length, the JSON `Header`, then each layer's
/// values and bias as raw little-endian float32, every block 64-byte aligned. The header's `fingerprint`
/// (sizes and CRC-32C of the checkpoint index, data sizes, epsilon) must match the module being loaded;
/// otherwise the file is ignored and rewritten.
enum PreparedWeightsFile {
    static let magic = Array("HUBCTLW1".utf8)
    static let version = 1

    struct Header: Codable {
        struct Entry: Codable {
            let name: String
            let shape: [Int]
            let valuesOffset: Int
            let valuesCount: Int
            let biasOffset: Int?
            let biasCount: Int?
        }

        let version: Int
        let fingerprint: String
        let entries: [Entry]
    }

    /// Identifies a module's checkpoint and the epsilon its folding used.
    static func fingerprint(moduleDirectory: String, epsilon: Float) throws(RuntimeError) -> String {
        let prefix = moduleDirectory + "/variables/variables"
        let index: Data
        do {
            index = try Data(contentsOf: URL(fileURLWithPath: prefix + ".index"))
        } catch {
            throw RuntimeError.unreadableModule(path: prefix + ".index", reason: "\(error)")
        }
        let crc = index.withUnsafeBytes { CRC32C.checksum($0) }
        let directory = (prefix as NSString).deletingLastPathComponent
        let dataSizes = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("variables.data-") }.sorted()
            .map { name -> String in
                let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size]) as? Int
                return "\(name):\(size ?? -1)"
            }
        return "index:\(index.count):\(crc);\(dataSizes.joined(separator: ","));eps:\(epsilon.bitPattern)"
    }

    /// The layers in `path` when it exists, is well formed and matches `fingerprint`; nil otherwise.
    static func load(path: String, fingerprint: String) -> [String: FoldedWeights]? {
        guard FileManager.default.fileExists(atPath: path), let file = try? MappedFile(path: path) else { return nil }
        let bytes = file.bytes
        guard bytes.count >= 16, Array(bytes[0 ..< 8]) == magic else { return nil }
        let headerLength = Int(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        guard headerLength > 0, 16 + headerLength <= bytes.count,
              let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[16 ..< 16 + headerLength])),
              header.version == version, header.fingerprint == fingerprint else { return nil }
        guard let base = bytes.baseAddress else { return nil }
        func floats(_ offset: Int, _ count: Int) -> UnsafeBufferPointer<Float>? {
            guard offset % 64 == 0, count >= 0, offset + count * 4 <= bytes.count else { return nil }
            return UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: Float.self), count: count)
        }
        var layers: [String: FoldedWeights] = [:]
        for entry in header.entries {
            guard let values = floats(entry.valuesOffset, entry.valuesCount),
                  entry.shape.reduce(1, *) == entry.valuesCount else { return nil }
            var bias: UnsafeBufferPointer<Float>?
            if let offset = entry.biasOffset, let count = entry.biasCount {
                guard let mapped = floats(offset, count), count == entry.shape.last else { return nil }
                bias = mapped
            }
            layers[entry.name] = FoldedWeights(shape: entry.shape, mappedValues: values, mappedBias: bias,
                                               mapping: file)
        }
        return layers
    }

    /// Writes `layers` to `path` atomically (a temporary file renamed into place).
    static func write(path: String, fingerprint: String, layers: [String: FoldedWeights]) throws(RuntimeError) {
        func align(_ value: Int) -> Int { (value + 63) / 64 * 64 }
        let names = layers.keys.sorted()
        // Offsets depend on the header length, which depends on the offsets: reserve a generous header.
        var entries: [Header.Entry] = []
        let reserve = align(16 + 256 * names.count + 4096)
        var offset = reserve
        for name in names {
            let layer = layers[name]!
            let valuesOffset = offset
            offset = align(offset + layer.values.count * 4)
            var biasOffset: Int?
            if let bias = layer.bias {
                biasOffset = offset
                offset = align(offset + bias.count * 4)
            }
            entries.append(Header.Entry(name: name, shape: layer.shape, valuesOffset: valuesOffset,
                                        valuesCount: layer.values.count, biasOffset: biasOffset,
                                        biasCount: layer.bias?.count))
        }
        let total = offset
        guard let header = try? JSONEncoder().encode(Header(version: version, fingerprint: fingerprint,
                                                            entries: entries)),
              16 + header.count <= reserve else {
            throw RuntimeError.invalidInput("prepared-weights header does not fit for \(path)")
        }
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RuntimeError.unreadableModule(path: temporary, reason: String(cString: strerror(errno)))
        }
        var failed = false
        func put(_ pointer: UnsafeRawPointer, _ count: Int, at position: Int) {
            var done = 0
            while done < count && !failed {
                let written = pwrite(descriptor, pointer + done, count - done, off_t(position + done))
                if written <= 0 { failed = true } else { done += written }
            }
        }
        var prefix = magic
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { prefix.append(contentsOf: $0) }
        prefix.append(contentsOf: header)
        prefix.withUnsafeBytes { put($0.baseAddress!, $0.count, at: 0) }
        for (name, entry) in zip(names, entries) {
            let layer = layers[name]!
            put(UnsafeRawPointer(layer.values.baseAddress!), layer.values.count * 4, at: entry.valuesOffset)
            if let bias = layer.bias, let biasOffset = entry.biasOffset {
                put(UnsafeRawPointer(bias.baseAddress!), bias.count * 4, at: biasOffset)
            }
        }
        if ftruncate(descriptor, off_t(total)) != 0 { failed = true }
        close(descriptor)
        guard !failed, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw RuntimeError.unreadableModule(path: path, reason: "cannot write prepared weights")
        }
    }
}
