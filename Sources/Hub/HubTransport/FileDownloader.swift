import CCurl
import Foundation

/// Downloads archives to a partial file with resume, retries and verification, over libcurl.
///
/// - Resume: `<partialPath>.meta` records the URL, ETag, Last-Modified and total size. A later call
///   (also from a new process after a crash) continues with `Range: bytes=N-` and `If-Range`; a 200
///   answer (changed file or a server ignoring Range) truncates and starts over in the same
///   request; a 206 that does not start at N restarts.
/// - Retries with exponential backoff and jitter on 408, 429 (honouring `Retry-After`, capped),
///   5xx, dropped connections, stalls (low-speed limit) and short bodies, each resuming from disk.
/// - Redirects (at most `maxRedirects`) only to http(s) and never from https to http. TLS
///   verification is always on; proxy environment variables are honoured by libcurl.
/// - The body must look like an archive (HTML pages are refused); size and SHA-256 are verified
///   when given, and on a mismatch the partial file is deleted so the next try starts clean.
/// - Before and during the transfer, free space is checked against the announced size.
/// - One download per partial path at a time: the caller serializes with the handle's `FileLock`.
public struct FileDownloader: Sendable {
    public let options: TransferOptions

    public init(options: TransferOptions = TransferOptions()) {
        self.options = options
    }

    /// Where the resume sidecar of `partialPath` lives.
    public static func metaPath(forPartial partialPath: String) -> String { partialPath + ".meta" }

    /// Deletes a partial file and its sidecar (after the caller has moved the file away, or to give up on it).
    public static func removePartial(at partialPath: String) {
        unlink(partialPath)
        unlink(metaPath(forPartial: partialPath))
    }

    /// Downloads `url` into `partialPath`, resuming what is there when it still matches, and returns
    /// once the complete file is on disk and verified. The caller renames it into place.
    public func download(from url: String, to partialPath: String, expectedSize: Int64? = nil,
                         expectedSHA256: String? = nil,
                         progress: ProgressReporter? = nil) throws(TransportError) -> DownloadResult {
        try checkScheme(url)
        let metaPath = Self.metaPath(forPartial: partialPath)
        let file = try PartialFile(path: partialPath)
        let isLocalFile = RedirectPolicy.scheme(of: url) == "file"
        let expectedDigest = expectedSHA256?.lowercased()
        defer { progress?.transferFinished() }

        /// Deletes the partial and sidecar (mismatch, not an archive) and rethrows.
        func discard(_ error: TransportError) -> TransportError {
            Self.removePartial(at: partialPath)
            return error
        }

        var attempts = 0
        var retries = 0
        var restarts = 0
        while true {
            // 1. Decide how much of the partial file can be kept.
            var meta = PartialDownloadMeta.load(from: metaPath)
            var keep = file.size
            if keep > 0 {
                let usable = !isLocalFile && meta?.url == url && meta?.ifRangeValidator != nil
                    && keep >= Int64(ArchiveSignature.sniffLength)
                    && (meta?.totalSize.map { keep <= $0 } ?? true)
                    && (expectedSize.map { keep <= $0 } ?? true)
                if !usable { keep = 0 }
            }
            try file.reset(keeping: keep)
            if keep == 0 {
                unlink(metaPath)
                meta = nil
            }

            // 2. A complete partial (crash after download, before rename) is verified without network.
            if keep > 0, let total = meta?.totalSize, keep == total {
                let digest = file.finishDigest()
                if (expectedSize.map { $0 == keep } ?? true) && (expectedDigest.map { $0 == digest } ?? true) {
                    return DownloadResult(finalURL: url, bytes: keep, sha256: digest, etag: meta?.etag,
                                          resumedFrom: keep, attempts: attempts)
                }
                try file.reset(keeping: 0)
                unlink(metaPath)
                continue
            }

            // 3. Fail early when the known size cannot fit.
            if let total = expectedSize ?? meta?.totalSize, let free = PartialFile.freeSpace(near: partialPath),
               total - keep > free {
                throw TransportError.diskFull(path: partialPath, needed: total - keep)
            }

            // 4. One request.
            attempts += 1
            let request = try TransferRequest(url: url, options: options, rangeStart: keep > 0 ? keep : nil,
                                              ifRange: keep > 0 ? meta?.ifRangeValidator : nil)
            var responseETag: String?
            var resumedFrom = keep
            let resumeETag = keep > 0 ? meta?.etag : nil
            var contentType: String?
            let requireSignature = options.requireArchiveSignature
            request.onResponse = { status, headers in
                contentType = headers["content-type"]
                responseETag = headers["etag"]
                var total: Int64?
                let length = headers["content-length"].flatMap { Int64($0) }
                if status == 206 {
                    guard let range = headers["content-range"].flatMap(ContentRange.init), range.start == keep else {
                        return .restart
                    }
                    // A server that ignores If-Range but honours Range could splice two versions.
                    if let before = resumeETag, let now = headers["etag"], before != now { return .restart }
                    total = range.total
                } else {
                    resumedFrom = 0
                    if file.size > 0 {
                        do throws(TransportError) { try file.reset(keeping: 0) } catch { return .error(error) }
                    }
                    total = length
                }
                if requireSignature, let type = contentType?.lowercased(), type.contains("text/html") {
                    return .error(.notAnArchive(url: url, contentType: contentType))
                }
                if let expectedSize, let total, total != expectedSize {
                    return .error(.sizeMismatch(url: url, expected: expectedSize, actual: total))
                }
                file.expectedTotal = total
                if let total, let free = PartialFile.freeSpace(near: partialPath), total - file.size > free {
                    return .error(.diskFull(path: partialPath, needed: total - file.size))
                }
                let record = PartialDownloadMeta(url: url, etag: headers["etag"], lastModified: headers["last-modified"],
                                                 totalSize: total)
                do throws(TransportError) { try record.save(to: metaPath) } catch { return .error(error) }
                if requireSignature { file.beginSniffing() }
                progress?.transferStarted(url: url, completed: file.size, total: total)
                return nil
            }
            request.onBody = { bytes in
                do throws(TransportError) {
                    if try !file.append(bytes) { return .error(.notAnArchive(url: url, contentType: contentType)) }
                } catch {
                    return .error(error)
                }
                return nil
            }
            request.onProgress = { progress?.transferProgressed(completed: file.size, total: file.expectedTotal) }
            let code = request.perform()

            // 5. Interpret the outcome.
            var retryAfter: Double?
            let failure: TransportError
            if let abort = request.abort {
                switch abort {
                case .restart:
                    restarts += 1
                    if restarts > 3 {
                        throw TransportError.network(url: url, message: "server keeps answering with a mismatched Content-Range")
                    }
                    try file.reset(keeping: 0)
                    unlink(metaPath)
                    continue
                case .error(let error):
                    switch error {
                    case .notAnArchive, .sizeMismatch: throw discard(error)
                    default: throw error
                    }
                }
            }
            if code == CURLE_OK && (request.accepted || isLocalFile) {
                if try !file.finishSniffing() { throw discard(.notAnArchive(url: url, contentType: contentType)) }
                let size = file.size
                if let total = file.expectedTotal, size < total, !isLocalFile {
                    failure = .network(url: url, message: "connection closed after \(size) of \(total) bytes")
                } else {
                    let digest = file.finishDigest()
                    if let expectedSize, size != expectedSize {
                        throw discard(.sizeMismatch(url: url, expected: expectedSize, actual: size))
                    }
                    if let expectedDigest, digest != expectedDigest {
                        throw discard(.checksumMismatch(url: url, expected: expectedDigest, actual: digest))
                    }
                    // No fsync: the archive is transient (unpacked, then deleted), and whatever a crash leaves
                    // of it is re-hashed from disk before it is used again (step 2 and `reset(keeping:)`).
                    if isLocalFile { unlink(metaPath) }
                    return DownloadResult(finalURL: request.easy.effectiveURL ?? url, bytes: size, sha256: digest,
                                          etag: responseETag, resumedFrom: resumedFrom,
                                          attempts: attempts, redirects: request.redirectChain)
                }
            } else if code == CURLE_OK {
                let status = request.status
                switch status {
                case 404, 410: throw TransportError.notFound(url: url)
                case 416:
                    restarts += 1
                    if restarts > 3 { throw TransportError.httpStatus(url: url, code: status) }
                    try file.reset(keeping: 0)
                    unlink(metaPath)
                    continue
                case 408, 429, 500...599:
                    failure = .httpStatus(url: url, code: status)
                    retryAfter = request.headers["retry-after"].flatMap(RetryAfter.seconds)
                default:
                    throw TransportError.httpStatus(url: url, code: status)
                }
            } else {
                failure = try classify(code: code, request: request)
            }

            // 6. Back off and retry, resuming from what is on disk. Real progress does not use up a retry.
            if file.size - resumedFrom < options.progressResetBytes { retries += 1 }
            if retries > options.maxRetries || attempts >= options.maxAttempts {
                throw finalError(failure, attempts: attempts)
            }
            let delay = retryAfter.map { min($0, options.maxRetryAfter) } ?? options.backoff(retry: retries)
            if Task.isCancelled { throw TransportError.cancelled(url: url) }
            Thread.sleep(forTimeInterval: delay)
        }
    }

    /// Fetches a small document (a registry `.md`) into memory, with the same redirect and retry rules.
    public func fetchDocument(from url: String, maxBytes: Int = 1 << 20) throws(TransportError) -> Data {
        try checkScheme(url)
        var retries = 0
        var attempts = 0
        while true {
            attempts += 1
            let request = try TransferRequest(url: url, options: options, rangeStart: nil, ifRange: nil)
            var body = Data()
            request.onResponse = { _, headers in
                if let length = headers["content-length"].flatMap(Int.init), length > maxBytes {
                    return .error(.tooLarge(url: url, limit: maxBytes))
                }
                body.removeAll()
                return nil
            }
            request.onBody = { bytes in
                if body.count + bytes.count > maxBytes { return .error(.tooLarge(url: url, limit: maxBytes)) }
                body.append(contentsOf: bytes)
                return nil
            }
            let code = request.perform()
            var retryAfter: Double?
            let failure: TransportError
            if let abort = request.abort {
                if case .error(let error) = abort { throw error }
                failure = .network(url: url, message: "unexpected partial response")
            } else if code == CURLE_OK && (request.accepted || RedirectPolicy.scheme(of: url) == "file") {
                return body
            } else if code == CURLE_OK {
                switch request.status {
                case 404, 410: throw TransportError.notFound(url: url)
                case 408, 429, 500...599:
                    failure = .httpStatus(url: url, code: request.status)
                    retryAfter = request.headers["retry-after"].flatMap(RetryAfter.seconds)
                default: throw TransportError.httpStatus(url: url, code: request.status)
                }
            } else {
                failure = try classify(code: code, request: request)
            }
            retries += 1
            if retries > options.maxRetries { throw finalError(failure, attempts: attempts) }
            if Task.isCancelled { throw TransportError.cancelled(url: url) }
            Thread.sleep(forTimeInterval: retryAfter.map { min($0, options.maxRetryAfter) } ?? options.backoff(retry: retries))
        }
    }

    private func checkScheme(_ url: String) throws(TransportError) {
        guard options.allowedSchemes.contains(RedirectPolicy.scheme(of: url)) else {
            throw TransportError.unsupportedScheme(url: url)
        }
    }

    /// Maps a libcurl failure to an error: returned when worth retrying, thrown when not.
    private func classify(code: CURLcode, request: TransferRequest) throws(TransportError) -> TransportError {
        let message = request.easy.message(for: code)
        switch code {
        case CURLE_TOO_MANY_REDIRECTS:
            throw TransportError.tooManyRedirects(url: request.url, limit: options.maxRedirects)
        case CURLE_UNSUPPORTED_PROTOCOL:
            throw TransportError.unsupportedScheme(url: request.redirectTarget ?? request.url)
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_OPERATION_TIMEDOUT,
             CURLE_COULDNT_CONNECT, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return TransportError.network(url: request.url, message: message)
        default:
            throw TransportError.network(url: request.url, message: message)
        }
    }

    private func finalError(_ error: TransportError, attempts: Int) -> TransportError {
        if case .network(let url, let message) = error {
            return .network(url: url, message: "\(message) (gave up after \(attempts) attempts)")
        }
        return error
    }
}
