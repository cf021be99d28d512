import Foundation
import HubClient
import HubCore
import HubStore
import TestSupport
import Testing

/// Several real `hubctl` processes: kill -9 mid-download and concurrent fetches of one handle.
@Suite("hubctl processes: resume after kill, concurrent fetches")
struct ProcessTests {
    @Test("a download killed with SIGKILL resumes from the partial file on the next fetch")
    func resumeAfterKill() throws {
        let fixture = try ClientFixture()
        let size = 4 << 20
        let digest = try fixture.makeArchive("big.tar.gz", entries: ClientFixture.moduleEntries(seed: 51, size: size))
        // The first request sends half the body, then stalls far longer than the test waits.
        // A short idle limit lets the server exit soon after the test (SIGTERM from stop() can be
        // ignored when the test runner ignores it, and the stalled handler would otherwise linger).
        let server = try FaultServer(root: fixture.registryRoot, stallSeconds: 60, idleSeconds: 5)
        let url = server.url("stall/1/assets/big.tar.gz")
        let cacheRoot = fixture.cacheRoot
        let process = try HubctlProcess.start(["fetch", url, "--cache-dir", cacheRoot, "--quiet"])
        let partial = CacheLayout(root: cacheRoot).partialPath(for: url)
        let deadline = Date().addingTimeInterval(30)
        var seen: Int64 = 0
        while Date() < deadline {
            let attributes = try? FileManager.default.attributesOfItem(atPath: partial)
            seen = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
            if seen >= digest.size / 2 - 1 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(seen > 0, "the partial download never grew")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let cache = try fixture.cache(registry: nil)
        #expect(try cache.index.readyEntry(handle: url) == nil)
        let module = try cache.fetch(url)
        #expect(module.origin == .downloaded)
        #expect(module.resumedFrom > 0)
        #expect(module.resumedFrom == seen)
        #expect(module.sha256 == digest.sha256)
        #expect(try cache.verify(nil).map(\.status) == [.ok])
    }

    @Test("8 processes fetching one handle at once: all succeed, exactly one downloads")
    func concurrentFetches() throws {
        let fixture = try ClientFixture()
        let handle = "test/concurrent/model/1"
        try fixture.addModule(handle, seed: 61, size: 2 << 20)
        let nginx = try NginxServer(root: fixture.registryRoot)
        let count = 8
        nonisolated(unsafe) var results = [HubctlProcess.Result?](repeating: nil, count: count)
        let lock = NSLock()
        let cacheRoot = fixture.cacheRoot
        let registry = nginx.baseURL
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let result = try? HubctlProcess.run(["fetch", handle, "--json", "--cache-dir", cacheRoot,
                                                 "--registry", registry])
            lock.lock()
            results[index] = result
            lock.unlock()
        }
        var origins: [String] = []
        var paths: Set<String> = []
        for result in results {
            let result = try #require(result)
            #expect(result.status == 0, "\(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            origins.append(object?["origin"] as? String ?? "?")
            paths.insert(object?["path"] as? String ?? "?")
        }
        #expect(origins.filter { $0 == "downloaded" }.count == 1, "\(origins)")
        #expect(origins.filter { $0 == "cache" }.count == count - 1, "\(origins)")
        #expect(paths.count == 1)
        let entries = try fixture.cache(registry: nil).list()
        #expect(entries.map(\.handle) == [handle])
        #expect(entries.map(\.state) == [.ready])
    }
}
