import Foundation

/// `Tests/Support/fault_server.py`: a loopback HTTP server whose URL paths inject faults (dropped
/// connections, stalls, 5xx/429, wrong Content-Length, ignored Range, changed files, redirect
/// loops and scheme changes, HTML bodies). See the script's docstring for the path grammar.
/// It exits by itself after `idleSeconds` without requests; `stop()` / `deinit` end it sooner.
public final class FaultServer: @unchecked Sendable {
    // @unchecked: the process is only touched by init and the idempotent stop.
    public static let script = Repository.root.appendingPathComponent("Tests/Support/fault_server.py").path

    public let port: Int
    /// With `tls: true`, the PEM certificate (self-signed for 127.0.0.1) a client must trust.
    public let certificatePath: String?
    private let process: Process
    private let certificateDirectory: TemporaryDirectory?

    public var baseURL: String { (certificatePath == nil ? "http" : "https") + "://127.0.0.1:\(port)" }

    /// Serves files under `root`; `stallSeconds` is how long `/stall/` paths go quiet. With `tls`,
    /// serves HTTPS with a fresh self-signed certificate for 127.0.0.1 (made by `openssl req`).
    public init(root: String, stallSeconds: Double = 3, idleSeconds: Double = 120, tls: Bool = false) throws {
        var tlsArguments: [String] = []
        if tls {
            let directory = try TemporaryDirectory(prefix: "hubctl-tls")
            let cert = directory.appending("cert.pem")
            let key = directory.appending("key.pem")
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                 "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
            openssl.standardOutput = FileHandle.nullDevice
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            guard openssl.terminationStatus == 0 else { throw TestServerError.startFailed("openssl req failed") }
            tlsArguments = ["--cert", cert, "--key", key]
            certificateDirectory = directory
            certificatePath = cert
        } else {
            certificateDirectory = nil
            certificatePath = nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "--root", root, "--stall", "\(stallSeconds)", "--idle", "\(idleSeconds)"]
            + tlsArguments
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
