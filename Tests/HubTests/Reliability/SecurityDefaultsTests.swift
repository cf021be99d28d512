import Foundation
import HubClient
import HubCore
import HubStore
import TestSupport
import Testing

/// Defaults that keep a cache safe without any flag: TLS verification, the allowed schemes, no redirect to a
/// non-http scheme, and no world-writable cache file even under `umask 000`.
@Suite("security defaults through hubctl")
struct SecurityDefaultsTests {
    /// The single stderr line of a failed command, with its exit status.
    static func failure(_ arguments: [String]) throws -> (status: Int32, line: String) {
        let result = try HubctlProcess.run(arguments)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 1, "\(arguments.prefix(2)): \(result.stderr)")
        return (result.status, lines.first ?? "")
    }

    @Test("a self-signed https server is refused with one line naming the certificate problem; nothing is cached")
    func untrustedCertificate() throws {
        let fixture = try ClientFixture()
        try fixture.makeArchive("tls.tar.gz", entries: ClientFixture.moduleEntries(seed: 111))
        let server = try FaultServer(root: fixture.registryRoot, tls: true)
        let url = server.url("ok/assets/tls.tar.gz")
        #expect(url.hasPrefix("https://"))
        let (status, line) = try Self.failure(["fetch", url, "--cache-dir", fixture.cacheRoot])
        #expect(status == 1)
        #expect(line.lowercased().contains("certificate"), "\(line)")
        #expect(try fixture.cache(registry: nil).list().isEmpty)
    }

    @Test("schemes other than http, https and file are refused as handles, registries and asset paths",
          arguments: ["ftp://127.0.0.1/m.tar.gz", "gopher://127.0.0.1/m.tar.gz", "scp://host/m.tar.gz", "javascript://x"])
    func otherSchemes(url: String) throws {
        let fixture = try ClientFixture()
        let (status, line) = try Self.failure(["fetch", url, "--cache-dir", fixture.cacheRoot])
        #expect(status != 0)
        #expect(line.contains(url), "\(line)")

        let registry = try Self.failure(["fetch", "test/scheme/model/1", "--cache-dir", fixture.cacheRoot, "--registry", url])
        #expect(registry.status != 0, "\(registry.line)")

        try fixture.addEntry("test/scheme/model/1", asset: url, sha256: nil, size: nil)
        let asset = try Self.failure(["fetch", "test/scheme/model/1", "--cache-dir", fixture.cacheRoot,
                                      "--registry", fixture.registryRoot])
        #expect(asset.status == 1)
        #expect(asset.line.contains("asset-path"), "\(asset.line)")
        #expect(try fixture.cache(registry: nil).list().isEmpty)
    }

    @Test("redirects to ftp:// and file:// are refused in one line; /etc/passwd never reaches the cache",
          arguments: ["redirect-ftp", "redirect-file"])
    func redirectToOtherScheme(kind: String) throws {
        let fixture = try ClientFixture()
        try fixture.makeArchive("r.tar.gz", entries: ClientFixture.moduleEntries(seed: 112))
        let server = try FaultServer(root: fixture.registryRoot)
        let (status, line) = try Self.failure(["fetch", server.url("\(kind)/assets/r.tar.gz"), "--cache-dir", fixture.cacheRoot])
        #expect(status == 1)
        // The line names the refused target, not just the URL asked for.
        let target = kind == "redirect-ftp" ? "ftp://127.0.0.1:1/" : "file:///etc/passwd"
        #expect(line.contains(target) && line.contains("unsupported URL scheme"), "\(line)")
        let downloads = CacheLayout(root: fixture.cacheRoot).downloadsDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: downloads)) ?? [] {
            let text = (try? String(contentsOfFile: downloads + "/" + name, encoding: .utf8)) ?? ""
            #expect(!text.contains("root:x:0:0"), "\(name) holds /etc/passwd")
        }
    }

    @Test("under umask 000, fetch and run of the demo module leave no group- or world-writable path in the cache")
    func umaskZero() throws {
        let directory = try TemporaryDirectory(prefix: "hubctl-umask")
        let cacheRoot = directory.appending("cache")
        let nginx = try NginxServer(root: Repository.registry.path)
        let demo = "hubctl/digits/amoebanet_a_n6_f24/classification/1"
        let sample = Repository.registry.appendingPathComponent("hubctl/digits/samples/digit_7.png").path
        let flags = ["--cache-dir", cacheRoot, "--registry", nginx.baseURL]
        // `run` as well as `fetch`: it writes the prepared-weights file into the cache.
        let commands = [["fetch", demo, "--quiet"] + flags, ["run", demo, sample] + flags].map { arguments in
            ([HubctlProcess.binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        }
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "umask 000 && " + commands.joined(separator: " >/dev/null && ") + " >/dev/null"]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)

        var checked = 0
        let root = cacheRoot
        for relative in [""] + (FileManager.default.subpaths(atPath: root) ?? []) {
            let path = relative.isEmpty ? root : root + "/" + relative
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            checked += 1
            #expect(info.st_mode & 0o022 == 0, "\(relative) has mode \(String(info.st_mode & 0o7777, radix: 8))")
            #expect(info.st_mode & 0o7000 == 0, "\(relative) has setuid/setgid/sticky bits")
        }
        #expect(checked >= 10, "only \(checked) paths were checked")
        let subpaths = FileManager.default.subpaths(atPath: root) ?? []
        #expect(subpaths.contains { $0.hasPrefix("prepared/") && $0.hasSuffix(".weights") }, "run wrote no prepared weights: \(subpaths)")
    }
}
