import Foundation
import HubTransport
import TestSupport
import Testing

/// Each fault of `Tests/Support/fault_server.py`: the download either succeeds after retrying (with
/// the right bytes) or fails with a clear error.
@Suite("FileDownloader under injected faults") struct FileDownloaderFaultTests {
    let fixture: TransportFixture
    let server: FaultServer
    let downloader = FileDownloader(options: TransportFixture.fastOptions)

    init() throws {
        fixture = try TransportFixture()
        server = try FaultServer(root: fixture.served, stallSeconds: 10, idleSeconds: 120)
    }

    func download(_ path: String, partial: String? = nil, size: Int64? = nil,
                  sha: String? = nil) -> (url: String, partial: String, result: Result<DownloadResult, TransportError>) {
        let url = server.url(path)
        let partial = partial ?? fixture.partial()
        let result = Result { () throws(TransportError) in
            try downloader.download(from: url, to: partial, expectedSize: size, expectedSHA256: sha)
        }
        return (url, partial, result)
    }

    @Test("dropped connection: resumes and completes")
    func drop() throws {
        let (_, partial, result) = download("drop/1/model.tar.gz", sha: try fixture.sha256("model.tar.gz"))
        let value = try result.get()
        #expect(value.attempts == 2)
        #expect(value.resumedFrom > 0, "the second request continued from the bytes on disk")
        #expect(FileManager.default.contents(atPath: partial) == fixture.data("model.tar.gz"))
    }

    @Test("connection dropped every time: gives up clearly and keeps the partial for later")
    func dropForever() throws {
        let (url, partial, result) = download("drop/99/model.tar.gz")
        guard case .failure(.network(let failedURL, let message)) = result else {
            Issue.record("expected a network error, got \(result)")
            return
        }
        #expect(failedURL == url)
        #expect(message.contains("gave up after 5 attempts"))
        let kept = (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
        #expect(kept > 0)
    }

    @Test("attempts that make real progress do not use up retries")
    func progressKeepsRetrying() throws {
        var options = TransportFixture.fastOptions
        options.progressResetBytes = 100_000
        let url = server.url("drop/99/model.tar.gz")
        // Each attempt gets half of what is left: 500 kB, 250 kB, 125 kB count as progress, then
        // five short attempts use up the four retries.
        let error = captureError { () throws(TransportError) in
            try FileDownloader(options: options).download(from: url, to: fixture.partial())
        }
        guard case .network(_, let message) = error else {
            Issue.record("expected a network error, got \(String(describing: error))")
            return
        }
        #expect(message.contains("gave up after 8 attempts"))
    }

    @Test("stalled transfer: the low-speed limit aborts it, the retry resumes")
    func stall() throws {
        let started = Date()
        let (_, _, result) = download("stall/1/model.tar.gz", sha: try fixture.sha256("model.tar.gz"))
        let value = try result.get()
        #expect(value.attempts == 2)
        #expect(value.resumedFrom > 0)
        // libcurl averages speed over a ~5 s window, so the abort comes ~5-6 s into the stall; the
        // server itself would only drop the connection after 10 s.
        #expect(Date().timeIntervalSince(started) < 9.5, "aborted by the low-speed limit, not the 10 s stall")
    }

    @Test("5xx and 429 are retried; Retry-After is honoured", arguments: [500, 502, 503, 429])
    func retriedStatus(code: Int) throws {
        let started = Date()
        let (_, _, result) = download("status/\(code)/2/model.tar.gz", sha: try fixture.sha256("model.tar.gz"))
        let value = try result.get()
        #expect(value.attempts == 3)
        if code == 503 || code == 429 {
            #expect(Date().timeIntervalSince(started) >= 1.9, "two Retry-After: 1 waits")
        }
    }

    @Test("a huge Retry-After is capped by maxRetryAfter")
    func cappedRetryAfter() throws {
        var options = TransportFixture.fastOptions
        options.maxRetryAfter = 0.3
        let started = Date()
        let result = try FileDownloader(options: options).download(from: server.url("slow-retry/1/model.tar.gz"),
                                                                   to: fixture.partial())
        #expect(result.attempts == 2)
        #expect(Date().timeIntervalSince(started) < 10, "waited 0.3 s, not the server's 3600 s")
    }

    @Test("a status that never clears fails with it after all retries")
    func persistentStatus() throws {
        let (url, _, result) = download("status/503/99/model.tar.gz")
        guard case .failure(let error) = result else {
            Issue.record("expected failure")
            return
        }
        #expect(error == .httpStatus(url: url, code: 503))
        #expect(error.description == "download of \(url) failed: HTTP 503 Service Unavailable")
    }

    @Test("Content-Length longer than the body: retried and completed")
    func shortBody() throws {
        let (_, partial, result) = download("short/1/model.tar.gz", sha: try fixture.sha256("model.tar.gz"))
        #expect(try result.get().bytes == fixture.size("model.tar.gz"))
        #expect(FileManager.default.contents(atPath: partial) == fixture.data("model.tar.gz"))
    }

    @Test("Content-Length shorter than the file: size mismatch, nothing kept")
    func longBody() throws {
        let expected = fixture.size("model.tar.gz")
        let (url, partial, result) = download("long/model.tar.gz", size: expected)
        guard case .failure(let error) = result else {
            Issue.record("expected failure")
            return
        }
        #expect(error == .sizeMismatch(url: url, expected: expected, actual: expected - 100))
        #expect(!FileManager.default.fileExists(atPath: partial))
        let (shaURL, _, shaResult) = download("long/model.tar.gz", sha: try fixture.sha256("model.tar.gz"))
        guard case .failure(.checksumMismatch(shaURL, _, _)) = shaResult else {
            Issue.record("expected checksum mismatch, got \(shaResult)")
            return
        }
    }

    @Test("server ignoring Range: the 200 answer restarts the file instead of appending")
    func ignoreRange() throws {
        let (_, partial, result) = download("ignore-range/model.tar.gz", sha: try fixture.sha256("model.tar.gz"))
        let value = try result.get()
        #expect(value.attempts == 2)
        #expect(value.resumedFrom == 0)
        #expect(FileManager.default.contents(atPath: partial) == fixture.data("model.tar.gz"))
    }

    @Test("file changed between attempts: If-Range gets the new file whole, no mixed bytes")
    func changedBetweenAttempts() throws {
        let (_, partial, result) = download("change/model.tar.gz")
        let value = try result.get()
        #expect(value.attempts == 2)
        #expect(value.resumedFrom == 0)
        #expect(value.etag == "\"v2\"")
        #expect(value.sha256 == (try fixture.sha256("model.tar.gz.v2")))
        #expect(FileManager.default.contents(atPath: partial) == fixture.data("model.tar.gz.v2"))
    }

    @Test("a 206 with a different ETag than the partial restarts instead of splicing versions")
    func spliceRefused() throws {
        let (_, partial, result) = download("change-splice/model.tar.gz")
        let value = try result.get()
        #expect(value.sha256 == (try fixture.sha256("model.tar.gz.v2")))
        #expect(value.resumedFrom == 0)
        #expect(FileManager.default.contents(atPath: partial) == fixture.data("model.tar.gz.v2"))
    }

    @Test("redirect loop stops at the limit")
    func redirectLoop() throws {
        let (url, _, result) = download("loop/x")
        guard case .failure(let error) = result else {
            Issue.record("expected failure")
            return
        }
        #expect(error == .tooManyRedirects(url: url, limit: 10))
    }

    @Test("redirects to ftp:// or file:// are refused", arguments: ["redirect-ftp", "redirect-file"])
    func redirectScheme(kind: String) throws {
        let (_, _, result) = download("\(kind)/model.tar.gz")
        guard case .failure(.unsupportedScheme(let target)) = result else {
            Issue.record("expected unsupportedScheme, got \(result)")
            return
        }
        #expect(target.hasPrefix(kind == "redirect-ftp" ? "ftp://" : "file://"))
    }

    @Test("a plain redirect is followed")
    func redirect() throws {
        let (_, _, result) = download("redirect/model.tar.gz", sha: try fixture.sha256("model.tar.gz"))
        #expect(try result.get().finalURL.hasPrefix(server.baseURL + "/ok/model.tar.gz"))
    }

    @Test("HTML instead of an archive is refused", arguments: ["html", "html-octet"])
    func html(kind: String) throws {
        let (url, partial, result) = download("\(kind)/model.tar.gz")
        guard case .failure(.notAnArchive(let failedURL, _)) = result else {
            Issue.record("expected notAnArchive, got \(result)")
            return
        }
        #expect(failedURL == url)
        #expect(!FileManager.default.fileExists(atPath: partial))
    }
}
