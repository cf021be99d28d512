import Foundation
import HubCore

/// Every path in the cache, in one place.
///
/// ```
/// <root>/                          0755
/// ├── index.sqlite                 SQLite index (WAL: index.sqlite-wal, index.sqlite-shm)
/// ├── modules/
/// │   └── <key>/                   an unpacked module, renamed here only when complete
/// ├── downloads/
/// │   ├── <key>.partial            archive being downloaded (resumable)
/// │   └── <key>.partial.meta       JSON: url, ETag, Last-Modified, total size
/// ├── locks/
/// │   └── <key>.lock               flock(2) target serializing fetches of one handle
/// ├── tmp/
/// │   └── <key>.<uuid>/            unpack folder, renamed to modules/<key> on success
/// └── prepared/
///     └── <key>.<precision>.weights  runtime weights prepared once (BatchNorm folded), memory-mapped
/// ```
///
/// `<key>` is a readable slug of the versioned handle plus the first 16 hex digits of its SHA-256,
/// e.g. `google_imagenet_amoebanet_a_n18_f448_classification_1-3f0c…`, so two handles never share
/// a folder and no handle text ever becomes a path unchecked. Directories are created 0755 and
/// files 0644 explicitly, whatever the umask, so nothing in the cache is world-writable.
public struct CacheLayout: Sendable, Equatable {
    public let root: String

    public init(root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    public var indexPath: String { root + "/index.sqlite" }
    public var modulesDirectory: String { root + "/modules" }
    public var downloadsDirectory: String { root + "/downloads" }
    public var locksDirectory: String { root + "/locks" }
    public var temporaryDirectory: String { root + "/tmp" }
    /// Derived runtime data (folded weights); safe to delete at any time, rebuilt on the next run.
    public var preparedDirectory: String { root + "/prepared" }

    /// The folder-safe key of a versioned handle (see the type's documentation).
    public static func key(for handle: String) -> String {
        var slug = ""
        for scalar in handle.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".": slug.unicodeScalars.append(scalar)
            default: slug.append("_")
            }
            if slug.count >= 80 { break }
        }
        while slug.hasPrefix(".") { slug.removeFirst() }
        let digest = SHA256Hasher.hex(of: Data(handle.utf8))
        return slug + "-" + digest.prefix(16)
    }

    public func moduleDirectory(forKey key: String) -> String { modulesDirectory + "/" + key }
    public func partialPath(forKey key: String) -> String { downloadsDirectory + "/" + key + ".partial" }
    /// The resume sidecar the downloader keeps next to a partial file.
    public func metaPath(forKey key: String) -> String { partialPath(forKey: key) + ".meta" }
    public func lockPath(forKey key: String) -> String { locksDirectory + "/" + key + ".lock" }
    /// The runtime's prepared-weights file of a module for one precision (`fp32`, `bf16`).
    public func preparedWeightsPath(forKey key: String, precision: String) -> String {
        preparedDirectory + "/" + key + "." + precision + ".weights"
    }

    public func moduleDirectory(for handle: String) -> String { moduleDirectory(forKey: Self.key(for: handle)) }
    public func partialPath(for handle: String) -> String { partialPath(forKey: Self.key(for: handle)) }
    public func lockPath(for handle: String) -> String { lockPath(forKey: Self.key(for: handle)) }

    /// Creates the root and its sub-folders (0755) if missing, and tightens their modes if a
    /// permissive umask or an older version left them group/world-writable.
    public func prepare() throws(StoreError) {
        for directory in [root, modulesDirectory, downloadsDirectory, locksDirectory, temporaryDirectory] {
            try Self.makeDirectory(directory)
        }
    }

    /// Makes a fresh, empty unpack folder `tmp/<key>.<uuid>` (0700 while being filled).
    public func makeUnpackDirectory(forKey key: String) throws(StoreError) -> String {
        try Self.makeDirectory(temporaryDirectory)
        let path = temporaryDirectory + "/" + key + "." + UUID().uuidString.lowercased()
        if mkdir(path, 0o700) != 0 {
            throw StoreError.io(path: path, message: "cannot create unpack folder: \(StoreError.errnoMessage())")
        }
        return path
    }

    /// Creates `path` and any missing parents with mode 0755 set explicitly.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(StoreError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw StoreError.io(path: path, message: "exists and is not a directory")
            }
            if info.st_mode & 0o022 != 0, chmod(path, mode) != 0 {
                throw StoreError.io(path: path, message: "cannot restrict permissions: \(StoreError.errnoMessage())")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path, parent != "/" {
            var parentInfo = stat()
            if stat(parent, &parentInfo) != 0 { try makeDirectory(parent, mode: mode) }
        }
        if mkdir(path, mode) != 0 && errno != EEXIST {
            throw StoreError.io(path: path, message: "cannot create directory: \(StoreError.errnoMessage())")
        }
        if chmod(path, mode) != 0 {
            throw StoreError.io(path: path, message: "cannot set permissions: \(StoreError.errnoMessage())")
        }
    }
}
