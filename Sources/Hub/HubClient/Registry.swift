import Foundation
import HubCore
import HubTransport

/// A registry root: a local folder or an http(s) base URL with the `Registry/` layout
/// (`<publisher>/<name>/.../<version>.md` documents plus `index.txt`).
///
/// Remote documents are read with `FileDownloader.fetchDocument`, so any static file server or CDN
/// can host a registry or a mirror. A local registry resolves unversioned handles by listing its
/// folders; a remote one reads `index.txt`, because static servers cannot list folders.
public final class Registry: Sendable {
    /// Where the registry lives.
    public enum Location: Sendable, Equatable, CustomStringConvertible {
        case directory(String)
        case remote(String)

        public var description: String {
            switch self {
            case .directory(let path): return path
            case .remote(let url): return url
            }
        }
    }

    /// Registry documents larger than this are refused (a registry entry is a few KiB).
    public static let maxDocumentBytes = 1 << 20
    /// Largest `index.txt` accepted.
    public static let maxIndexBytes = 16 << 20

    public let location: Location
    private let transferOptions: TransferOptions

    /// `root` is an http(s) URL or an absolute folder path.
    public init(root: String, transferOptions: TransferOptions = TransferOptions()) {
        let lower = root.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            location = .remote(root.hasSuffix("/") ? String(root.dropLast()) : root)
        } else {
            location = .directory(root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root)
        }
        self.transferOptions = transferOptions
    }

    public var isRemote: Bool {
        if case .remote = location { return true }
        return false
    }

    /// The path or URL of `relative` (a registry-root-relative path, already validated).
    public func resolve(_ relative: String) -> String {
        switch location {
        case .directory(let root): return root + "/" + relative
        case .remote(let base):
            let encoded = relative.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? relative
            return base + "/" + encoded
        }
    }

    /// The parsed document of the versioned registry handle `handle`.
    public func entry(for handle: ModuleHandle) throws(HubError) -> RegistryEntry {
        let document = try document(for: handle)
        return try Self.parse(document.text, source: document.source, handle: handle)
    }

    /// The text of `<handle>.md` and where it was read from.
    public func document(for handle: ModuleHandle) throws(HubError) -> (text: String, source: String) {
        let documentPath = handle.description + ".md"
        let source = resolve(documentPath)
        switch location {
        case .directory:
            guard FileManager.default.fileExists(atPath: source) else {
                throw .notInRegistry(handle: handle.description, registry: location.description)
            }
            return (try readLocalText(source, maxBytes: Self.maxDocumentBytes), source)
        case .remote:
            do {
                let data = try FileDownloader(options: transferOptions).fetchDocument(from: source,
                                                                                      maxBytes: Self.maxDocumentBytes)
                return (String(decoding: data, as: UTF8.self), source)
            } catch {
                if case .notFound = error {
                    throw .notInRegistry(handle: handle.description, registry: location.description)
                }
                throw .transport(handle: handle.description, error)
            }
        }
    }

    /// Parses a registry document, mapping parse errors into `HubError`.
    public static func parse(_ text: String, source: String, handle: ModuleHandle) throws(HubError) -> RegistryEntry {
        do {
            return try RegistryEntry(parsing: text, source: source, expectedHandle: handle)
        } catch {
            throw .registry(error)
        }
    }

    /// Every versioned handle the registry holds.
    public func index() throws(HubError) -> RegistryIndex {
        switch location {
        case .directory(let root):
            return try Self.scan(directory: root)
        case .remote:
            let url = resolve("index.txt")
            let data: Data
            do {
                data = try FileDownloader(options: transferOptions).fetchDocument(from: url, maxBytes: Self.maxIndexBytes)
            } catch {
                throw .registryUnreadable(location: url, message: error.description)
            }
            do {
                return try RegistryIndex(parsing: String(decoding: data, as: UTF8.self), source: url)
            } catch {
                throw .registry(error)
            }
        }
    }

    /// The highest version of the unversioned handle `handle` that the registry lists.
    public func latest(_ handle: ModuleHandle) throws(HubError) -> ModuleHandle {
        guard let latest = try index().latest(for: handle) else {
            throw .noVersions(handle: handle.description, registry: location.description)
        }
        return latest
    }

    /// Builds the index of a local registry folder from its `<...>/<version>.md` documents.
    /// Other files (README.md, labels, index.txt) are ignored; hidden folders are skipped.
    public static func scan(directory root: String) throws(HubError) -> RegistryIndex {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .registryUnreadable(location: root, message: "not a folder")
        }
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw .registryUnreadable(location: root, message: "cannot list the folder")
        }
        var handles: [ModuleHandle] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            guard name.hasSuffix(".md"), relative.contains("/") else { continue }
            let stem = name.dropLast(3)
            guard !stem.isEmpty, stem.allSatisfy({ $0.isASCII && $0.isNumber }) else { continue }
            let handleText = String(relative.dropLast(3))
            do {
                handles.append(try ModuleHandle(parsing: handleText))
            } catch {
                throw .registryUnreadable(location: root + "/" + relative, message: error.description)
            }
        }
        return RegistryIndex(handles: handles.filter { $0.version != nil })
    }

    private func readLocalText(_ path: String, maxBytes: Int) throws(HubError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .registryUnreadable(location: path, message: "cannot open")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: maxBytes + 1) ?? Data()
            guard data.count <= maxBytes else {
                throw HubError.registryUnreadable(location: path, message: "larger than \(maxBytes) bytes")
            }
            return String(decoding: data, as: UTF8.self)
        } catch let error as HubError {
            throw error
        } catch {
            throw .registryUnreadable(location: path, message: error.localizedDescription)
        }
    }
}
