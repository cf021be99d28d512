import Foundation
import HubClient
import HubCore
import HubStore
import HubTransport

/// Class names for a classifier's logits, one per line of the registry's `labels-path` file
/// (line i names logit i; for ImageNet modules line 0 is `background`).
public struct LabelSet: Sendable, Equatable {
    public let names: [String]

    public init(names: [String]) { self.names = names }

    /// Parses a label file: one name per line, trailing empty lines ignored.
    public init(text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        names = lines
    }

    /// The name of class `index`, or nil when the file has no such line.
    public subscript(index: Int) -> String? { index >= 0 && index < names.count ? names[index] : nil }

    /// The labels the registry entry points at, read from the registry: a local file, or a small
    /// document fetched from a remote registry once and kept beside the module's prepared data
    /// (`prepared/<key>.labels.txt`), so offline runs of a cached module still print names. Nil when
    /// there are none or they cannot be read: classification still works, printed by index.
    static func load(for entry: RegistryEntry, module: FetchedModule, cache: ModuleCache) -> LabelSet? {
        guard let relative = entry.labelsPath.flatMap({ entry.registryRelativePath($0) }),
              let registry = try? cache.registry() else { return nil }
        let location = registry.resolve(relative)
        if registry.isRemote {
            let layout = cache.layout
            let copy = layout.preparedDirectory + "/" + CacheLayout.key(for: module.handle) + ".labels.txt"
            if let text = try? String(contentsOfFile: copy, encoding: .utf8) { return LabelSet(text: text) }
            guard !cache.configuration.offline,
                  let data = try? FileDownloader(options: cache.configuration.transferOptions)
                      .fetchDocument(from: location, maxBytes: Registry.maxDocumentBytes) else { return nil }
            if (try? CacheLayout.makeDirectory(layout.preparedDirectory)) != nil {
                let temporary = copy + ".tmp-\(getpid())"
                if FileManager.default.createFile(atPath: temporary, contents: data,
                                                  attributes: [.posixPermissions: 0o644]) {
                    if rename(temporary, copy) != 0 { unlink(temporary) }
                }
            }
            return LabelSet(text: String(decoding: data, as: UTF8.self))
        }
        guard let text = try? String(contentsOfFile: location, encoding: .utf8) else { return nil }
        return LabelSet(text: text)
    }
}
