import Foundation

/// Builds tar / tar.gz / zip archives for tests, hostile entries included, with
/// `Tests/Support/make_archive.py` (Python's tarfile/zipfile), so no binary fixtures are committed
/// and every archive is reproducible from the test source.
public enum TestArchive {
    public enum Format: String, Sendable { case tar, tarGz = "tar.gz", zip }

    /// One archive member; names are written verbatim (absolute paths and `..` included).
    public enum Entry: Sendable {
        case file(String, Data, mode: Int = 0o644)
        /// A file of `size` zero bytes (compresses extremely well: bomb material).
        case zeros(String, size: Int)
        case directory(String)
        case symlink(String, target: String)
        case hardlink(String, target: String)
        case characterDevice(String)
        case fifo(String)

        var json: [String: Any] {
            switch self {
            case .file(let name, let data, let mode): return ["type": "file", "name": name, "data": data.base64EncodedString(), "mode": mode]
            case .zeros(let name, let size): return ["type": "zeros", "name": name, "size": size]
            case .directory(let name): return ["type": "dir", "name": name]
            case .symlink(let name, let target): return ["type": "symlink", "name": name, "target": target]
            case .hardlink(let name, let target): return ["type": "hardlink", "name": name, "target": target]
            case .characterDevice(let name): return ["type": "chardev", "name": name]
            case .fifo(let name): return ["type": "fifo", "name": name]
            }
        }
    }

    public static let script = Repository.root.appendingPathComponent("Tests/Support/make_archive.py").path

    /// Writes an archive of `entries` to `path`.
    public static func make(at path: String, format: Format, entries: [Entry]) throws {
        let spec: [String: Any] = ["format": format.rawValue, "output": path, "entries": entries.map(\.json)]
        let input = try JSONSerialization.data(withJSONObject: spec)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        let stdin = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardError = stderr
        try process.run()
        try stdin.fileHandleForWriting.write(contentsOf: input)
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw TestServerError.startFailed("make_archive.py failed: \(message)")
        }
    }

    /// Deterministic pseudo-random bytes (xorshift), incompressible like real weights.
    public static func randomBytes(count: Int, seed: UInt64 = 0x9e3779b97f4a7c15) -> Data {
        var state = seed | 1
        var bytes = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            bytes[index] = UInt8(truncatingIfNeeded: state >> 24)
        }
        return Data(bytes)
    }
}
