import Foundation

/// `Tests/Support/fault_server.py`: a loopback HTTP server whose URL paths inject faults (dropped
/// connections, stalls, 5xx/429, wrong Content-Length, ignored Range, changed files, redirect
/// loops and scheme changes, HTML bodies). See the script's docstring for the path grammar.
/// It exits by itself after `idleSeconds` without requests; `stop()` / `deinit` end it sooner.
public final class FaultServer: @unchecked Sendable {
    // @unchecked: the process is only touched by init and the idempotent stop.
    public static let script = Repository.root.appendingPathComponent("Tests/Support/fault_server.py").path

    public let port: Int
    private let process: Process

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Serves files under `root`; `stallSeconds` is how long `/stall/` paths go quiet.
    public init(root: String, stallSeconds: Double = 3, idleSeconds: Double = 120) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "--root", root, "--stall", "\(stallSeconds)", "--idle", "\(idleSeconds)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The script prints its port on the first line.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0a]) {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)) else {
            if process.isRunning { process.terminate() }
            throw TestServerError.startFailed("fault_server.py printed no port")
        }
        self.port = port
        self.process = process
    }

    deinit { stop() }

    /// Kills the server (SIGKILL: it holds no state worth a graceful exit) and waits for it.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// `http://127.0.0.1:<port>/<path>` with a fresh `?t=<uuid>` so fault counters start at zero.
    public func url(_ path: String) -> String { baseURL + "/" + path + "?t=" + UUID().uuidString }
}
