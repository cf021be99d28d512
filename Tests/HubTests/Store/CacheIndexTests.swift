import Foundation
import HubCore
import HubStore
import TestSupport
import Testing

@Suite("CacheIndex") struct CacheIndexTests {
    let temp: TemporaryDirectory
    var indexPath: String { temp.appending("index.sqlite") }

    init() throws { temp = try TemporaryDirectory(prefix: "hubctl-store") }

    func entry(_ handle: String, state: EntryState, size: Int64 = 10) -> CacheEntry {
        CacheEntry(handle: handle, resolvedURL: "https://example.invalid/\(handle).tar.gz", sha256: String(repeating: "ab", count: 32),
                   size: size, path: "/cache/modules/\(handle)", state: state, format: "hub",
                   fetchedAt: Date(timeIntervalSince1970: 1_700_000_000), lastUsedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test("creates the schema with WAL, user_version and a 0644 file")
    func schema() throws {
        let index = try CacheIndex(path: indexPath)
        #expect(try index.database.userVersion == CacheIndex.schemaVersion)
        let mode = try index.database.prepare("PRAGMA journal_mode")
        #expect(try mode.step())
        #expect(mode.text(0) == "wal")
        let keys = try index.database.prepare("PRAGMA foreign_keys")
        #expect(try keys.step())
        #expect(keys.integer(0) == 1)
        #expect(Reference.mode(indexPath) == 0o644)
        // Reopening an up-to-date index does not migrate again.
        _ = try CacheIndex(path: indexPath)
    }

    @Test("serves only ready entries; entry(handle:) sees every state")
    func onlyReadyServed() throws {
        let index = try CacheIndex(path: indexPath)
        for state in EntryState.allCases {
            try index.upsert(entry("m/\(state.rawValue)/1", state: state))
        }
        for state in EntryState.allCases {
            let handle = "m/\(state.rawValue)/1"
            #expect(try index.entry(handle: handle)?.state == state)
            #expect((try index.readyEntry(handle: handle) != nil) == (state == .ready), "\(state)")
        }
        #expect(try index.setState(handle: "m/downloading/1", .ready))
        #expect(try index.readyEntry(handle: "m/downloading/1") != nil)
        #expect(try index.setState(handle: "m/ready/1", .broken))
        #expect(try index.readyEntry(handle: "m/ready/1") == nil)
        #expect(try !index.setState(handle: "no/such/1", .ready))
        #expect(try index.all().map(\.handle) == EntryState.allCases.map { "m/\($0.rawValue)/1" }.sorted())
    }

    @Test("round-trips entries, upserts in place and touches last_used_at")
    func roundTrip() throws {
        let index = try CacheIndex(path: indexPath)
        var original = entry("a/b/1", state: .downloading)
        try index.upsert(original)
        #expect(try index.entry(handle: "a/b/1") == original)
        original.state = .ready
        original.size = 12345
        try index.upsert(original)
        #expect(try index.entry(handle: "a/b/1") == original)
        #expect(try index.all().count == 1)
        let later = Date(timeIntervalSince1970: 1_800_000_000)
        try index.touch(handle: "a/b/1", at: later)
        #expect(try index.entry(handle: "a/b/1")?.lastUsedAt == later)
        #expect(try index.remove(handle: "a/b/1"))
        #expect(try !index.remove(handle: "a/b/1"))
        #expect(try index.entry(handle: "a/b/1") == nil)
    }

    @Test("records, replaces and cascades the file manifest")
    func manifest() throws {
        let index = try CacheIndex(path: indexPath)
        try index.upsert(entry("a/b/1", state: .ready))
        let first = [ManifestFile(relativePath: "variables/variables.index", size: 5, sha256: "11"),
                     ManifestFile(relativePath: "saved_model.pb", size: 9, sha256: "22")]
        try index.recordFiles(handle: "a/b/1", first)
        #expect(try index.files(handle: "a/b/1") == first.sorted { $0.relativePath < $1.relativePath })
        let second = [ManifestFile(relativePath: "tfhub_module.pb", size: 1, sha256: "33")]
        try index.recordFiles(handle: "a/b/1", second)
        #expect(try index.files(handle: "a/b/1") == second)
        // Files of an unknown handle violate the foreign key and leave nothing behind.
        #expect(throws: StoreError.self) { try index.recordFiles(handle: "missing/1", second) }
        #expect(try index.files(handle: "missing/1").isEmpty)
        try index.remove(handle: "a/b/1")
        #expect(try index.files(handle: "a/b/1").isEmpty)
    }

    @Test("a damaged index file is reported and rebuilt")
    func corruptIndex() throws {
        do {
            let index = try CacheIndex(path: indexPath)
            try index.upsert(entry("a/b/1", state: .ready))
        }
        // Overwrite the SQLite header and first pages with garbage.
        var garbage = TestArchive.randomBytes(count: 16384, seed: 7)
        garbage.replaceSubrange(0..<16, with: Data("this is no db!!!".utf8))
        try garbage.write(to: URL(fileURLWithPath: indexPath))
        try? FileManager.default.removeItem(atPath: indexPath + "-wal")
        try? FileManager.default.removeItem(atPath: indexPath + "-shm")

        let error = captureError { () throws(StoreError) in try CacheIndex(path: indexPath) }
        guard case .notADatabase(let path, _) = error else {
            Issue.record("expected notADatabase, got \(String(describing: error))")
            return
        }
        #expect(path == indexPath)
        #expect(error?.description.contains("can be rebuilt") == true)

        let (index, movedFrom) = try CacheIndex.openOrRebuild(path: indexPath)
        let aside = try #require(movedFrom)
        #expect(FileManager.default.contents(atPath: aside) == garbage, "the damaged file is kept for inspection")
        #expect(try index.all().isEmpty)
        try index.upsert(entry("c/d/1", state: .ready))
        #expect(try index.readyEntry(handle: "c/d/1") != nil)
    }

    @Test("refuses an index from a newer schema")
    func newerSchema() throws {
        do {
            let index = try CacheIndex(path: indexPath)
            try index.database.setUserVersion(99)
        }
        let error = captureError { () throws(StoreError) in try CacheIndex(path: indexPath) }
        #expect(error == .schemaTooNew(path: indexPath, found: 99, supported: CacheIndex.schemaVersion))
    }

    @Test("a full disk is StoreError.diskFull, and the index stays usable",
          .enabled(if: SmallFilesystem.isAvailable, "needs root to mount a small tmpfs"))
    func diskFull() throws {
        let small = try SmallFilesystem(kibibytes: 192)
        let path = small.path + "/index.sqlite"
        let index = try CacheIndex(path: path)
        try index.upsert(entry("keep/1", state: .ready))
        let padding = String(repeating: "x", count: 8000)
        var failure: StoreError?
        for item in 0..<200 {
            failure = captureError { () throws(StoreError) in
                try index.upsert(CacheEntry(handle: "fill/\(item)/" + padding, resolvedURL: padding, sha256: "s", size: 1,
                                            path: "p", state: .ready, format: "hub"))
            }
            if failure != nil { break }
        }
        #expect(failure == .diskFull(path: path))
        #expect(failure?.description == "cache index \(path): disk full while writing")
        #expect(try index.readyEntry(handle: "keep/1") != nil, "earlier rows survive")
    }

    @Test("many connections opening a fresh index at once all succeed (the switch to WAL is retried, not failed)")
    func concurrentFirstOpens() throws {
        // Switching a new file to WAL upgrades a read to a write inside SQLite, where its busy handler is not
        // consulted; 12 first opens at once used to fail some with "database is locked" (seen in CI).
        let failures = StoreFailureLog()
        for round in 0..<15 {
            let path = temp.appending("fresh-\(round).sqlite")
            // Real threads (concurrentPerform would run only as many as there are cores), released together.
            let start = DispatchSemaphore(value: 0)
            let done = DispatchGroup()
            for _ in 0..<12 {
                done.enter()
                Thread.detachNewThread {
                    start.wait()
                    do {
                        let index = try CacheIndex(path: path)
                        _ = try index.all()
                    } catch {
                        failures.append("round \(round): \(error)")
                    }
                    done.leave()
                }
            }
            for _ in 0..<12 { start.signal() }
            done.wait()
        }
        #expect(failures.values.isEmpty, "\(failures.values.prefix(3))")
    }

    @Test("concurrent writers on separate connections all land (WAL + busy timeout)")
    func concurrentWriters() throws {
        _ = try CacheIndex(path: indexPath)
        let path = indexPath
        let failures = StoreFailureLog()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            do {
                let index = try CacheIndex(path: path)
                for item in 0..<25 {
                    try index.upsert(CacheEntry(handle: "w\(worker)/m\(item)/1", resolvedURL: "u", sha256: "s", size: 1,
                                                path: "p", state: .ready, format: "hub"))
                    try index.recordFiles(handle: "w\(worker)/m\(item)/1",
                                          [ManifestFile(relativePath: "f", size: 1, sha256: "s")])
                }
            } catch {
                failures.append("\(error)")
            }
        }
        #expect(failures.values.isEmpty)
        let index = try CacheIndex(path: indexPath)
        #expect(try index.all().count == 200)
    }
}

/// A tiny lock-protected list for collecting results from concurrent workers.
final class StoreFailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) { lock.withLock { items.append(item) } }
    var values: [String] { lock.withLock { items } }
}
