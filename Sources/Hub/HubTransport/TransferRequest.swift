import CCurl
import Foundation

/// Why a request was stopped from inside a libcurl callback.
enum RequestAbort {
    /// Fail with this error.
    case error(TransportError)
    /// The response does not fit what is on disk (bad Content-Range): start over from byte 0.
    case restart
}

/// One HTTP request on one easy handle: sets the options every hubctl request shares, parses the
/// status and headers of each response (redirect hops included), enforces the redirect policy, and
/// hands the body of the final 2xx response to `onBody`. Bodies of error responses are discarded.
final class TransferRequest {
    let url: String
    let easy: CurlEasyHandle
    private let isFileScheme: Bool

    private(set) var status = 0
    /// Headers of the current response, names lowercased.
    private(set) var headers: [String: String] = [:]
    /// The last redirect target seen (resolved), to name it in errors.
    private(set) var redirectTarget: String?
    /// Every redirect target seen, in order.
    private(set) var redirectChain: [String] = []
    private(set) var abort: RequestAbort?
    /// Whether a final 2xx response is being received.
    private(set) var accepted = false

    /// Called once the headers of the final 2xx response are in; return an abort to stop.
    var onResponse: (_ status: Int, _ headers: [String: String]) -> RequestAbort? = { _, _ in nil }
    /// Called with each chunk of the accepted body; return an abort to stop.
    var onBody: (UnsafeRawBufferPointer) -> RequestAbort? = { _ in nil }
    /// Called as libcurl reports progress.
    var onProgress: () -> Void = {}

    init(url: String, options: TransferOptions, rangeStart: Int64?, ifRange: String?) throws(TransportError) {
        self.url = url
        isFileScheme = RedirectPolicy.scheme(of: url) == "file"
        guard let easy = CurlEasyHandle() else { throw TransportError.network(url: url, message: "libcurl failed to initialise") }
        self.easy = easy
        let allowed = options.allowedSchemes.sorted().joined(separator: ",")
        let redirectSchemes = RedirectPolicy.scheme(of: url) == "https" ? "https" : "http,https"
        guard easy.set(CURLOPT_URL, url),
              easy.set(CURLOPT_PROTOCOLS_STR, allowed),
              easy.set(CURLOPT_REDIR_PROTOCOLS_STR, redirectSchemes),
              easy.set(CURLOPT_SSL_VERIFYPEER, 1),
              easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        else { throw TransportError.network(url: url, message: "libcurl rejected the security options") }
        easy.set(CURLOPT_FOLLOWLOCATION, 1)
        easy.set(CURLOPT_MAXREDIRS, options.maxRedirects)
        easy.set(CURLOPT_NOSIGNAL, 1)
        easy.set(CURLOPT_TCP_KEEPALIVE, 1)
        // Bigger receive blocks than libcurl's 16 KiB default: fewer callbacks, writes and hash calls per GB.
        easy.set(CURLOPT_BUFFERSIZE, 512 << 10)
        easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(options.connectTimeout * 1000))
        easy.set(CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedLimit)
        easy.set(CURLOPT_LOW_SPEED_TIME, options.lowSpeedTime)
        easy.set(CURLOPT_USERAGENT, options.userAgent)
        if let caBundle = options.caBundlePath { easy.set(CURLOPT_CAINFO, caBundle) }
        if let rangeStart, rangeStart > 0 { easy.set(CURLOPT_RANGE, "\(rangeStart)-") }
        easy.setHeaders(ifRange.map { ["If-Range: \($0)"] } ?? [])

        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = ccurl_setopt_data_callback(easy.raw, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let request = Unmanaged<TransferRequest>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
            return request.receiveHeaderLine(line) ? length : 0
        }
        easy.set(CURLOPT_HEADERDATA, pointer: context)
        _ = ccurl_setopt_data_callback(easy.raw, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            let request = Unmanaged<TransferRequest>.fromOpaque(context).takeUnretainedValue()
            return request.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        easy.set(CURLOPT_WRITEDATA, pointer: context)
        easy.set(CURLOPT_NOPROGRESS, 0)
        _ = ccurl_setopt_xferinfo_callback(easy.raw) { context, _, _, _, _ in
            guard let context else { return 0 }
            return Unmanaged<TransferRequest>.fromOpaque(context).takeUnretainedValue().receiveProgress()
        }
        easy.set(CURLOPT_XFERINFODATA, pointer: context)
    }

    /// Runs the request to completion (the callbacks fire on this thread).
    func perform() -> CURLcode {
        withExtendedLifetime(self) { easy.perform() }
    }

    /// Header lines of every response arrive here, status line first, blank line last.
    private func receiveHeaderLine(_ raw: String) -> Bool {
        let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = [:]
            accepted = false
            return true
        }
        if line.isEmpty {
            return endOfHeaders()
        }
        if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return true
    }

    private func endOfHeaders() -> Bool {
        if (300..<400).contains(status), let location = headers["location"] {
            let current = easy.effectiveURL ?? url
            let target = RedirectPolicy.resolve(location, against: current)
            redirectTarget = target
            redirectChain.append(target)
            if let violation = RedirectPolicy.violation(from: current, to: target, originalURL: url) {
                abort = .error(violation)
                return false
            }
            return true
        }
        if (200..<300).contains(status) {
            return accept(status: status)
        }
        return true
    }

    private func accept(status: Int) -> Bool {
        accepted = true
        if let stop = onResponse(status, headers) {
            abort = stop
            return false
        }
        return true
    }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if !accepted {
            // file:// has no status line; its body is the file.
            guard isFileScheme, status == 0 else { return bytes.count }
            if !accept(status: 200) { return 0 }
        }
        if let stop = onBody(bytes) {
            abort = stop
            return 0
        }
        return bytes.count
    }

    private func receiveProgress() -> Int32 {
        if Task.isCancelled {
            abort = .error(.cancelled(url: url))
            return 1
        }
        onProgress()
        return 0
    }
}
