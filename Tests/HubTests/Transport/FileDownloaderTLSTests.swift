import Foundation
import HubTransport
import TestSupport
import Testing

/// HTTPS against the fault server with a self-signed certificate: verification is always on, a
/// trusted CA works, and a redirect from https down to http is refused.
@Suite("FileDownloader over TLS") struct FileDownloaderTLSTests {
    let fixture: TransportFixture
    let server: FaultServer

    init() throws {
        fixture = try TransportFixture()
        server = try FaultServer(root: fixture.served, tls: true)
    }

    var trustingOptions: TransferOptions {
        var options = TransportFixture.fastOptions
        options.caBundlePath = server.certificatePath
        return options
    }

    @Test("an untrusted certificate is refused, not retried into success")
    func untrusted() throws {
        let url = server.url("ok/model.tar.gz")
        let error = captureError { () throws(TransportError) in
            try FileDownloader(options: TransportFixture.fastOptions).download(from: url, to: fixture.partial())
        }
        guard case .network(let failedURL, let message) = error else {
            Issue.record("expected a TLS failure, got \(String(describing: error))")
            return
        }
        #expect(failedURL == url)
        #expect(message.lowercased().contains("certificate"))
    }

    @Test("a trusted CA bundle downloads over https")
    func trusted() throws {
        let result = try FileDownloader(options: trustingOptions).download(
            from: server.url("ok/model.tar.gz"), to: fixture.partial(), expectedSHA256: try fixture.sha256("model.tar.gz"))
        #expect(result.finalURL.hasPrefix("https://"))
    }

    @Test("a redirect from https to http is refused")
    func downgrade() throws {
        let url = server.url("redirect-http/model.tar.gz")
        let error = captureError { () throws(TransportError) in
            try FileDownloader(options: trustingOptions).download(from: url, to: fixture.partial())
        }
        guard case .insecureRedirect(let from, let to) = error else {
            Issue.record("expected insecureRedirect, got \(String(describing: error))")
            return
        }
        #expect(from == url)
        #expect(to == "http://127.0.0.1:\(server.port)/ok/model.tar.gz")
        #expect(error?.description.contains("refused redirect from https to insecure") == true)
    }
}
