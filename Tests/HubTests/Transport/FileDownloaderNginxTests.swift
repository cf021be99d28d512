import Foundation
import HubTransport
import TestSupport
import Testing

@Suite("FileDownloader against nginx") struct FileDownloaderNginxTests {
    let fixture: TransportFixture
    let nginx: NginxServer
    let downloader = FileDownloader(options: TransportFixture.fastOptions)

    init() throws {
        fixture = try TransportFixture()
        nginx = try NginxServer(root: fixture.served)
    }

    @Test("downloads a whole archive, hashes it and records the resume sidecar")
    func fullDownload() throws {
        let partial = fixture.partial()
        let progress = RecordingProgress()
        let result = try downloader.download(from: nginx.url("model.tar.gz"), to: partial,
                                             expectedSize: fixture.size("model.tar.gz"),
                                             expectedSHA256: try fixture.sha256("model.tar.gz"), progress: progress)
        #expect(FileManager.default.contents(atPath: partial) == fixture.data("model.tar.gz"))
        #expect(result.sha256 == (try fixture.sha256("model.tar.gz")))
        #expect(result.bytes == fixture.size("model.tar.gz"))
        #expect(result.resumedFrom == 0)
        #expect(result.attempts == 1)
        #expect(result.finalURL == nginx.url("model.tar.gz"))
        #expect(result.etag?.hasPrefix("\"") == true, "nginx sends a strong ETag")
        #expect(Reference.mode(partial) == 0o644)
        let meta = try #require(FileManager.default.contents(atPath: FileDownloader.metaPath(forPartial: partial)))
        let json = try #require(try JSONSerialization.jsonObject(with: meta) as? [String: Any])
        #expect(json["etag"] as? String == result.etag)
        #expect((json["totalSize"] as? NSNumber)?.int64Value == result.bytes)
        #expect(progress.starts.first?.completed == 0 && progress.starts.first?.total == result.bytes)
        #expect(progress.finished == 1)
        #expect(progress.updates.last.map { $0 <= result.bytes } ?? true)

        // A complete, matching partial is verified again without any request.
        let again = try downloader.download(from: nginx.url("model.tar.gz"), to: partial,
                                            expectedSHA256: try fixture.sha256("model.tar.gz"))
        #expect(again.attempts == 0)
        #expect(again.sha256 == result.sha256)
    }

    /// Downloads once to learn nginx's sidecar, then fakes a killed download: the first `keep`
    /// bytes of `content` on disk plus that sidecar (optionally with another ETag).
    func simulateKilledDownload(keep: Int, content: Data, etag: String? = nil) throws -> String {
        let probe = fixture.partial()
        _ = try downloader.download(from: nginx.url("model.tar.gz"), to: probe)
        let metaData = try #require(FileManager.default.contents(atPath: probe + ".meta"))
        var meta = try #require(try JSONSerialization.jsonObject(with: metaData) as? [String: Any])
        if let etag { meta["etag"] = etag }
        let partial = fixture.partial()
        try content.prefix(keep).write(to: URL(fileURLWithPath: partial))
        try JSONSerialization.data(withJSONObject: meta).write(to: URL(fileURLWithPath: partial + ".meta"))
        return partial
    }

    @Test("resumes a killed download with Range + If-Range")
    func resume() throws {
        let keep = 400_000
        let partial = try simulateKilledDownload(keep: keep, content: fixture.data("model.tar.gz"))
        let progress = RecordingProgress()
        let result = try downloader.download(from: nginx.url("model.tar.gz"), to: partial,
                                             expectedSHA256: try fixture.sha256("model.tar.gz"), progress: progress)
        #expect(result.resumedFrom == Int64(keep))
        #expect(result.attempts == 1)
        #expect(progress.starts.first?.completed == Int64(keep))
        #expect(FileManager.default.contents(atPath: partial) == fixture.data("model.tar.gz"))
        let log = try String(contentsOfFile: nginx.accessLogPath, encoding: .utf8)
        #expect(log.contains("\" 206 "), "nginx served a partial response")
    }

    @Test("restarts from zero when the file changed upstream (ETag differs)")
    func changedETag() throws {
        // The partial holds bytes of a different file; its sidecar names an ETag nginx no longer has.
        let partial = try simulateKilledDownload(keep: 400_000, content: fixture.data("other.tar.gz"), etag: "\"5f00-deadbeef\"")
        let result = try downloader.download(from: nginx.url("model.tar.gz"), to: partial,
                                             expectedSHA256: try fixture.sha256("model.tar.gz"))
        #expect(result.resumedFrom == 0)
        #expect(FileManager.default.contents(atPath: partial) == fixture.data("model.tar.gz"))
    }

    @Test("discards a partial that belongs to another URL")
    func otherURLPartial() throws {
        let partial = try simulateKilledDownload(keep: 400_000, content: fixture.data("model.tar.gz"))
        let result = try downloader.download(from: nginx.url("other.tar.gz"), to: partial)
        #expect(result.resumedFrom == 0)
        #expect(result.sha256 == (try fixture.sha256("other.tar.gz")))
    }

    @Test("404 is notFound with a one-line message naming the URL")
    func notFound() throws {
        let url = nginx.url("missing.tar.gz")
        let error = captureError { () throws(TransportError) in try downloader.download(from: url, to: fixture.partial()) }
        #expect(error == .notFound(url: url))
        #expect(error?.description == "download of \(url) failed: HTTP 404 Not Found")
    }

    @Test("follows a redirect and reports the final URL")
    func redirect() throws {
        let result = try downloader.download(from: nginx.url("redirect/model.tar.gz"), to: fixture.partial(),
                                             expectedSHA256: try fixture.sha256("model.tar.gz"))
        #expect(result.finalURL == nginx.url("model.tar.gz"))
        #expect(result.redirects == [nginx.url("model.tar.gz")])
    }

    @Test("checksum and size mismatches fail and delete the partial")
    func mismatches() throws {
        let url = nginx.url("model.tar.gz")
        let partial = fixture.partial()
        let wrong = String(repeating: "0", count: 64)
        let checksum = captureError { () throws(TransportError) in
            try downloader.download(from: url, to: partial, expectedSHA256: wrong)
        }
        #expect(checksum == .checksumMismatch(url: url, expected: wrong, actual: try fixture.sha256("model.tar.gz")))
        #expect(!FileManager.default.fileExists(atPath: partial))
        #expect(!FileManager.default.fileExists(atPath: partial + ".meta"))

        let size = captureError { () throws(TransportError) in
            try downloader.download(from: url, to: partial, expectedSize: 12345)
        }
        #expect(size == .sizeMismatch(url: url, expected: 12345, actual: fixture.size("model.tar.gz")))
        #expect(!FileManager.default.fileExists(atPath: partial))
    }

    @Test("an HTML page is refused, by Content-Type or by its first bytes")
    func htmlBodies() throws {
        let pageURL = nginx.url("page.html")
        let byType = captureError { () throws(TransportError) in try downloader.download(from: pageURL, to: fixture.partial()) }
        #expect(byType == .notAnArchive(url: pageURL, contentType: "text/html"))
        #expect(byType?.description.contains("HTML page") == true)

        let disguised = nginx.url("disguised.tar.gz")
        let partial = fixture.partial()
        let bySniff = captureError { () throws(TransportError) in try downloader.download(from: disguised, to: partial) }
        #expect(bySniff == .notAnArchive(url: disguised, contentType: "application/gzip"))
        #expect(!FileManager.default.fileExists(atPath: partial))
    }

    @Test("fails before transferring when the disk cannot hold the file")
    func diskFullEarly() throws {
        let partial = fixture.partial()
        let huge: Int64 = 1 << 60
        let error = captureError { () throws(TransportError) in
            try downloader.download(from: nginx.url("model.tar.gz"), to: partial, expectedSize: huge)
        }
        #expect(error == .diskFull(path: partial, needed: huge))
        #expect(error?.description.contains("\(huge) more bytes needed") == true)
    }

    @Test("fetches small documents with a size cap")
    func documents() throws {
        #expect(try downloader.fetchDocument(from: nginx.url("doc.md"), maxBytes: 4096) == fixture.data("doc.md"))
        let missing = nginx.url("Registry/none.md")
        #expect(captureError { () throws(TransportError) in try downloader.fetchDocument(from: missing, maxBytes: 4096) }
                == .notFound(url: missing))
        let big = nginx.url("model.tar.gz")
        #expect(captureError { () throws(TransportError) in try downloader.fetchDocument(from: big, maxBytes: 1000) }
                == .tooLarge(url: big, limit: 1000))
    }

    @Test("only http(s) by default; file:// only when allowed")
    func schemes() throws {
        let ftp = "ftp://127.0.0.1/model.tar.gz"
        #expect(captureError { () throws(TransportError) in try downloader.download(from: ftp, to: fixture.partial()) }
                == .unsupportedScheme(url: ftp))
        let local = "file://" + fixture.servedPath("model.tar.gz")
        #expect(captureError { () throws(TransportError) in try downloader.download(from: local, to: fixture.partial()) }
                == .unsupportedScheme(url: local))
        var options = TransportFixture.fastOptions
        options.allowFileScheme = true
        let result = try FileDownloader(options: options).download(from: local, to: fixture.partial(),
                                                                   expectedSHA256: try fixture.sha256("model.tar.gz"))
        #expect(result.bytes == fixture.size("model.tar.gz"))
        #expect(try FileDownloader(options: options).fetchDocument(from: "file://" + fixture.servedPath("doc.md"))
                == fixture.data("doc.md"))
    }
}
