import Foundation
import TestSupport
import Testing

/// The built `hubctl` binary, command by command: stdout, one-line stderr errors, exit codes, JSON.
@Suite("hubctl end to end")
struct CommandTests {
    static let fixtureArchive = Repository.fixtures.appendingPathComponent("modules/amoebanet_a_n6_f16_classification.tar.gz").path

    /// A private temp folder with a cache and a small module archive.
    final class Workspace {
        let directory: TemporaryDirectory
        let hubctl: Hubctl
        let archive: String

        init() throws {
            directory = try TemporaryDirectory(prefix: "hubctl-e2e")
            hubctl = Hubctl(cacheRoot: directory.appending("cache"))
            archive = directory.appending("module.tar.gz")
            try TestArchive.make(at: archive, format: .tarGz, entries: [
                .file("saved_model.pb", TestArchive.randomBytes(count: 300, seed: 1)),
                .directory("variables"),
                .file("variables/variables.index", TestArchive.randomBytes(count: 100, seed: 2)),
                .file("variables/variables.data-00000-of-00001", TestArchive.randomBytes(count: 4096, seed: 3)),
            ])
        }
    }

    @Test("--help, --version and per-command help exit 0 on stdout")
    func help() throws {
        let work = try Workspace()
        let help = try work.hubctl("--help")
        #expect(help.status == 0)
        for command in ["fetch", "info", "run", "list", "rm", "verify"] {
            #expect(help.stdout.contains("  \(command) "), "--help does not list \(command)")
        }
        #expect(help.stderr.isEmpty)
        let version = try work.hubctl("--version")
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("hubctl "))
        let fetchHelp = try work.hubctl("fetch", "--help")
        #expect(fetchHelp.status == 0)
        #expect(fetchHelp.stdout.hasPrefix("usage: hubctl fetch"))
    }

    /// Command lines that must be usage errors (exit 64, one `error:` line).
    static let usageErrors: [[String]] = [
        [],
        ["frobnicate"],
        ["fetch"],
        ["fetch", "a/b/1", "c/d/1"],
        ["fetch", "Google/Net/1"],
        ["fetch", "google//x/1"],
        ["fetch", "ftp://example.org/m.tar.gz"],
        ["fetch", "onlyone"],
        ["list", "--bogus"],
        ["rm"],
        ["verify", "a/b/1", "c/d/1"],
        ["info", "google/../x/1"],
        ["fetch", "--cache-dir"],
    ]

    @Test("usage errors exit 64 with one error line", arguments: 0..<13)
    func usageError(index: Int) throws {
        let work = try Workspace()
        let result = try work.hubctl.run(Self.usageErrors[index])
        #expect(result.status == 64, "\(Self.usageErrors[index]) -> \(result.status) \(result.stderr)")
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stdout.isEmpty)
    }

    @Test("fetch, list, verify, rm on a local archive, with and without --json")
    func lifecycle() throws {
        let work = try Workspace()
        let hubctl = work.hubctl

        let fetch = try hubctl("fetch", work.archive)
        #expect(fetch.status == 0, "\(fetch.stderr)")
        let path = fetch.stdout.trimmingCharacters(in: .newlines)
        #expect(path.hasPrefix(work.directory.appending("cache/modules/")))
        #expect(FileManager.default.fileExists(atPath: path + "/saved_model.pb"))

        let again = try hubctl("fetch", work.archive, "--json")
        #expect(again.status == 0)
        let object = try #require(try again.json() as? [String: Any])
        #expect(object["path"] as? String == path)
        #expect(object["origin"] as? String == "cache")
        let expectedSHA = try Reference.sha256sum(work.archive)
        #expect(object["sha256"] as? String == expectedSHA)

        let list = try hubctl("list")
        #expect(list.status == 0)
        #expect(list.stdout.contains("ready"))
        #expect(list.stdout.contains(work.archive))
        let listJSON = try #require(try hubctl("--json", "list").json() as? [[String: Any]])
        #expect(listJSON.count == 1)
        #expect(listJSON.first?["state"] as? String == "ready")

        let verify = try hubctl("verify")
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("ok "))

        // Damage a file: verify fails with one error line, and fetch repairs the module.
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: path + "/variables/variables.index"))
        let damaged = try hubctl("verify", work.archive)
        #expect(damaged.status == 1)
        #expect(damaged.stdout.contains("altered variables/variables.index"))
        #expect(damaged.stderrLines.count == 1)
        #expect(damaged.stderr.hasPrefix("error: "))
        let damagedJSON = try #require(try hubctl("verify", "--json").json() as? [[String: Any]])
        #expect(damagedJSON.first?["state"] as? String == "broken")
        let repaired = try hubctl("fetch", work.archive, "--json")
        #expect(repaired.status == 0)
        #expect((try repaired.json() as? [String: Any])?["origin"] as? String == "unpacked-local-archive")
        #expect(try hubctl("verify").status == 0)

        let rm = try hubctl("rm", work.archive, "--json")
        #expect(rm.status == 0)
        #expect((try rm.json() as? [String: Any])?["removed"] as? [String] == [work.archive])
        #expect(!FileManager.default.fileExists(atPath: path))
        let rmAgain = try hubctl("rm", work.archive)
        #expect(rmAgain.status == 1)
        #expect(rmAgain.stderr == "error: \(work.archive) is not in the cache\n")
        #expect(try hubctl("list", "--json").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]"
                || (try hubctl("list", "--json").json() as? [Any])?.isEmpty == true)
    }

    @Test("a local module folder is used in place")
    func localFolder() throws {
        let work = try Workspace()
        let folder = work.directory.appending("module")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: folder + "/saved_model.pb"))
        let result = try work.hubctl("fetch", "file://" + folder)
        #expect(result.status == 0)
        #expect(result.stdout == folder + "\n")
        let notModule = try work.hubctl("fetch", work.directory.path)
        #expect(notModule.status == 1)
        #expect(notModule.stderr.contains("no saved_model.pb"))
        let missing = try work.hubctl("fetch", work.directory.appending("nope.tar.gz"))
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: no such file or directory: \(work.directory.appending("nope.tar.gz"))\n")
    }

    @Test("offline miss, unreachable registry and missing registry entries fail with exit 1")
    func failures() throws {
        let work = try Workspace()
        let offline = try work.hubctl("fetch", "google/imagenet/amoebanet_a_n18_f448/classification/1", "--offline",
                                      "--registry", Repository.registry.path)
        #expect(offline.status == 1)
        #expect(offline.stderrLines.count == 1)
        #expect(offline.stderr.contains("not in the cache"))

        var env = work.hubctl
        env.environment["HUBCTL_OFFLINE"] = "1"
        #expect(try env("fetch", "google/imagenet/amoebanet_a_n18_f448/feature_vector/1").status == 1)

        let absent = try work.hubctl("fetch", "nobody/nothing/1", "--registry", Repository.registry.path)
        #expect(absent.status == 1)
        #expect(absent.stderr.hasPrefix("error: nobody/nothing/1 is not in the registry"))

        let unreachable = try work.hubctl("fetch", "a/b/1", "--registry", "http://127.0.0.1:9/registry")
        #expect(unreachable.status == 1)
        #expect(unreachable.stderrLines.count == 1)
        #expect(unreachable.stderr.contains("127.0.0.1:9"))
    }

    @Test("fetch through an nginx-served registry, then again with the server gone")
    func httpRegistry() throws {
        let work = try Workspace()
        let registry = work.directory.appending("registry")
        try FileManager.default.createDirectory(atPath: registry + "/test/net", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: work.archive, toPath: registry + "/test/net/m.tar.gz")
        let sha = try Reference.sha256sum(work.archive)
        try """
        # Module test/net/3
        <!-- asset-path: m.tar.gz -->
        <!-- format: hub -->
        <!-- asset-sha256: \(sha) -->

        Test module.
        """.write(toFile: registry + "/test/net/3.md", atomically: true, encoding: .utf8)
        try "test/net/3\n".write(toFile: registry + "/index.txt", atomically: true, encoding: .utf8)
        let nginx = try NginxServer(root: registry)
        let fetch = try work.hubctl("fetch", "test/net", "--registry", nginx.baseURL, "--json")
        #expect(fetch.status == 0, "\(fetch.stderr)")
        let object = try #require(try fetch.json() as? [String: Any])
        #expect(object["handle"] as? String == "test/net/3")
        #expect(object["origin"] as? String == "downloaded")
        #expect(object["resolved_url"] as? String == nginx.url("test/net/m.tar.gz"))
        nginx.stop()
        let cached = try work.hubctl("fetch", "https://tfhub.dev/test/net/3", "--registry", nginx.baseURL)
        #expect(cached.status == 0)
        #expect(cached.stdout == (object["path"] as? String ?? "") + "\n")
    }

    @Test("info describes a real module archive, in text and JSON")
    func info() throws {
        let work = try Workspace()
        let text = try work.hubctl("info", Self.fixtureArchive)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("format:      hub"))
        #expect(text.stdout.contains("classes:     1001"))
        let json = try work.hubctl("info", Self.fixtureArchive, "--json")
        #expect(json.status == 0)
        let object = try #require(try json.json() as? [String: Any])
        #expect(object["handle"] as? String == Self.fixtureArchive)
        #expect(object["format"] as? String == "hub")
        #expect(object["num_classes"] as? Int == 1001)
        #expect(object["expected_image_size"] as? [Int] != nil)
        #expect((object["parameters"] as? Int ?? 0) > 0)
        #expect(object["signatures"] as? [String: Any] != nil)
        #expect(object["sha256"] as? String == (try Reference.sha256sum(Self.fixtureArchive)))
    }
}
