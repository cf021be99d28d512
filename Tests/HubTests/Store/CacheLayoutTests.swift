import Foundation
import HubStore
import TestSupport
import Testing

@Suite("CacheLayout") struct CacheLayoutTests {
    let temp: TemporaryDirectory

    init() throws { temp = try TemporaryDirectory(prefix: "hubctl-layout") }

    @Test("keys are stable, readable, distinct and path-safe")
    func keys() throws {
        let handle = "google/imagenet/amoebanet_a_n18_f448/classification/1"
        let key = CacheLayout.key(for: handle)
        #expect(key == CacheLayout.key(for: handle))
        #expect(key.hasPrefix("google_imagenet_amoebanet_a_n18_f448_classification_1-"))
        let digest = try Reference.sha256sum(of: Data(handle.utf8))
        #expect(key.hasSuffix("-" + digest.prefix(16)))
        #expect(key != CacheLayout.key(for: "google/imagenet/amoebanet_a_n18_f448/feature_vector/1"))
        // Handles that slug the same still get different keys.
        #expect(CacheLayout.key(for: "a/b") != CacheLayout.key(for: "a_b"))
        for hostile in ["../../etc/passwd", "/abs/path", "..", "a\u{0}b", String(repeating: "x", count: 500)] {
            let unsafe = CacheLayout.key(for: hostile)
            #expect(!unsafe.contains("/") && !unsafe.hasPrefix(".") && unsafe.count <= 97, "\(unsafe)")
        }
    }

    @Test("paths follow the documented tree")
    func paths() {
        let layout = CacheLayout(root: "/c/")
        #expect(layout.indexPath == "/c/index.sqlite")
        #expect(layout.moduleDirectory(forKey: "k") == "/c/modules/k")
        #expect(layout.partialPath(forKey: "k") == "/c/downloads/k.partial")
        #expect(layout.metaPath(forKey: "k") == "/c/downloads/k.partial.meta")
        #expect(layout.lockPath(forKey: "k") == "/c/locks/k.lock")
        #expect(layout.temporaryDirectory == "/c/tmp")
    }

    @Test("prepare creates 0755 folders and tightens world-writable ones")
    func prepare() throws {
        let root = temp.appending("nested/cache")
        let layout = CacheLayout(root: root)
        try FileManager.default.createDirectory(atPath: layout.modulesDirectory, withIntermediateDirectories: true)
        chmod(layout.modulesDirectory, 0o777)
        try layout.prepare()
        for directory in [root, layout.modulesDirectory, layout.downloadsDirectory, layout.locksDirectory, layout.temporaryDirectory] {
            #expect(Reference.mode(directory) == 0o755, "\(directory)")
        }
        let unpack = try layout.makeUnpackDirectory(forKey: "k")
        #expect(unpack.hasPrefix(layout.temporaryDirectory + "/k."))
        #expect(try FileManager.default.contentsOfDirectory(atPath: unpack).isEmpty)
        #expect(Reference.mode(unpack) == 0o700)
    }

    @Test("prepare fails clearly when the root is a file")
    func rootIsFile() throws {
        let root = temp.appending("file")
        FileManager.default.createFile(atPath: root, contents: Data())
        let error = captureError { () throws(StoreError) in try CacheLayout(root: root).prepare() }
        #expect(error == .io(path: root, message: "exists and is not a directory"))
    }
}
