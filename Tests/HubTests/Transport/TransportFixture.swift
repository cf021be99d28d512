import Foundation
import HubTransport
import TestSupport

/// A served folder with archives and documents for transport tests, plus a scratch folder for
/// partial files. The archives hold incompressible bytes, so sizes are predictable (~1 MB).
final class TransportFixture {
    let temp: TemporaryDirectory
    var served: String { temp.appending("served") }
    var downloads: String { temp.appending("downloads") }

    /// Options that keep fault tests fast: short backoff, a 1 s stall detector.
    static let fastOptions = TransferOptions(connectTimeout: 5, lowSpeedLimit: 1000, lowSpeedTime: 1, maxRetries: 4,
                                             initialBackoff: 0.05, maxBackoff: 0.2, maxRetryAfter: 1.5)

    init() throws {
        temp = try TemporaryDirectory(prefix: "hubctl-transport")
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        try TestArchive.make(at: served + "/model.tar.gz", format: .tarGz,
                             entries: [.file("saved_model.pb", TestArchive.randomBytes(count: 1_000_000, seed: 1))])
        // The "changed upstream" version of the same module.
        try TestArchive.make(at: served + "/model.tar.gz.v2", format: .tarGz,
                             entries: [.file("saved_model.pb", TestArchive.randomBytes(count: 1_000_000, seed: 2))])
        try TestArchive.make(at: served + "/other.tar.gz", format: .tarGz,
                             entries: [.file("saved_model.pb", TestArchive.randomBytes(count: 1_000_000, seed: 3))])
        let page = Data("<!DOCTYPE html>\n<html><body>Sign in to continue</body></html>\n".utf8)
        try page.write(to: URL(fileURLWithPath: served + "/page.html"))
        try page.write(to: URL(fileURLWithPath: served + "/disguised.tar.gz"))
        try Data("# Module a/b/1\n<!-- asset-path: model.tar.gz -->\n".utf8)
            .write(to: URL(fileURLWithPath: served + "/doc.md"))
    }

    func servedPath(_ name: String) -> String { served + "/" + name }
    func data(_ name: String) -> Data { FileManager.default.contents(atPath: servedPath(name)) ?? Data() }
    func size(_ name: String) -> Int64 { Int64(data(name).count) }
    func sha256(_ name: String) throws -> String { try Reference.sha256sum(servedPath(name)) }

    /// A fresh partial path in the scratch folder.
    func partial(_ name: String = UUID().uuidString) -> String { downloads + "/" + name + ".partial" }
}

/// Records what a downloader reports.
final class RecordingProgress: ProgressReporter {
    var starts: [(completed: Int64, total: Int64?)] = []
    var updates: [Int64] = []
    var finished = 0

    func transferStarted(url: String, completed: Int64, total: Int64?) { starts.append((completed, total)) }
    func transferProgressed(completed: Int64, total: Int64?) { updates.append(completed) }
    func transferFinished() { finished += 1 }
}
