import Foundation

/// One parsed `Registry/<publisher>/<name>/.../<version>.md` document in tfhub.dev's style:
/// a `# <Kind> <handle>` title, `<!-- key: value -->` metadata lines, then free documentation text.
///
/// Keys may repeat (`dataset`, `task`, ...) and are kept in order. The keys hubctl acts on are
/// validated here so that a bad registry fails with a message naming the document, not later
/// with a confusing download error.
public struct RegistryEntry: Sendable, Equatable {
    /// Title kinds tfhub.dev uses for model documents.
    public static let kinds: Set<String> = ["Module", "Placeholder", "Lite", "Tfjs", "Coral"]
    /// Keys that may appear at most once.
    public static let singleKeys: Set<String> = ["asset-path", "format", "fine-tunable", "license",
                                                  "asset-sha256", "asset-size", "labels-path"]

    /// `Module`, `Placeholder`, ... from the title.
    public let kind: String
    /// The versioned handle named in the title.
    public let handle: ModuleHandle
    /// Metadata in document order; a key may occur several times.
    public let metadata: [MetadataItem]
    /// The documentation text after the title (metadata comments removed), trimmed.
    public let body: String

    /// One `<!-- key: value -->` line.
    public struct MetadataItem: Sendable, Equatable, Codable {
        public let key: String
        public let value: String
    }

    /// Parses `text`. `source` (path or URL) is quoted in errors. When `expectedHandle` is given
    /// (derived from the document's location) the title must name exactly that handle.
    public init(parsing text: String, source: String, expectedHandle: ModuleHandle? = nil) throws(RegistryError) {
        var lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        guard let titleLine = lines.first, titleLine.hasPrefix("# ") else { throw .missingTitle(source: source) }
        let titleWords = titleLine.dropFirst(2).split(separator: " ", omittingEmptySubsequences: true)
        guard titleWords.count == 2, Self.kinds.contains(String(titleWords[0])) else {
            throw .missingTitle(source: source)
        }
        kind = String(titleWords[0])
        let titleHandle = String(titleWords[1])
        let parsedHandle: ModuleHandle
        do {
            parsedHandle = try ModuleHandle(parsing: titleHandle)
        } catch {
            throw .invalidTitleHandle(source: source, reason: error.description)
        }
        guard parsedHandle.registryParts != nil, parsedHandle.version != nil else {
            throw .invalidTitleHandle(source: source, reason: "'\(titleHandle)' is not publisher/name/.../version")
        }
        if let expectedHandle, expectedHandle != parsedHandle {
            throw .handleMismatch(source: source, title: titleHandle, expected: expectedHandle.description)
        }
        handle = parsedHandle

        var items: [MetadataItem] = []
        var bodyLines: [String] = []
        for (offset, line) in lines.enumerated().dropFirst() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("<!--"), trimmed.hasSuffix("-->") else {
                bodyLines.append(line)
                continue
            }
            let inner = trimmed.dropFirst(4).dropLast(3).trimmingCharacters(in: .whitespaces)
            guard let colon = inner.firstIndex(of: ":") else {
                throw .malformedMetadata(source: source, line: offset + 1)
            }
            let key = inner[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = inner[inner.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, !key.contains(" ") else { throw .malformedMetadata(source: source, line: offset + 1) }
            items.append(MetadataItem(key: key, value: value))
        }
        metadata = items
        body = bodyLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        try validate(source: source)
    }

    /// Every value of `key`, in document order.
    public func values(_ key: String) -> [String] { metadata.filter { $0.key == key }.map(\.value) }

    /// The single value of `key`, if present.
    public func value(_ key: String) -> String? { values(key).first }

    /// `asset-path`: an http(s) URL or a path relative to this document.
    public var assetPath: String? { value("asset-path") }
    public var format: String? { value("format") }
    /// `task` values, falling back to the deprecated `module-type`.
    public var tasks: [String] { values("task").isEmpty ? values("module-type") : values("task") }
    public var networkArchitectures: [String] { values("network-architecture") }
    public var datasets: [String] { values("dataset") }
    public var fineTunable: Bool? { value("fine-tunable").map { $0.lowercased() == "true" } }
    public var license: String? { value("license") }
    /// Lowercase hex SHA-256 of the archive, when the registry knows it.
    public var assetSHA256: String? { value("asset-sha256")?.lowercased() }
    /// Archive size in bytes, when the registry knows it.
    public var assetSize: Int64? { value("asset-size").flatMap { Int64($0) } }
    /// `labels-path`, relative to this document.
    public var labelsPath: String? { value("labels-path") }

    /// The document's location relative to the registry root: `publisher/name/.../version.md`.
    public var relativeDocumentPath: String { handle.description + ".md" }

    /// `relative` (a path written in this document) as a path relative to the registry root,
    /// or nil when it climbs out of the registry root or is absolute.
    public func registryRelativePath(_ relative: String) -> String? {
        guard !relative.hasPrefix("/"), !relative.contains("\\"), !relative.isEmpty else { return nil }
        var stack = handle.description.split(separator: "/").map(String.init)
        stack.removeLast() // the document's own name (the version)
        for component in relative.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..":
                guard !stack.isEmpty else { return nil }
                stack.removeLast()
            default: stack.append(String(component))
            }
        }
        return stack.isEmpty ? nil : stack.joined(separator: "/")
    }

    // MARK: - Validation

    private func validate(source: String) throws(RegistryError) {
        var seen: Set<String> = []
        for item in metadata where Self.singleKeys.contains(item.key) {
            if !seen.insert(item.key).inserted { throw .duplicateKey(source: source, key: item.key) }
        }
        if let sha = value("asset-sha256") {
            let isHex = sha.count == 64 && sha.allSatisfy { $0.isHexDigit && $0.isASCII }
            if !isHex { throw .invalidValue(source: source, key: "asset-sha256", value: sha, reason: "is not 64 hex digits") }
        }
        if let size = value("asset-size") {
            guard let number = Int64(size), number >= 0 else {
                throw .invalidValue(source: source, key: "asset-size", value: size, reason: "is not a non-negative integer")
            }
        }
        if let asset = assetPath { try validateLocation(asset, key: "asset-path", source: source) }
        if let labels = labelsPath { try validateLocation(labels, key: "labels-path", source: source) }
        if let tunable = value("fine-tunable"), !["true", "false"].contains(tunable.lowercased()) {
            throw .invalidValue(source: source, key: "fine-tunable", value: tunable, reason: "must be true or false")
        }
        if kind == "Module", assetPath == nil {
            throw .invalidValue(source: source, key: "asset-path", value: "", reason: "is required for a Module entry")
        }
    }

    private func validateLocation(_ location: String, key: String, source: String) throws(RegistryError) {
        if let schemeEnd = location.range(of: "://") {
            let scheme = location[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "http" || scheme == "https" else {
                throw .invalidValue(source: source, key: key, value: location, reason: "must use http or https")
            }
            let rest = location[schemeEnd.upperBound...]
            guard let hostChar = rest.first, hostChar != "/" else {
                throw .invalidValue(source: source, key: key, value: location, reason: "has no host")
            }
            return
        }
        if location.contains(":") && !location.contains("/") || location.hasPrefix("file:") {
            throw .invalidValue(source: source, key: key, value: location, reason: "must be an http(s) URL or a relative path")
        }
        guard registryRelativePath(location) != nil else {
            throw .invalidValue(source: source, key: key, value: location,
                                reason: "must be a relative path that stays inside the registry")
        }
    }
}
