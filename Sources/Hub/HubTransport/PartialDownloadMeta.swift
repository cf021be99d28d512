import Foundation

/// The `<partial>.meta` sidecar: what a partial file is a prefix of, so a later attempt (also in a
/// new process after `kill -9`) can resume it with `Range` + `If-Range`, or restart when it no
/// longer matches.
struct PartialDownloadMeta: Codable, Equatable {
    var url: String
    var etag: String?
    var lastModified: String?
    var totalSize: Int64?

    /// The validator to send as `If-Range`: the ETag (unless weak, which If-Range forbids), else Last-Modified.
    var ifRangeValidator: String? {
        if let etag, !etag.hasPrefix("W/") { return etag }
        return lastModified
    }

    static func load(from path: String) -> PartialDownloadMeta? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(PartialDownloadMeta.self, from: data)
    }

    func save(to path: String) throws(TransportError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
            _ = chmod(path, 0o644)
        } catch {
            throw TransportError.io(path: path, message: "cannot write resume metadata: \(error.localizedDescription)")
        }
    }
}
