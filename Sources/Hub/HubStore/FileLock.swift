import Foundation

/// An exclusive `flock(2)` on a lock file. The kernel releases it when the holder exits or is
/// killed, so a crashed fetch never leaves a stale lock behind. Not reentrant; one holder at a
/// time per open file description (a second `FileLock` on the same path in one process waits too).
public final class FileLock {
    public let path: String
    private let descriptor: Int32
    public private(set) var isLocked = false

    /// Opens (creating, 0644) the lock file. Parent folders must exist.
    public init(path: String) throws(StoreError) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw StoreError.io(path: path, message: "cannot open lock file: \(StoreError.errnoMessage())")
        }
        descriptor = fd
        _ = fchmod(fd, 0o644)
    }

    deinit {
        if isLocked { flock(descriptor, LOCK_UN) }
        close(descriptor)
    }

    /// Takes the lock, waiting at most `timeout` seconds (nil: wait forever).
    public func lock(timeout: Double? = nil) throws(StoreError) {
        guard let timeout else {
            while flock(descriptor, LOCK_EX) != 0 {
                if errno != EINTR {
                    throw StoreError.io(path: path, message: "flock failed: \(StoreError.errnoMessage())")
                }
            }
            isLocked = true
            return
        }
        let deadline = Date().addingTimeInterval(timeout)
        var pause = 0.005
        while true {
            if try tryLock() { return }
            if Date() >= deadline { throw StoreError.lockTimeout(path: path, seconds: timeout) }
            Thread.sleep(forTimeInterval: min(pause, max(0, deadline.timeIntervalSinceNow)))
            pause = min(pause * 2, 0.1)
        }
    }

    /// Takes the lock if it is free; false when another holder has it.
    public func tryLock() throws(StoreError) -> Bool {
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
            isLocked = true
            return true
        }
        if errno == EWOULDBLOCK || errno == EINTR { return false }
        throw StoreError.io(path: path, message: "flock failed: \(StoreError.errnoMessage())")
    }

    public func unlock() {
        guard isLocked else { return }
        flock(descriptor, LOCK_UN)
        isLocked = false
    }

    /// Runs `body` while holding the lock.
    public func withLock<T, E: Error>(timeout: Double? = nil, _ body: () throws(E) -> T) throws -> T {
        try lock(timeout: timeout)
        defer { unlock() }
        return try body()
    }
}
