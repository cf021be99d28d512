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
        let server = try FaultServer(root: fixture.registryRoot, stallSeconds: 60)
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

    @Test("8 processes fetching one handle at once, with list and verify running alongside: all succeed, one download")
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
        nonisolated(unsafe) var others: [HubctlProcess.Result?] = []
        DispatchQueue.concurrentPerform(iterations: count + 3) { index in
            let command = index < count ? ["fetch", handle, "--json"] : index == count ? ["verify"] : ["list"]
            let result = try? HubctlProcess.run(command + ["--cache-dir", cacheRoot, "--registry", registry])
            lock.lock()
            if index < count { results[index] = result } else { others.append(result) }
            lock.unlock()
        }
        for other in others {
            let other = try #require(other)
            #expect(other.status == 0, "\(other.stderr)")
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

    @Test("SIGKILL at 16 spread-out points of a fetch never leaves a served broken entry; the next fetch completes")
    func repeatedKills() throws {
        let fixture = try ClientFixture()
        let handle = "test/kill/model/1"
        try fixture.addModule(handle, seed: 71, size: 24 << 20)
        let nginx = try NginxServer(root: fixture.registryRoot)
        let arguments = ["fetch", handle, "--quiet", "--cache-dir", fixture.cacheRoot, "--registry", nginx.baseURL]

        // Time one complete fetch in a scratch cache to spread the kill points over its length.
        let scratch = fixture.directory.appending("scratch-cache")
        let started = Date()
        let probe = try HubctlProcess.run(["fetch", handle, "--quiet", "--cache-dir", scratch, "--registry", nginx.baseURL])
        #expect(probe.status == 0, "\(probe.stderr)")
        let duration = max(Date().timeIntervalSince(started), 0.05)

        // A kill counts only when it hit a running fetch (the process died of SIGKILL, it did not exit first).
        // On a loaded machine a start can take longer than the probe suggested, so a kill that came too late
        // shrinks the delays and is retried: 16 kills always land, spread over the fetch, without timing luck.
        var killedWhileRunning = 0
        var missed = 0
        var scale = 1.0
        var state: UInt64 = 0x2545f4914f6cdd1d
        while killedWhileRunning < 16 && missed < 48 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let jitter = Double(state >> 40) / Double(1 << 24)  // [0, 1)
            let delay = duration * scale * (Double(killedWhileRunning) + jitter) / 16
            let process = try HubctlProcess.start(arguments)
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal {
                killedWhileRunning += 1
            } else {
                missed += 1
                scale *= 0.7
            }

            // Whatever the kill hit, a ready row always has an intact module.
            let cache = try fixture.cache(registry: nginx.baseURL)
            for entry in try cache.list() where entry.state == .ready {
                #expect(try cache.verify(try ModuleHandle(parsing: entry.handle)).map(\.status) == [.ok])
            }
            if (killedWhileRunning + missed) % 4 == 3 { _ = try? cache.remove(try ModuleHandle(parsing: handle)) }
        }
        #expect(killedWhileRunning == 16, "16 kills must land on a running fetch (\(missed) came after it finished)")

        let cache = try fixture.cache(registry: nginx.baseURL)
        let module = try cache.fetch(handle)
        #expect(try cache.verify(nil).map(\.status) == [.ok])
        #expect(try cache.list().map(\.state) == [.ready])
        #expect(module.path == cache.layout.moduleDirectory(for: handle))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache.layout.temporaryDirectory)
        #expect(leftovers.isEmpty, "unpack folders left behind: \(leftovers)")
    }
}
