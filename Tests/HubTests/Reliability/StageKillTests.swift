import Foundation
import HubClient
import HubCore
import HubStore
import TestSupport
import Testing

/// `kill -9` of `hubctl fetch` at each stage of the pipeline, placed by what the test observes rather than by
/// timing: during the download (the partial grew and the fault server stalls), during unpack (the `tmp/`
/// folder exists, the module is not renamed in yet) and during the index update (the module was renamed in
/// while another process holds SQLite's write lock, so the fetch waits on its manifest write).
@Suite("crash safety: SIGKILL during download, unpack and index update")
struct StageKillTests {
    static let killsPerStage = 10

    @Test("10 kills while downloading, 10 while unpacking, 10 during the index update: nothing broken is served, verify is clean, the next fetch completes and a resume reused the partial",
          .timeLimit(.minutes(3)))
    func killsAtEveryStage() throws {
        let fixture = try ClientFixture()
        // A few MB of weights plus many small files, so unpacking takes long enough to be caught.
        var entries = ClientFixture.moduleEntries(seed: 81, size: 6 << 20)
        entries.append(.directory("assets"))
        for index in 0..<400 {
            entries.append(.file("assets/part-\(index).bin", TestArchive.randomBytes(count: 2048, seed: 1000 + UInt64(index))))
        }
        let digest = try fixture.makeArchive("big.tar.gz", entries: entries)
        // The first 10 requests send half of what they are asked for, then go quiet for longer than the test.
        let server = try FaultServer(root: fixture.registryRoot, stallSeconds: 120)
        let url = server.url("stall/\(Self.killsPerStage)/assets/big.tar.gz")
        let layout = CacheLayout(root: fixture.cacheRoot)
        let key = CacheLayout.key(for: url)
        let partial = layout.partialPath(forKey: key)
        let moduleDirectory = layout.moduleDirectory(forKey: key)
        let fetch = ["fetch", url, "--cache-dir", fixture.cacheRoot, "--quiet"]

        // Stage 1: download. Each attempt resumes, receives half of the rest, and is killed while stalled.
        var previous: Int64 = 0
        for _ in 0..<Self.killsPerStage {
            let process = try HubctlProcess.start(fetch)
            let target = previous + max(1, (digest.size - previous) / 2)
            let grew = Self.wait(for: process) { Self.size(of: partial) >= target }
            #expect(grew, "the partial did not reach \(target) bytes (has \(Self.size(of: partial)))")
            try Self.kill(process)
            #expect(Self.size(of: partial) > previous, "a resumed attempt must keep and extend the partial")
            previous = Self.size(of: partial)
            try Self.expectNothingBrokenServed(fixture)
        }
        let resumed = try HubctlProcess.run(["fetch", url, "--cache-dir", fixture.cacheRoot, "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(resumed.stdout.utf8)) as? [String: Any]
        #expect((object?["resumed_from"] as? NSNumber)?.int64Value == previous, "\(resumed.stdout)")
        #expect(previous > 0)
        #expect(object?["sha256"] as? String == digest.sha256)
        let removed = try HubctlProcess.run(["rm", url, "--cache-dir", fixture.cacheRoot])
        #expect(removed.status == 0, "\(removed.stderr)")

        // Stage 2: unpack. Killed as soon as the unpack folder exists; it counts when the module had not
        // been renamed into modules/ yet (the row is still `unpacking`).
        var unpackKills = 0
        for _ in 0..<(3 * Self.killsPerStage) where unpackKills < Self.killsPerStage {
            let process = try HubctlProcess.start(fetch)
            _ = Self.wait(for: process) { Self.hasUnpackFolder(layout, key: key) }
            let running = process.isRunning
            try Self.kill(process, expectKilled: false)
            if running && !FileManager.default.fileExists(atPath: moduleDirectory) {
                unpackKills += 1
                #expect(try fixture.cache(registry: nil).index.entry(handle: url)?.state == .unpacking)
            }
            try Self.expectNothingBrokenServed(fixture)
            try Self.removeIfReady(fixture, url: url)
        }
        #expect(unpackKills == Self.killsPerStage)

        // Stage 3: index update. Once unpacking started, another process takes the index's write lock; the
        // fetch renames its module into place and then waits on its manifest write, where it is killed.
        var indexKills = 0
        for _ in 0..<(3 * Self.killsPerStage) where indexKills < Self.killsPerStage {
            let process = try HubctlProcess.start(fetch)
            _ = Self.wait(for: process) { Self.hasUnpackFolder(layout, key: key) }
            let lock = try IndexWriteLock(databasePath: layout.indexPath)
            let renamed = Self.wait(for: process) { FileManager.default.fileExists(atPath: moduleDirectory) }
            let running = process.isRunning
            try Self.kill(process, expectKilled: false)
            lock.release()
            let state = try fixture.cache(registry: nil).index.entry(handle: url)?.state
            if running && renamed && state != .ready { indexKills += 1 }
            try Self.expectNothingBrokenServed(fixture)
            try Self.removeIfReady(fixture, url: url)
        }
        #expect(indexKills == Self.killsPerStage)

        // After 30 kills: verify is clean, the next fetch completes from the kept partial, nothing is left over.
        let verify = try HubctlProcess.run(["verify", "--cache-dir", fixture.cacheRoot])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let final = try HubctlProcess.run(["fetch", url, "--cache-dir", fixture.cacheRoot, "--json"])
        #expect(final.status == 0, "\(final.stderr)")
        let cache = try fixture.cache(registry: nil)
        #expect(try cache.verify(nil).map(\.status) == [.ok])
        #expect(try cache.list().map(\.state) == [.ready])
        #expect(try cache.index.readyEntry(handle: url)?.sha256 == digest.sha256)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: layout.temporaryDirectory)
        #expect(leftovers.isEmpty, "unpack folders left behind: \(leftovers)")
    }

    /// Polls `condition` every 2 ms until it holds (true), the process exits, or 30 s pass (false).
    static func wait(for process: Process, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if condition() { return true }
            if !process.isRunning { return condition() }
            usleep(2000)
        }
        return false
    }

    /// SIGKILLs `process` and reaps it; with `expectKilled` the process must not have finished first.
    static func kill(_ process: Process, expectKilled: Bool = true) throws {
        let pid = process.processIdentifier
        _ = Foundation.kill(pid, SIGKILL)
        process.waitUntilExit()
        if expectKilled { #expect(process.terminationReason == .uncaughtSignal, "pid \(pid) finished before the kill") }
    }

    static func size(of path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    static func hasUnpackFolder(_ layout: CacheLayout, key: String) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.temporaryDirectory)) ?? []
        return names.contains { $0.hasPrefix(key + ".") }
    }

    /// Whatever a kill hit, every ready row has an intact module (verify re-hashes it against its manifest).
    static func expectNothingBrokenServed(_ fixture: ClientFixture) throws {
        let cache = try fixture.cache(registry: nil)
        for entry in try cache.list() where entry.state == .ready {
            #expect(try cache.verify(try ModuleHandle(parsing: entry.handle)).map(\.status) == [.ok])
        }
    }

    /// A round whose fetch finished before the kill leaves a ready module; remove it so the next round unpacks.
    static func removeIfReady(_ fixture: ClientFixture, url: String) throws {
        let cache = try fixture.cache(registry: nil)
        if try cache.index.readyEntry(handle: url) != nil { _ = try cache.remove(try ModuleHandle(parsing: url)) }
    }
}
