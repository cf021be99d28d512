import Foundation
import HubTransport
import Testing

@Suite("Transport policies and parsers") struct TransportPolicyTests {
    @Test("https to http is a downgrade; other schemes are refused")
    func redirectPolicy() {
        let origin = "https://hub.example/m.tar.gz"
        #expect(RedirectPolicy.violation(from: origin, to: "http://cdn.example/m.tar.gz", originalURL: origin)
                == .insecureRedirect(from: origin, to: "http://cdn.example/m.tar.gz"))
        #expect(RedirectPolicy.violation(from: origin, to: "https://cdn.example/m.tar.gz", originalURL: origin) == nil)
        #expect(RedirectPolicy.violation(from: "http://a/x", to: "https://b/x", originalURL: "http://a/x") == nil)
        #expect(RedirectPolicy.violation(from: "http://a/x", to: "file:///etc/passwd", originalURL: "http://a/x")
                == .unsupportedScheme(url: "file:///etc/passwd"))
        #expect(RedirectPolicy.violation(from: origin, to: "ftp://b/x", originalURL: origin) == .unsupportedScheme(url: "ftp://b/x"))
        #expect(RedirectPolicy.resolve("/other/m.tar.gz", against: "https://hub.example/a/b") == "https://hub.example/other/m.tar.gz")
        #expect(RedirectPolicy.scheme(of: "HTTPS://x") == "https")
        #expect(RedirectPolicy.scheme(of: "/local/path") == "")
    }

    @Test("archive signatures and HTML are told apart")
    func signatures() {
        var tar = [UInt8](repeating: 0, count: 512)
        tar.replaceSubrange(257..<262, with: Array("ustar".utf8))
        #expect(ArchiveSignature.classify([0x1f, 0x8b, 8, 0]) == .gzip)
        #expect(ArchiveSignature.classify(Array("PK\u{3}\u{4}rest".utf8)) == .zip)
        #expect(ArchiveSignature.classify(tar) == .tar)
        #expect(ArchiveSignature.classify(Array("  \n<!DOCTYPE html>".utf8)) == .html)
        #expect(ArchiveSignature.classify(Array("{\"error\": 1}".utf8)) == .unknown)
        #expect(!ArchiveSignature.classify(Array("<html>".utf8)).isArchive)
    }

    @Test("Content-Range and Retry-After parse")
    func headers() throws {
        let range = try #require(ContentRange("bytes 100-199/1000"))
        #expect(range.start == 100 && range.end == 199 && range.total == 1000)
        #expect(ContentRange("bytes 0-9/*")?.total == nil)
        #expect(ContentRange("items 0-9/10") == nil)
        #expect(RetryAfter.seconds("7") == 7)
        let date = try #require(RetryAfter.seconds("Wed, 21 Oct 2015 07:28:00 GMT"))
        #expect(date == 0, "a date in the past means retry now")
        #expect(RetryAfter.seconds("soon") == nil)
    }

    @Test("progress line shows bytes, percent, rate and ETA")
    func progressLine() {
        let line = TerminalProgressBar.line(label: "m", completed: 1 << 20, total: 4 << 20, bytesPerSecond: Double(1 << 20))
        #expect(line == "m  1.0 MiB / 4.0 MiB  25%  1.0 MiB/s  ETA 0:03")
        #expect(TerminalProgressBar.formatBytes(512) == "512 B")
    }

    @Test("the bar draws on its descriptor, throttles redraws and erases itself at the end")
    func progressBarOutput() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let bar = TerminalProgressBar(label: "m", fileDescriptor: fds[1], interval: 60)
        bar.transferStarted(url: "http://x/m", completed: 0, total: 100)
        for step in 1...50 { bar.transferProgressed(completed: Int64(step), total: 100) }
        bar.transferFinished()
        close(fds[1])
        let output = String(decoding: FileHandle(fileDescriptor: fds[0]).readDataToEndOfFile(), as: UTF8.self)
        #expect(output == "\r\u{1B}[2Km  0 B / 100 B  0%\r\u{1B}[2K", "one draw (the rest throttled), then a clear")
    }
}
