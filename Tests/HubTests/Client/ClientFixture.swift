import Foundation
import HubClient
import HubCore
import HubStore
import HubTransport
import TestSupport

/// A registry folder with one small module archive per entry, and a cache root, in one temp folder.
/// The archives are real tar.gz files with the TF-Hub layout (saved_model.pb + variables/), so the
/// hub layer treats them exactly like the real thing.
final class ClientFixture {
    let directory: TemporaryDirectory
    var registryRoot: String { directory.appending("registry") }
    var cacheRoot: String { directory.appending("cache") }

    init() throws {
        directory = try TemporaryDirectory(prefix: "hubctl-client")
        try FileManager.default.createDirectory(atPath: registryRoot + "/assets", withIntermediateDirectories: true)
    }

    /// The files of a module archive: `saved_model.pb` and a checkpoint, `size` bytes of weights.
    static func moduleEntries(seed: UInt64, size: Int = 64 << 10) -> [TestArchive.Entry] {
        [
            .file("saved_model.pb", TestArchive.randomBytes(count: 512, seed: seed)),
            .directory("variables"),
            .file("variables/variables.index", TestArchive.randomBytes(count: 256, seed: seed &+ 1)),
            .file("variables/variables.data-00000-of-00001", TestArchive.randomBytes(count: size, seed: seed &+ 2)),
            .file("tfhub_module.pb", Data([0x08, 0x03])),
        ]
    }

    /// Writes `assets/<name>` and returns its sha256 and size.
    @discardableResult
    func makeArchive(_ name: String, entries: [TestArchive.Entry], format: TestArchive.Format = .tarGz) throws
        -> (sha256: String, size: Int64)
    {
        let path = registryRoot + "/assets/" + name
        try TestArchive.make(at: path, format: format, entries: entries)
        return try SHA256Hasher.hex(ofFileAt: path)
    }

    /// Writes the registry document for `handle` whose asset is `assets/<archive>` (relative), with
    /// the given checksum lines, and regenerates `index.txt`.
    func addEntry(_ handle: String, asset: String, sha256: String?, size: Int64?) throws {
        let depth = handle.split(separator: "/").count - 1
        let assetPath = asset.contains("://") ? asset : String(repeating: "../", count: depth) + "assets/" + asset
        var lines = ["# Module \(handle)", "<!-- asset-path: \(assetPath) -->", "<!-- format: hub -->",
                     "<!-- task: image-classification -->"]
        if let sha256 { lines.append("<!-- asset-sha256: \(sha256) -->") }
        if let size { lines.append("<!-- asset-size: \(size) -->") }
        lines += ["", "A test module."]
        let path = registryRoot + "/" + handle + ".md"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        if case .success(let index) = Result(catching: { try Registry.scan(directory: registryRoot) }) {
            try index.rendered().write(toFile: registryRoot + "/index.txt", atomically: true, encoding: .utf8)
        }
    }

    /// A module archive plus its registry entry with correct checksums.
    func addModule(_ handle: String, seed: UInt64, size: Int = 64 << 10) throws {
        let name = handle.replacingOccurrences(of: "/", with: "_") + ".tar.gz"
        let digest = try makeArchive(name, entries: Self.moduleEntries(seed: seed, size: size))
        try addEntry(handle, asset: name, sha256: digest.sha256, size: digest.size)
    }

    /// A cache over this fixture's cache root and `registry` (a URL or folder).
    func cache(registry: String?, offline: Bool = false) throws -> ModuleCache {
        var options = HubConfiguration(cacheRoot: cacheRoot, registryRoot: registry, offline: offline).transferOptions
        options.maxRetries = 1
        options.initialBackoff = 0.05
        options.lowSpeedTime = 5
        return try ModuleCache(configuration: HubConfiguration(cacheRoot: cacheRoot, registryRoot: registry,
                                                               offline: offline, transferOptions: options,
                                                               lockTimeout: 60))
    }
}
