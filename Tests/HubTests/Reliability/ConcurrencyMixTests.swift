import Foundation
import HubClient
import HubCore
import HubStore
import TestSupport
import Testing

/// Many `hubctl` processes on one cache at once: fetches of one handle mixed with `list`, `verify`, `run` and
/// `rm`, and fetches that start after a lock holder was killed. Each test is bounded by a time limit, so a
/// deadlock fails instead of hanging.
@Suite("concurrency: fetch with list, verify, run and rm; a killed lock holder")
struct ConcurrencyMixTests {
    static let demo = "hubctl/digits/amoebanet_a_n6_f24/classification/1"
    static var sample: String { Repository.registry.appendingPathComponent("hubctl/digits/samples/digit_7.png").path }

    /// Runs every command line at once (one thread each) and returns the results in order.
    static func runTogether(_ commands: [[String]]) -> [HubctlProcess.Result?] {
        nonisolated(unsafe) var results = [HubctlProcess.Result?](repeating: nil, count: commands.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: commands.count) { index in
            let result = try? HubctlProcess.run(commands[index])
            lock.lock()
            results[index] = result
            lock.unlock()
        }
        return results
    }

    static func origin(_ result: HubctlProcess.Result) -> String {
        let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["origin"] as? String ?? "?"
    }

    @Test("8 fetches of the demo module with list, verify and 2 runs: all succeed, one download, one row; then 8 fetches with rm: at most one new download, no duplicate rows",
          .timeLimit(.minutes(2)))
    func fetchListVerifyRunRemove() throws {
        let directory = try TemporaryDirectory(prefix: "hubctl-mix")
        let cacheRoot = directory.appending("cache")
        let nginx = try NginxServer(root: Repository.registry.path)
        let common = ["--cache-dir", cacheRoot, "--registry", nginx.baseURL]

        // Generation 1: the module is fetched by 8 processes while list, verify and two runs start too.
        var commands = [[String]](repeating: ["fetch", Self.demo, "--json"] + common, count: 8)
        commands += [["list"] + common, ["verify"] + common,
                     ["run", Self.demo, Self.sample] + common, ["run", Self.demo, Self.sample] + common]
        let first = Self.runTogether(commands)
        for (index, result) in first.enumerated() {
            let result = try #require(result, "command \(commands[index]) did not run")
            #expect(result.status == 0, "\(commands[index].prefix(2)): \(result.stderr)")
        }
        let origins = first.prefix(8).compactMap { $0.map(Self.origin) }
        #expect(origins.filter { $0 == "downloaded" }.count == 1, "\(origins)")
        #expect(origins.filter { $0 == "cache" }.count == 7, "\(origins)")
        for run in first.suffix(2) {
            let lines = run?.stdout.split(separator: "\n").map(String.init) ?? []
            #expect(lines.count > 1 && lines[1].hasSuffix("  7  (index 7)"), "\(lines)")
        }
        let cache = try ModuleCache(configuration: HubConfiguration(cacheRoot: cacheRoot, registryRoot: nginx.baseURL))
        #expect(try cache.list().map(\.handle) == [Self.demo])
        #expect(try cache.verify(nil).map(\.status) == [.ok])

        // Generation 2: rm races 8 fetches. Whatever the order, at most one fetch downloads again (the first one
        // after the removal), every fetch succeeds, and the index holds at most one row for the handle.
        commands = [[String]](repeating: ["fetch", Self.demo, "--json"] + common, count: 8)
        commands += [["rm", Self.demo] + common, ["list"] + common, ["verify"] + common]
        let second = Self.runTogether(commands)
        for (index, result) in second.enumerated() {
            let result = try #require(result, "command \(commands[index]) did not run")
            #expect(result.status == 0, "\(commands[index].prefix(2)): \(result.stderr)")
        }
        let again = second.prefix(8).compactMap { $0.map(Self.origin) }
        #expect(again.filter { $0 == "downloaded" }.count <= 1, "\(again)")
        #expect(again.allSatisfy { $0 == "downloaded" || $0 == "cache" }, "\(again)")
        let rows = try cache.list()
        #expect(rows.count <= 1 && rows.allSatisfy { $0.handle == Self.demo && $0.state == .ready }, "\(rows)")
        // A download in this generation can only follow the rm, so the module is back; with none, every fetch
        // was served before the rm and the module is gone.
        #expect(rows.count == (again.contains("downloaded") ? 1 : 0), "\(again) \(rows)")
        let final = try HubctlProcess.run(["fetch", Self.demo, "--json"] + common)
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try cache.verify(nil).map(\.status) == [.ok])
    }

    @Test("a fetch killed while holding the handle's lock does not block the next ones: 4 fetches finish, one resumes the partial",
          .timeLimit(.minutes(1)))
    func killedLockHolder() throws {
        let fixture = try ClientFixture()
        let digest = try fixture.makeArchive("held.tar.gz", entries: ClientFixture.moduleEntries(seed: 91, size: 2 << 20))
        let server = try FaultServer(root: fixture.registryRoot, stallSeconds: 120)
        let url = server.url("stall/1/assets/held.tar.gz")
        let layout = CacheLayout(root: fixture.cacheRoot)
        let holder = try HubctlProcess.start(["fetch", url, "--cache-dir", fixture.cacheRoot, "--quiet"])
        // Stalled mid-body with the lock held (the lock file exists and the partial grew).
        let stalled = StageKillTests.wait(for: holder) { StageKillTests.size(of: layout.partialPath(for: url)) >= digest.size / 2 }
        #expect(stalled)
        #expect(FileManager.default.fileExists(atPath: layout.lockPath(for: url)))
        try StageKillTests.kill(holder)

        let results = Self.runTogether([[String]](repeating: ["fetch", url, "--cache-dir", fixture.cacheRoot, "--json"], count: 4))
        var resumed: [Int64] = []
        for result in results {
            let result = try #require(result)
            #expect(result.status == 0, "\(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            if object?["origin"] as? String == "downloaded" { resumed.append((object?["resumed_from"] as? NSNumber)?.int64Value ?? -1) }
        }
        #expect(resumed.count == 1, "exactly one of the four downloads: \(resumed)")
        #expect(resumed.allSatisfy { $0 >= digest.size / 2 }, "the download resumed from the killed one's partial: \(resumed)")
    }
}
