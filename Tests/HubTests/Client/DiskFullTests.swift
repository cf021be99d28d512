import Foundation
import HubArchive
import HubClient
import HubCore
import HubStore
import TestSupport
import Testing

/// A cache on a tiny tmpfs (needs root for `mount`; skipped otherwise).
@Suite("Disk full", .enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
struct DiskFullTests {
    final class SmallFilesystem {
        let path: String
        init(parent: String, megabytes: Int) throws {
            path = parent + "/tmpfs"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try Self.shell("/bin/mount", "-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0755", "tmpfs", path)
        }
        func resize(megabytes: Int) throws {
            try Self.shell("/bin/mount", "-o", "remount,size=\(megabytes)m", path)
        }
        deinit { try? Self.shell("/bin/umount", "-l", path) }

        static func shell(_ arguments: String...) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw TestServerError.startFailed("\(arguments.joined(separator: " ")) failed")
            }
        }
    }

    @Test("disk full while unpacking: nothing half-installed, the verified download kept; after space is freed the fetch completes without downloading again")
    func fullWhileUnpacking() throws {
        let fixture = try ClientFixture()
        let handle = "test/full/model/1"
        try fixture.addModule(handle, seed: 81, size: 1_500_000)
        let nginx = try NginxServer(root: fixture.registryRoot)
        let small = try SmallFilesystem(parent: fixture.directory.path, megabytes: 2)
        let cacheRoot = small.path + "/cache"
        func cache() throws -> ModuleCache {
            try ModuleCache(configuration: HubConfiguration(cacheRoot: cacheRoot, registryRoot: nginx.baseURL))
        }

        #expect {
            try cache().fetch(handle)
        } throws: { error in
            switch error as? HubError {
            case .archive(_, .diskFull)?, .archive(_, .io)?: return true
            default: return false
            }
        }
        let first = try cache()
        #expect(try first.list().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: first.layout.moduleDirectory(for: handle)))
        #expect((try FileManager.default.contentsOfDirectory(atPath: first.layout.temporaryDirectory)).isEmpty)
        let partial = first.layout.partialPath(for: handle)
        let kept = (try FileManager.default.attributesOfItem(atPath: partial)[.size] as? NSNumber)?.int64Value
        let archiveSize = try SHA256Hasher.hex(ofFileAt: fixture.registryRoot
                                               + "/assets/test_full_model_1.tar.gz").size
        #expect(kept == archiveSize)

        try small.resize(megabytes: 8)
        let module = try cache().fetch(handle)
        #expect(module.origin == .downloaded)
        #expect(module.resumedFrom == archiveSize)  // every byte came from the kept download
        #expect(try cache().verify(nil).map(\.status) == [.ok])
    }
}
