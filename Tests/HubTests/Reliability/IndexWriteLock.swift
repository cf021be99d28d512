import Foundation

/// Holds SQLite's write lock on a cache index from another process (python3's sqlite3, `BEGIN IMMEDIATE`),
/// so a `hubctl` that reaches its next index write waits there (busy timeout) and can be killed exactly
/// during the index update. Released by `release()` or when this object goes away.
final class IndexWriteLock {
    private let process = Process()
    private let input = Pipe()

    /// Blocks until the lock is held (python prints `locked`), or throws when it cannot be taken.
    init(databasePath: String) throws {
        let script = """
        import sqlite3, sys
        db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        sys.stdin.read()
        db.execute("ROLLBACK")
        """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, databasePath]
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableDataUntilNewline(), as: UTF8.self)
        guard line.hasPrefix("locked") else {
            release()
            throw CocoaError(.fileLocking, userInfo: [NSFilePathErrorKey: databasePath])
        }
    }

    /// Ends the transaction and the helper process.
    func release() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.waitUntilExit() }
    }

    deinit { release() }
}

extension FileHandle {
    /// Reads byte by byte up to and including the first newline (or end of file).
    fileprivate func availableDataUntilNewline() -> Data {
        var data = Data()
        while let byte = try? read(upToCount: 1), let first = byte.first {
            data.append(first)
            if first == UInt8(ascii: "\n") { break }
        }
        return data
    }
}
