import Foundation

/// A parsed module handle: what the user typed, classified into where the module comes from.
///
/// Accepted forms:
/// - `publisher/name/.../version` (registry handle; the last part all digits is the version),
/// - the same without a version (the registry's latest version),
/// - `https://tfhub.dev/<handle>` and `https://hub.tensorflow.google.cn/<handle>` (mapped to the handle),
/// - any other `http(s)://` URL (a direct archive URL),
/// - local paths `./x`, `../x`, `/x`, `~/x`, `file:///x` (a module directory or an archive).
public struct ModuleHandle: Hashable, Sendable, CustomStringConvertible {
    /// Where the module comes from.
    public enum Source: Hashable, Sendable {
        /// A registry handle: name parts (publisher first) and an optional version.
        case registry(parts: [String], version: Int?)
        /// An http(s) URL that serves an archive directly.
        case remoteArchive(url: String)
        /// An absolute path to an existing directory holding a module.
        case localDirectory(path: String)
        /// An absolute path to an archive file (or to something that does not exist yet).
        case localArchive(path: String)
    }

    /// Hosts whose URL path is a registry handle.
    public static let hubHosts: Set<String> = ["tfhub.dev", "www.tfhub.dev", "hub.tensorflow.google.cn"]

    public let source: Source

    public init(source: Source) { self.source = source }

    /// A registry handle from its parts, validated the same way as a parsed one.
    public init(parts: [String], version: Int?) throws(HandleError) {
        let text = (parts + (version.map { [String($0)] } ?? [])).joined(separator: "/")
        self = try Self.parseRegistryHandle(text)
    }

    /// Parses `text`. Relative local paths are made absolute against `currentDirectory`, and `~`
    /// is expanded with `homeDirectory`.
    public init(parsing text: String,
                currentDirectory: String = FileManager.default.currentDirectoryPath,
                homeDirectory: String = NSHomeDirectory()) throws(HandleError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .empty }
        if let schemeEnd = trimmed.range(of: "://") {
            let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
            switch scheme {
            case "http", "https":
                self = try Self.parseWebURL(trimmed, afterScheme: String(trimmed[schemeEnd.upperBound...]))
            case "file":
                let rest = String(trimmed[schemeEnd.upperBound...])
                // file:///abs/path or file://localhost/abs/path
                let path: String
                if rest.hasPrefix("/") {
                    path = rest
                } else if rest.hasPrefix("localhost/") {
                    path = String(rest.dropFirst("localhost".count))
                } else {
                    throw .malformedURL(trimmed, reason: "file URLs must be file:///absolute/path")
                }
                let decoded = path.removingPercentEncoding ?? path
                self = Self.local(path: decoded)
            default:
                throw .unsupportedScheme(trimmed, scheme: scheme)
            }
            return
        }
        if trimmed.hasPrefix("/") {
            self = Self.local(path: trimmed)
        } else if trimmed == "~" || trimmed.hasPrefix("~/") {
            self = Self.local(path: homeDirectory + trimmed.dropFirst())
        } else if trimmed == "." || trimmed == ".." || trimmed.hasPrefix("./") || trimmed.hasPrefix("../") {
            self = Self.local(path: currentDirectory + "/" + trimmed)
        } else {
            self = try Self.parseRegistryHandle(trimmed)
        }
    }

    /// The registry name parts (publisher first) when this is a registry handle.
    public var registryParts: [String]? {
        if case .registry(let parts, _) = source { return parts }
        return nil
    }

    /// The version when this is a versioned registry handle.
    public var version: Int? {
        if case .registry(_, let version) = source { return version }
        return nil
    }

    /// True for a registry handle without a version (resolved to the latest the registry knows).
    public var needsVersionResolution: Bool {
        if case .registry(_, nil) = source { return true }
        return false
    }

    /// This registry handle pinned to `version`.
    public func withVersion(_ version: Int) -> ModuleHandle {
        guard case .registry(let parts, _) = source else { return self }
        return ModuleHandle(source: .registry(parts: parts, version: version))
    }

    /// The canonical text: `publisher/name/version`, the URL, or the absolute path.
    public var description: String {
        switch source {
        case .registry(let parts, let version):
            return (parts + (version.map { [String($0)] } ?? [])).joined(separator: "/")
        case .remoteArchive(let url): return url
        case .localDirectory(let path), .localArchive(let path): return path
        }
    }

    // MARK: - Parsing helpers

    private static func local(path: String) -> ModuleHandle {
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: standardized, isDirectory: &isDirectory), isDirectory.boolValue {
            return ModuleHandle(source: .localDirectory(path: standardized))
        }
        return ModuleHandle(source: .localArchive(path: standardized))
    }

    private static func parseWebURL(_ text: String, afterScheme: String) throws(HandleError) -> ModuleHandle {
        let hostEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        var host = afterScheme[..<hostEnd].lowercased()
        guard !host.isEmpty else { throw .malformedURL(text, reason: "no host") }
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        let bareHost = host.split(separator: ":").first.map(String.init) ?? host
        guard hubHosts.contains(bareHost) else {
            return ModuleHandle(source: .remoteArchive(url: text))
        }
        var path = String(afterScheme[hostEnd...])
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
        while path.hasPrefix("/") { path.removeFirst() }
        if path.hasSuffix("/") { path.removeLast() }
        guard !path.isEmpty else { throw .malformedURL(text, reason: "no module handle after the host") }
        return try parseRegistryHandle(path, quoting: text)
    }

    private static func parseRegistryHandle(_ text: String, quoting original: String? = nil)
        throws(HandleError) -> ModuleHandle
    {
        let quoted = original ?? text
        let components = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for component in components {
            if component.isEmpty { throw .emptyComponent(quoted) }
            if component == "." || component == ".." { throw .dotComponent(quoted, component: component) }
            if !component.allSatisfy(Self.isAllowed) { throw .invalidCharacters(quoted, component: component) }
        }
        var parts = components
        var version: Int?
        if let last = parts.last, last.allSatisfy(\.isASCIIDigit) {
            guard last.first != "0", let number = Int(last) else { throw .invalidVersion(quoted, version: last) }
            version = number
            parts.removeLast()
        }
        guard parts.count >= 2 else { throw .tooFewParts(quoted) }
        return ModuleHandle(source: .registry(parts: parts, version: version))
    }

    private static func isAllowed(_ character: Character) -> Bool {
        guard character.isASCII else { return false }
        return character.isLowercase || character.isASCIIDigit || character == "_" || character == "." || character == "-"
    }
}

extension Character {
    /// `0`...`9` only (not other Unicode digits).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
