import CCurl
import Foundation

/// One libcurl easy handle (owns the `CURL*`, its header list and its error buffer).
final class CurlEasyHandle {
    let raw: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// `curl_global_init` must run once before any handle; Swift runs a static initializer once.
    private static let globalInit: Int32 = Int32(curl_global_init(3).rawValue)  // CURL_GLOBAL_ALL

    init?() {
        guard Self.globalInit == 0, let handle = curl_easy_init() else { return nil }
        raw = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        _ = ccurl_setopt_ptr(raw, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    deinit {
        curl_easy_cleanup(raw)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    @discardableResult
    func set(_ option: CURLoption, _ value: Int) -> Bool { ccurl_setopt_long(raw, option, value) == CURLE_OK }
    @discardableResult
    func set(_ option: CURLoption, _ value: String) -> Bool { ccurl_setopt_string(raw, option, value) == CURLE_OK }
    @discardableResult
    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) -> Bool {
        ccurl_setopt_ptr(raw, option, pointer) == CURLE_OK
    }

    /// Replaces the extra request headers.
    func setHeaders(_ lines: [String]) {
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        for line in lines { headerList = curl_slist_append(headerList, line) }
        _ = ccurl_setopt_slist(raw, CURLOPT_HTTPHEADER, headerList)
    }

    func perform() -> CURLcode {
        errorBuffer[0] = 0
        return curl_easy_perform(raw)
    }

    /// The last HTTP status (0 for `file://` or before any response).
    var responseCode: Int {
        var code: Int = 0
        _ = ccurl_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// The URL currently (or last) fetched, after redirects.
    var effectiveURL: String? {
        var pointer: UnsafeMutablePointer<CChar>?
        guard ccurl_getinfo_string(raw, CURLINFO_EFFECTIVE_URL, &pointer) == CURLE_OK, let pointer else { return nil }
        return String(cString: pointer)
    }

    /// A one-line message for `code`, preferring libcurl's detailed error buffer.
    func message(for code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }
}
