import Foundation

/// Runs `body` and returns the typed error it threw, or nil when it succeeded, so tests can compare
/// the exact error case (`#expect(captureError { … } == .notFound(url: u))`).
public func captureError<T, E: Error>(_ body: () throws(E) -> T) -> E? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// Independent references for checking what the code under test computed.
public enum Reference {
    /// SHA-256 of a file by coreutils' `sha256sum`, not by the project's own hasher.
    public static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    /// SHA-256 of bytes via `sha256sum` (written to a temp file first).
    public static func sha256sum(of data: Data) throws -> String {
        let path = NSTemporaryDirectory() + "/hubctl-ref-\(UUID().uuidString)"
        try data.write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        return try sha256sum(path)
    }

    /// Permission bits of a path (lstat, so links are not followed).
    public static func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }
}
