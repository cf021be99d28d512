import Foundation
import HubArchive
import HubTransport
import TestSupport
import Testing

/// Downloads and unpacking into a 256 KiB tmpfs: each fails with a disk-full error that says how
/// much space is needed, instead of leaving a silently short file.
@Suite("Disk full during transfer and unpack", .enabled(if: SmallFilesystem.isAvailable, "needs root to mount a small tmpfs"))
struct TransferDiskFullTests {
    let fixture: TransportFixture
    let small: SmallFilesystem
    let downloader = FileDownloader(options: TransportFixture.fastOptions)

    init() throws {
        fixture = try TransportFixture()
        small = try SmallFilesystem(kibibytes: 256)
    }

    @Test("a known Content-Length that cannot fit fails before any byte is written")
    func beforeTransfer() throws {
        let nginx = try NginxServer(root: fixture.served)
        let partial = small.path + "/m.partial"
        let url = nginx.url("model.tar.gz")
        let error = captureError { () throws(TransportError) in try downloader.download(from: url, to: partial) }
        #expect(error == .diskFull(path: partial, needed: fixture.size("model.tar.gz")))
        let written = (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
        #expect(written == 0)
    }

    @Test("a body without Content-Length fills the disk: ENOSPC becomes diskFull")
    func duringTransfer() throws {
        let server = try FaultServer(root: fixture.served)
        let partial = small.path + "/m.partial"
        let error = captureError { () throws(TransportError) in
            try downloader.download(from: server.url("no-length/model.tar.gz"), to: partial)
        }
        guard case .diskFull(let path, let needed) = error else {
            Issue.record("expected diskFull, got \(String(describing: error))")
            return
        }
        #expect(path == partial)
        #expect(needed > 0)
        #expect(error?.description.contains("more bytes needed") == true)
    }

    @Test("unpacking onto a full disk fails with ArchiveError.diskFull")
    func unpacking() throws {
        let destination = small.path + "/out"
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
        let error = captureError { () throws(ArchiveError) in
            try ArchiveExtractor.extract(archive: fixture.servedPath("model.tar.gz"), into: destination)
        }
        guard case .diskFull(let path) = error else {
            Issue.record("expected diskFull, got \(String(describing: error))")
            return
        }
        #expect(path == destination + "/saved_model.pb")
    }
}
