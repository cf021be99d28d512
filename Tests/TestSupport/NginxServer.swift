import Foundation

/// Debian's nginx serving a folder on a free loopback port, for transport and end-to-end tests.
///
/// nginx gives real ETags, `Range`/`If-Range` and `Last-Modified`. Extra behaviour:
/// `/redirect/<path>` answers 302 to `/<path>`. Runs in the foreground (`daemon off`) with its
/// config, pid file, logs and temp folders in its own temp directory; `stop()` (also in `deinit`)
/// ends it.
public final class NginxServer: @unchecked Sendable {
    // @unchecked: the process is only touched by start (init) and stop, which is idempotent.
    public static let binary = "/usr/sbin/nginx"

    public let port: Int
    public let root: String
    private let process: Process
    private let workDirectory: TemporaryDirectory

    /// nginx's access log (one line per request, status after the request line).
    public var accessLogPath: String { workDirectory.appending("access.log") }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Serves `root` (which must exist). Throws `TestServerError.missing` when nginx is not installed.
    public init(root: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw TestServerError.missing("\(Self.binary) not found (apt-get install nginx-light)")
        }
        self.root = root
        workDirectory = try TemporaryDirectory(prefix: "hubctl-nginx")
        var lastError = "no attempt"
        for _ in 0..<5 {
            let port = try ServerProcess.freePort()
            let config = Self.config(port: port, root: root, work: workDirectory.path)
            let configPath = workDirectory.appending("nginx.conf")
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = ["-p", workDirectory.path, "-c", configPath, "-g", "daemon off;"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if ServerProcess.waitUntilAccepting(port: port, process: process, timeout: 10) {
                self.port = port
                self.process = process
                return
            }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            lastError = (try? String(contentsOfFile: workDirectory.appending("error.log"), encoding: .utf8)) ?? "nginx exited"
        }
        throw TestServerError.startFailed("nginx: \(lastError)")
    }

    deinit { stop() }

    /// Stops nginx (fast shutdown) and waits for it to exit.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// The URL of `path` (relative to the served folder).
    public func url(_ path: String) -> String { baseURL + "/" + path }

    private static func config(port: Int, root: String, work: String) -> String {
        let user = geteuid() == 0 ? "user root;" : ""
        return """
        \(user)
        worker_processes 1;
        pid \(work)/nginx.pid;
        error_log \(work)/error.log warn;
        events { worker_connections 256; }
        http {
            access_log \(work)/access.log;
            client_body_temp_path \(work)/client_body;
            proxy_temp_path \(work)/proxy;
            fastcgi_temp_path \(work)/fastcgi;
            uwsgi_temp_path \(work)/uwsgi;
            scgi_temp_path \(work)/scgi;
            types {
                application/gzip gz tgz;
                application/x-tar tar;
                application/zip zip;
                text/markdown md;
                text/html html;
            }
            default_type application/octet-stream;
            sendfile on;
            server {
                listen 127.0.0.1:\(port);
                root \(root);
                location /redirect/ {
                    rewrite ^/redirect/(.*)$ /$1 redirect;
                }
            }
        }
        """
    }
}
