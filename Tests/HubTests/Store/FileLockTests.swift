import Foundation
import HubStore
import TestSupport
import Testing

@Suite("FileLock") struct FileLockTests {
    let temp: TemporaryDirectory
    var lockPath: String { temp.appending("m.lock") }

    init() throws { temp = try TemporaryDirectory(prefix: "hubctl-lock") }

    @Test("excludes a second holder until released, with a timeout")
    func exclusion() throws {
        let first = try FileLock(path: lockPath)
        let second = try FileLock(path: lockPath)
        try first.lock()
        #expect(try !second.tryLock())
        let started = Date()
        #expect(throws: StoreError.lockTimeout(path: lockPath, seconds: 0.2)) { try second.lock(timeout: 0.2) }
        #expect(Date().timeIntervalSince(started) >= 0.19)
        first.unlock()
        #expect(try second.tryLock())
        second.unlock()
        #expect(Reference.mode(lockPath) == 0o644)
    }

    @Test("serializes threads: a critical section never overlaps")
    func threads() throws {
        let path = lockPath
        let counter = OverlapCounter()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            guard let lock = try? FileLock(path: path) else { counter.fail(); return }
            for _ in 0..<10 {
                do {
                    try lock.withLock(timeout: 20) {
                        counter.enter()
                        Thread.sleep(forTimeInterval: 0.002)
                        counter.leave()
                    }
                } catch {
                    counter.fail()
                }
            }
        }
        #expect(counter.maximum == 1)
        #expect(counter.entries == 60)
        #expect(counter.failures == 0)
    }

    @Test("a lock held by another process blocks; killing that process frees it")
    func otherProcess() throws {
        // util-linux flock(1) takes the same flock(2) lock and holds it while `sleep` runs (--close: the
        // sleeping child does not inherit it, so killing flock itself must free the lock).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["--exclusive", "--close", lockPath, "sleep", "10"]
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        let lock = try FileLock(path: lockPath)
        let deadline = Date().addingTimeInterval(5)
        // Wait until the child actually holds the lock.
        while try lock.tryLock() {
            lock.unlock()
            #expect(Date() < deadline, "flock(1) never took the lock")
            if Date() >= deadline { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(throws: StoreError.self) { try lock.lock(timeout: 0.3) }
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        try lock.lock(timeout: 5)
        #expect(lock.isLocked)
    }
}

/// Counts how many threads are inside a critical section at once.
final class OverlapCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var inside = 0
    private(set) var maximum = 0
    private(set) var entries = 0
    private(set) var failures = 0

    func enter() { lock.withLock { inside += 1; entries += 1; maximum = max(maximum, inside) } }
    func leave() { lock.withLock { inside -= 1 } }
    func fail() { lock.withLock { failures += 1 } }
}
