import Foundation
import HubClient
import HubCore
import HubStore
import TestSupport
import Testing

/// Damage to a cache seen through the `hubctl` commands: files changed inside a module, a deleted or garbage
/// index, and a cache the user cannot write.
@Suite("damage: altered modules, lost or corrupt index, read-only cache")
struct DamageTests {
    static let handle = "test/damage/model/1"

    /// A fixture registry (a local folder) holding one module, and the common flags.
    static func setUp() throws -> (ClientFixture, [String]) {
        let fixture = try ClientFixture()
        try fixture.addModule(handle, seed: 101, size: 256 << 10)
        return (fixture, ["--cache-dir", fixture.cacheRoot, "--registry", fixture.registryRoot])
    }

    static func hubctl(_ arguments: [String]) throws -> HubctlProcess.Result { try HubctlProcess.run(arguments) }

    @Test("a deleted and an altered file: verify names both and exits 1, the next fetch repairs, verify is clean")
    func alteredModule() throws {
        let (fixture, flags) = try Self.setUp()
        let fetched = try Self.hubctl(["fetch", Self.handle, "--json"] + flags)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        let module = CacheLayout(root: fixture.cacheRoot).moduleDirectory(for: Self.handle)
        try FileManager.default.removeItem(atPath: module + "/tfhub_module.pb")
        let weights = try FileHandle(forUpdating: URL(fileURLWithPath: module + "/variables/variables.data-00000-of-00001"))
        try weights.seek(toOffset: 1000)
        try weights.write(contentsOf: Data([0xFF, 0x00, 0xFF]))
        try weights.close()

        let verify = try Self.hubctl(["verify", "--json"] + flags)
        #expect(verify.status == 1)
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [[String: Any]])
        #expect(reports.count == 1)
        #expect(reports.first?["status"] as? String == "damaged")
        #expect(reports.first?["missing"] as? [String] == ["tfhub_module.pb"])
        #expect(reports.first?["altered"] as? [String] == ["variables/variables.data-00000-of-00001"])

        let repaired = try Self.hubctl(["fetch", Self.handle, "--json"] + flags)
        #expect(repaired.status == 0, "\(repaired.stderr)")
        let clean = try Self.hubctl(["verify"] + flags)
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(try fixture.cache(registry: nil).verify(nil).map(\.status) == [.ok])
    }

    @Test("a deleted index: commands still work on an empty index, and the next fetch reclaims the orphaned folder")
    func deletedIndex() throws {
        let (fixture, flags) = try Self.setUp()
        #expect(try Self.hubctl(["fetch", Self.handle] + flags).status == 0)
        let layout = CacheLayout(root: fixture.cacheRoot)
        for suffix in ["", "-wal", "-shm"] { unlink(layout.indexPath + suffix) }

        let list = try Self.hubctl(["list", "--json"] + flags)
        #expect(list.status == 0, "\(list.stderr)")
        #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true, "\(list.stdout)")
        // The loss is said once, in one line; the recreated index makes later commands quiet again.
        #expect(list.stderr.contains("was missing and has been recreated; 1 cached module folder(s)"), "\(list.stderr)")
        #expect(list.stderr.split(separator: "\n").count == 1)
        let fetched = try Self.hubctl(["fetch", Self.handle, "--json"] + flags)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(try Self.hubctl(["verify"] + flags).status == 0)
        #expect(try fixture.cache(registry: nil).list().map(\.handle) == [Self.handle])
    }

    @Test("a garbage index: the next command notes the rebuild in one line naming the kept file, and fetch repairs")
    func corruptIndex() throws {
        let (fixture, flags) = try Self.setUp()
        #expect(try Self.hubctl(["fetch", Self.handle] + flags).status == 0)
        let layout = CacheLayout(root: fixture.cacheRoot)
        for suffix in ["-wal", "-shm"] { unlink(layout.indexPath + suffix) }
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: layout.indexPath))

        let list = try Self.hubctl(["list"] + flags)
        #expect(list.status == 0, "\(list.stderr)")
        let note = list.stderr.split(separator: "\n").filter { $0.contains("rebuilt") }
        #expect(note.count == 1 && note[0].contains(layout.indexPath + ".corrupt-"), "\(list.stderr)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: fixture.cacheRoot).filter { $0.hasPrefix("index.sqlite.corrupt-") }
        #expect(kept.count == 1)
        #expect(try Self.hubctl(["fetch", Self.handle] + flags).status == 0)
        #expect(try Self.hubctl(["verify"] + flags).status == 0)
    }

    @Test("a cache owned by root and run as nobody: every command fails with one line saying the index is read-only; nothing changes",
          .enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs root to own the cache and setpriv to drop to uid 65534"))
    func readOnlyCache() throws {
        let (fixture, flags) = try Self.setUp()
        #expect(try Self.hubctl(["fetch", Self.handle] + flags).status == 0)
        // nobody must reach the cache and the registry: open the folders above them for reading only.
        _ = chmod(fixture.directory.path, 0o755)
        for path in FileManager.default.subpaths(atPath: fixture.registryRoot) ?? [] {
            _ = chmod(fixture.registryRoot + "/" + path, 0o755)
        }
        let layout = CacheLayout(root: fixture.cacheRoot)
        let before = try SHA256Hasher.hex(ofFileAt: layout.indexPath)
        let other = "test/damage/other/1"
        try fixture.addModule(other, seed: 102)

        for command in [["list"], ["verify"], ["fetch", other], ["rm", Self.handle]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", HubctlProcess.binary.path] + command + flags
            let errors = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 1, "\(command): \(stderr)")
            let lines = stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("read-only") && lines[0].contains(layout.indexPath),
                    "\(command): \(stderr)")
        }
        #expect(try SHA256Hasher.hex(ofFileAt: layout.indexPath) == before)
        #expect(!FileManager.default.fileExists(atPath: layout.moduleDirectory(for: other)))
        #expect(try fixture.cache(registry: nil).verify(nil).map(\.status) == [.ok])
    }
}
