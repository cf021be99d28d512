import Foundation
import HubArchive
import HubClient
import HubCore
import HubStore
import HubTransport
import TestSupport
import Testing

@Suite("ModuleCache over an nginx-served registry")
struct ModuleCacheTests {
    static let handle = "test/imagenet/tiny/classification/1"

    @Test("fetch downloads, verifies, unpacks and indexes; a second fetch works with nginx stopped")
    func fetchThenCacheHitOffline() throws {
        let fixture = try ClientFixture()
        try fixture.addModule(Self.handle, seed: 1)
        let nginx = try NginxServer(root: fixture.registryRoot)
        let cache = try fixture.cache(registry: nginx.baseURL)

        let first = try cache.fetch(Self.handle)
        #expect(first.origin == .downloaded)
        #expect(first.handle == Self.handle)
        let expected = try SHA256Hasher.hex(ofFileAt: fixture.registryRoot + "/assets/test_imagenet_tiny_classification_1.tar.gz")
        #expect(first.sha256 == expected.sha256)
        #expect(first.size == expected.size)
        #expect(FileManager.default.fileExists(atPath: first.path + "/saved_model.pb"))
        // The unpacked bytes equal what went into the archive.
        let weights = try Data(contentsOf: URL(fileURLWithPath: first.path + "/variables/variables.data-00000-of-00001"))
        #expect(weights == TestArchive.randomBytes(count: 64 << 10, seed: 3))
        #expect(try cache.index.readyEntry(handle: Self.handle)?.path == first.path)
        #expect(try cache.index.files(handle: Self.handle).count == 4)
        // No partial left behind.
        #expect(!FileManager.default.fileExists(atPath: cache.layout.partialPath(for: Self.handle)))

        nginx.stop()
        let second = try fixture.cache(registry: nginx.baseURL).fetch(Self.handle)
        #expect(second.origin == .cache)
        #expect(second.path == first.path)
        let offline = try fixture.cache(registry: nginx.baseURL, offline: true).fetch("test/imagenet/tiny/classification")
        #expect(offline.origin == .cache)
        #expect(offline.handle == Self.handle)
    }

    @Test("unversioned handles resolve to the highest version through index.txt")
    func unversionedHandle() throws {
        let fixture = try ClientFixture()
        try fixture.addModule("test/m/2", seed: 2)
        try fixture.addModule("test/m/10", seed: 10)
        try fixture.addModule("test/m/9", seed: 9)
        let nginx = try NginxServer(root: fixture.registryRoot)
        let module = try fixture.cache(registry: nginx.baseURL).fetch("test/m")
        #expect(module.handle == "test/m/10")
        // A local registry resolves by listing its folders.
        #expect(try fixture.cache(registry: fixture.registryRoot).resolve(try ModuleHandle(parsing: "test/m"))
                .description == "test/m/10")
    }

    @Test("a redirecting asset URL is followed and the final URL recorded")
    func redirect() throws {
        let fixture = try ClientFixture()
        let digest = try fixture.makeArchive("r.tar.gz", entries: ClientFixture.moduleEntries(seed: 5))
        let nginx = try NginxServer(root: fixture.registryRoot)
        try fixture.addEntry(Self.handle, asset: nginx.url("redirect/assets/r.tar.gz"), sha256: digest.sha256,
                             size: digest.size)
        let module = try fixture.cache(registry: nginx.baseURL).fetch(Self.handle)
        #expect(module.resolvedURL == nginx.url("assets/r.tar.gz"))
        #expect(module.sha256 == digest.sha256)
    }

    @Test("checksum and size mismatches install nothing and discard the download")
    func checksumMismatch() throws {
        let fixture = try ClientFixture()
        let digest = try fixture.makeArchive("m.tar.gz", entries: ClientFixture.moduleEntries(seed: 7))
        try fixture.addEntry("test/bad/sha/1", asset: "m.tar.gz", sha256: String(repeating: "0", count: 64), size: nil)
        try fixture.addEntry("test/bad/size/1", asset: "m.tar.gz", sha256: nil, size: digest.size + 1)
        let nginx = try NginxServer(root: fixture.registryRoot)
        let cache = try fixture.cache(registry: nginx.baseURL)
        for handle in ["test/bad/sha/1", "test/bad/size/1"] {
            do {
                _ = try cache.fetch(handle)
                Issue.record("fetch of \(handle) should fail")
            } catch {
                guard case .transport(let at, let cause) = error else {
                    Issue.record("unexpected error \(error)")
                    continue
                }
                #expect(at == handle)
                switch cause {
                case .checksumMismatch, .sizeMismatch: break
                default: Issue.record("unexpected transport error \(cause)")
                }
            }
            #expect(try cache.index.entry(handle: handle) == nil)
            #expect(!FileManager.default.fileExists(atPath: cache.layout.moduleDirectory(for: handle)))
            #expect(!FileManager.default.fileExists(atPath: cache.layout.partialPath(for: handle)))
        }
    }

    @Test("a local registry's archive with the wrong sha256 is unpacked to a temp folder only and installs nothing; the right one records the digest taken while unpacking")
    func localChecksum() throws {
        let fixture = try ClientFixture()
        let digest = try fixture.makeArchive("m.tar.gz", entries: ClientFixture.moduleEntries(seed: 8))
        try fixture.addEntry("test/local/bad/1", asset: "m.tar.gz", sha256: String(repeating: "0", count: 64), size: nil)
        try fixture.addEntry("test/local/good/1", asset: "m.tar.gz", sha256: digest.sha256, size: digest.size)
        let cache = try fixture.cache(registry: fixture.registryRoot)
        do {
            _ = try cache.fetch("test/local/bad/1")
            Issue.record("fetch with a wrong asset-sha256 should fail")
        } catch {
            #expect(error.description.contains("sha256 \(digest.sha256) does not match the registry's asset-sha256"),
                    "\(error)")
            #expect(!error.description.contains("\n"))
        }
        #expect(try cache.index.readyEntry(handle: "test/local/bad/1") == nil)
        #expect(!FileManager.default.fileExists(atPath: cache.layout.moduleDirectory(for: "test/local/bad/1")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.layout.root + "/tmp").isEmpty)
        let good = try cache.fetch("test/local/good/1")
        #expect(good.sha256 == digest.sha256 && good.origin == .unpackedLocalArchive)
        #expect(try cache.index.readyEntry(handle: "test/local/good/1")?.sha256 == digest.sha256)
    }

    @Test("a missing registry document and a missing asset are clear errors")
    func notFound() throws {
        let fixture = try ClientFixture()
        try fixture.addEntry("test/gone/1", asset: "nothing-here.tar.gz", sha256: nil, size: nil)
        let nginx = try NginxServer(root: fixture.registryRoot)
        let cache = try fixture.cache(registry: nginx.baseURL)
        #expect {
            try cache.fetch("test/absent/1")
        } throws: { error in
            guard case HubError.notInRegistry(let handle, _) = error else { return false }
            return handle == "test/absent/1" && (error as? HubError)?.description.contains(nginx.baseURL) == true
        }
        #expect {
            try cache.fetch("test/gone/1")
        } throws: { error in
            guard case HubError.transport(_, .notFound(let url)) = error else { return false }
            return url.hasSuffix("assets/nothing-here.tar.gz")
        }
        #expect(try cache.list().isEmpty)
    }

    /// Hostile or broken archives, each of which must leave no ready entry and no module folder.
    static let hostile: [(name: String, entries: [TestArchive.Entry])] = [
        ("traversal", [.file("saved_model.pb", Data([1])), .file("../../escape.txt", Data([2]))]),
        ("absolute", [.file("saved_model.pb", Data([1])), .file("/tmp/hubctl-absolute-\(UUID().uuidString)", Data([2]))]),
        ("symlink", [.file("saved_model.pb", Data([1])), .symlink("variables", target: "/etc")]),
        ("hardlink", [.file("saved_model.pb", Data([1])), .hardlink("copy", target: "/etc/passwd")]),
        ("device", [.file("saved_model.pb", Data([1])), .characterDevice("null")]),
        ("bomb", [.file("saved_model.pb", Data([1])), .zeros("variables/variables.data-00000-of-00001", size: 64 << 20)]),
        ("not-a-module", [.file("README.txt", Data("hello".utf8))]),
    ]

    @Test("malicious and non-module archives leave no ready entry", arguments: 0..<7)
    func hostileArchive(index: Int) throws {
        let case_ = Self.hostile[index]
        let fixture = try ClientFixture()
        let digest = try fixture.makeArchive("\(case_.name).tar.gz", entries: case_.entries)
        let handle = "test/hostile/\(case_.name)/1"
        try fixture.addEntry(handle, asset: "\(case_.name).tar.gz", sha256: digest.sha256, size: digest.size)
        let nginx = try NginxServer(root: fixture.registryRoot)
        let cache = try fixture.cache(registry: nginx.baseURL)
        #expect(throws: HubError.self) { try cache.fetch(handle) }
        #expect(try cache.index.readyEntry(handle: handle) == nil)
        #expect(try cache.list().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: cache.layout.moduleDirectory(for: handle)))
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.appending("escape.txt")))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: cache.layout.temporaryDirectory))?.isEmpty ?? true)
    }

    @Test("a corrupt (truncated) archive is refused and not kept")
    func corruptArchive() throws {
        let fixture = try ClientFixture()
        try fixture.makeArchive("c.tar.gz", entries: ClientFixture.moduleEntries(seed: 11))
        let path = fixture.registryRoot + "/assets/c.tar.gz"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        try fixture.addEntry(Self.handle, asset: "c.tar.gz", sha256: nil, size: nil)
        let nginx = try NginxServer(root: fixture.registryRoot)
        let cache = try fixture.cache(registry: nginx.baseURL)
        #expect {
            try cache.fetch(Self.handle)
        } throws: { error in
            guard case HubError.archive(let handle, _) = error else { return false }
            return handle == Self.handle
        }
        #expect(try cache.list().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: cache.layout.partialPath(for: Self.handle)))
    }

    @Test("verify reports altered, missing and extra files, marks the entry broken, and fetch repairs it")
    func verifyAndRepair() throws {
        let fixture = try ClientFixture()
        try fixture.addModule(Self.handle, seed: 21)
        let cache = try fixture.cache(registry: fixture.registryRoot)
        let module = try cache.fetch(Self.handle)
        let clean = try cache.verify(nil)
        #expect(clean.map(\.status) == [.ok])
        #expect(clean.first?.checkedFiles == 4)

        let weights = module.path + "/variables/variables.data-00000-of-00001"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: weights))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data([0xff, 0xee]))
        try handle.close()
        try FileManager.default.removeItem(atPath: module.path + "/tfhub_module.pb")
        try Data("x".utf8).write(to: URL(fileURLWithPath: module.path + "/stray.txt"))

        let reports = try cache.verify(try ModuleHandle(parsing: Self.handle))
        #expect(reports.count == 1)
        #expect(reports.first?.status == .damaged)
        #expect(reports.first?.altered == ["variables/variables.data-00000-of-00001"])
        #expect(reports.first?.missing == ["tfhub_module.pb"])
        #expect(reports.first?.extra == ["stray.txt"])
        #expect(try cache.index.entry(handle: Self.handle)?.state == .broken)
        #expect(try cache.index.readyEntry(handle: Self.handle) == nil)

        let repaired = try cache.fetch(Self.handle)
        #expect(repaired.origin == .unpackedLocalArchive)
        #expect(try cache.verify(nil).map(\.status) == [.ok])
    }

    @Test("rm deletes files and the row; offline misses fail clearly")
    func removeAndOffline() throws {
        let fixture = try ClientFixture()
        try fixture.addModule(Self.handle, seed: 31)
        let cache = try fixture.cache(registry: fixture.registryRoot)
        let module = try cache.fetch(Self.handle)
        #expect(try cache.remove(try ModuleHandle(parsing: Self.handle)) == [Self.handle])
        #expect(!FileManager.default.fileExists(atPath: module.path))
        #expect(try cache.list().isEmpty)
        #expect(throws: HubError.self) { try cache.remove(try ModuleHandle(parsing: Self.handle)) }

        // A local registry with a local asset needs no network, so offline mode may unpack it.
        let local = try fixture.cache(registry: fixture.registryRoot, offline: true).fetch(Self.handle)
        #expect(local.origin == .unpackedLocalArchive)
        _ = try cache.remove(try ModuleHandle(parsing: Self.handle))

        let offline = try fixture.cache(registry: "http://127.0.0.1:9/unreachable", offline: true)
        #expect {
            try offline.fetch(Self.handle)
        } throws: { error in
            guard case HubError.offlineMiss(let handle) = error else { return false }
            return handle == Self.handle
        }
        #expect {
            try offline.fetch("test/imagenet/tiny/classification")
        } throws: { error in
            if case HubError.offlineRegistry = error { return true }
            return false
        }
    }

    @Test("a ready entry whose folder was emptied by a temp cleaner is refetched, not served")
    func emptiedFolder() throws {
        let fixture = try ClientFixture()
        try fixture.addModule(Self.handle, seed: 41)
        let cache = try fixture.cache(registry: fixture.registryRoot)
        let module = try cache.fetch(Self.handle)
        try FileManager.default.removeItem(atPath: module.path + "/saved_model.pb")
        let again = try cache.fetch(Self.handle)
        #expect(again.origin == .unpackedLocalArchive)
        #expect(FileManager.default.fileExists(atPath: again.path + "/saved_model.pb"))
    }

    @Test("the bundled Registry/index.txt is in sync with the registry documents")
    func bundledIndexInSync() throws {
        let index = try Registry.scan(directory: Repository.registry.path)
        let text = try String(contentsOf: Repository.registry.appendingPathComponent("index.txt"), encoding: .utf8)
        #expect(index.rendered() == text, "run 'hubctl registry-index' to regenerate Registry/index.txt")
        #expect(index.handles.count >= 2)
        for handle in index.handles {
            let registry = Registry(root: Repository.registry.path)
            _ = try registry.entry(for: handle)
        }
    }

    @Test("verify cleans rows a killed fetch left half-done and keeps the partial for resume")
    func staleRows() throws {
        let fixture = try ClientFixture()
        let cache = try fixture.cache(registry: fixture.registryRoot)
        let handle = "test/stale/1"
        let folder = cache.layout.moduleDirectory(for: handle)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data([1]).write(to: URL(fileURLWithPath: cache.layout.partialPath(for: handle)))
        try cache.index.upsert(CacheEntry(handle: handle, resolvedURL: "http://x/m.tar.gz", sha256: "", size: 0,
                                          path: folder, state: .unpacking, format: "hub"))
        let reports = try cache.verify(nil)
        #expect(reports.map(\.status) == [.stale])
        #expect(reports.first?.state == .unpacking)
        #expect(try cache.list().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder))
        #expect(FileManager.default.fileExists(atPath: cache.layout.partialPath(for: handle)))
        #expect(try cache.verify(nil).isEmpty)
    }

    @Test("a corrupted index is moved aside and rebuilt; the orphaned module folder is reclaimed by the next fetch")
    func corruptIndex() throws {
        let fixture = try ClientFixture()
        try fixture.addModule(Self.handle, seed: 91)
        let first = try fixture.cache(registry: fixture.registryRoot)
        let module = try first.fetch(Self.handle)
        let indexPath = first.layout.indexPath
        for suffix in ["-wal", "-shm"] { unlink(indexPath + suffix) }
        try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: indexPath))

        let rebuilt = try fixture.cache(registry: fixture.registryRoot)
        let aside = try #require(rebuilt.rebuiltIndexFrom)
        #expect(FileManager.default.fileExists(atPath: aside))
        #expect(try rebuilt.list().isEmpty)
        let again = try rebuilt.fetch(Self.handle)
        #expect(again.origin == .unpackedLocalArchive)
        #expect(again.path == module.path)
        #expect(try rebuilt.verify(nil).map(\.status) == [.ok])
    }

    @Test("through the fault server: a dropped connection is retried and resumed; an HTML page is refused")
    func faults() throws {
        let fixture = try ClientFixture()
        let digest = try fixture.makeArchive("f.tar.gz", entries: ClientFixture.moduleEntries(seed: 101, size: 1 << 20))
        let server = try FaultServer(root: fixture.registryRoot, stallSeconds: 1, idleSeconds: 10)
        let cache = try fixture.cache(registry: nil)

        let dropped = try cache.fetch(server.url("drop/1/assets/f.tar.gz"))
        #expect(dropped.origin == .downloaded)
        #expect(dropped.attempts == 2)
        #expect(dropped.resumedFrom > 0)
        #expect(dropped.sha256 == digest.sha256)

        let html = server.url("html/assets/f.tar.gz")
        #expect {
            try cache.fetch(html)
        } throws: { error in
            guard case HubError.transport(let handle, .notAnArchive) = error else { return false }
            return handle == html && (error as? HubError)?.description.contains("HTML") == true
        }
        #expect(try cache.index.entry(handle: html) == nil)
        #expect(!FileManager.default.fileExists(atPath: cache.layout.partialPath(for: html)))
        #expect(try cache.list().map(\.state) == [.ready])
    }
}
