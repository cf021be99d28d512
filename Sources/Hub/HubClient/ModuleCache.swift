import Foundation
import HubArchive
import HubCore
import HubStore
import HubTransport

/// The fetch pipeline: resolve -> download -> verify -> unpack -> index, over a SQLite-indexed cache.
///
/// Guarantees:
/// - a ready entry is served with no network at all (also offline); only `ready` rows are served,
///   and a ready row whose folder lost `saved_model.pb` is marked broken and refetched;
/// - a miss takes the per-handle `FileLock` (kernel-released on crash), so concurrent fetches of one
///   handle download once: the others wait, then see the ready entry;
/// - the archive streams into `downloads/<key>.partial` (resumed across processes), is checked
///   against the registry's size/sha256, unpacked into `tmp/`, checked for `saved_model.pb`, renamed
///   into `modules/<key>`, its file manifest recorded, and only then marked ready;
/// - any failure removes the row and the module folder; the partial is kept for resume only when the
///   transfer failed (not when the bytes were wrong or did not unpack).
///
/// Local module folders are used in place and never copied or indexed. Local archives are unpacked
/// into the cache, keyed by their absolute path (`hubctl rm` the path to pick up a changed file).
/// If the index is rebuilt after damage, cached folders are not re-adopted: they are reclaimed and
/// refetched on the next fetch of their handle.
public final class ModuleCache {
    public let configuration: HubConfiguration
    public let layout: CacheLayout
    public let index: CacheIndex
    /// Where a damaged index was moved when it had to be rebuilt on open; nil normally.
    public let rebuiltIndexFrom: String?
    /// Module folders found without an index (it was deleted): they are not served and are
    /// reclaimed by the next fetch of their handle. 0 normally.
    public let orphanedModuleFolders: Int
    /// Progress of downloads. When nil, a terminal bar is drawn if `configuration.showProgress`.
    public var progress: (any ProgressReporter)?
    /// Receives one-line notes worth showing a person (e.g. waiting for another process's fetch).
    public var notes: ((String) -> Void)?

    public init(configuration: HubConfiguration) throws(HubError) {
        self.configuration = configuration
        layout = CacheLayout(root: configuration.cacheRoot)
        let indexExisted = FileManager.default.fileExists(atPath: layout.indexPath)
        do {
            try layout.prepare()
            (index, rebuiltIndexFrom) = try CacheIndex.openOrRebuild(path: layout.indexPath)
        } catch {
            throw .store(error)
        }
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: layout.modulesDirectory)) ?? []
        orphanedModuleFolders = indexExisted ? 0 : folders.filter { !$0.hasPrefix(".") }.count
    }

    // MARK: - Registry

    /// The configured registry.
    public func registry() throws(HubError) -> Registry {
        guard let root = configuration.registryRoot else { throw .noRegistry }
        return Registry(root: root, transferOptions: configuration.transferOptions)
    }

    /// Pins an unversioned registry handle to a version. A local registry is asked directly (no
    /// network); for a remote one the highest cached version wins, so an unversioned handle that is
    /// cached never touches the network (like tensorflow_hub); otherwise `index.txt` is read.
    public func resolve(_ handle: ModuleHandle) throws(HubError) -> ModuleHandle {
        guard handle.needsVersionResolution else { return handle }
        let registry = configuration.registryRoot.map { Registry(root: $0, transferOptions: configuration.transferOptions) }
        if let registry, !registry.isRemote { return try registry.latest(handle) }
        if let cached = try cachedVersions(of: handle).last { return cached }
        guard let registry else { throw .noRegistry }
        if configuration.offline {
            throw .offlineRegistry(handle: handle.description, registry: registry.location.description)
        }
        return try registry.latest(handle)
    }

    /// The registry document of a registry handle (resolving its version first).
    ///
    /// A remote registry's document is kept in `prepared/<key>.entry.md` the first time it is read:
    /// a versioned entry does not change, so later calls (offline ones too) read the copy and make no
    /// network request.
    public func registryEntry(for handle: ModuleHandle) throws(HubError) -> RegistryEntry {
        let resolved = try resolve(handle)
        let registry = try registry()
        guard registry.isRemote else { return try registry.entry(for: resolved) }
        let copy = layout.preparedDirectory + "/" + CacheLayout.key(for: resolved.description) + ".entry.md"
        if let text = try? String(contentsOfFile: copy, encoding: .utf8),
           let entry = try? Registry.parse(text, source: registry.resolve(resolved.description + ".md"),
                                           handle: resolved) {
            return entry
        }
        if configuration.offline {
            throw .offlineRegistry(handle: resolved.description, registry: registry.location.description)
        }
        let document = try registry.document(for: resolved)
        let entry = try Registry.parse(document.text, source: document.source, handle: resolved)
        if (try? CacheLayout.makeDirectory(layout.preparedDirectory)) != nil {
            let temporary = copy + ".tmp-\(getpid())"
            if FileManager.default.createFile(atPath: temporary, contents: Data(document.text.utf8),
                                              attributes: [.posixPermissions: 0o644]), rename(temporary, copy) != 0 {
                unlink(temporary)
            }
        }
        return entry
    }

    // MARK: - Fetch

    /// Returns a verified module folder for `text`, fetching it if needed.
    public func fetch(_ text: String) throws(HubError) -> FetchedModule {
        let handle: ModuleHandle
        do { handle = try ModuleHandle(parsing: text) } catch { throw .handle(error) }
        return try fetch(handle)
    }

    /// Returns a verified module folder for `handle`, fetching it if needed.
    public func fetch(_ handle: ModuleHandle) throws(HubError) -> FetchedModule {
        switch handle.source {
        case .localDirectory(let path):
            guard Self.hasModuleFile(path) else { throw .notAModule(handle: path, path: path) }
            return FetchedModule(handle: path, path: path, sha256: nil, size: nil, resolvedURL: nil,
                                 origin: .localDirectory)
        case .localArchive(let path):
            guard FileManager.default.fileExists(atPath: path) else { throw .localNotFound(path: path) }
            return try acquire(key: path, source: .file(path), expectedSize: nil, expectedSHA256: nil, format: "")
        case .remoteArchive(let url):
            return try acquire(key: url, source: .url(url), expectedSize: nil, expectedSHA256: nil, format: "")
        case .registry:
            let versioned = try resolve(handle)
            let key = versioned.description
            if let hit = try cachedModule(key) { return hit }
            let registry = try registry()
            // Offline still allows a local registry whose asset is a local file (no network at all).
            if configuration.offline && registry.isRemote { throw .offlineMiss(handle: key) }
            let entry = try registry.entry(for: versioned)
            guard let asset = entry.assetPath else { throw .noAsset(handle: key, kind: entry.kind) }
            let source: AssetSource
            if asset == "legacy" {
                // tfhub.dev's own documents say `legacy` for assets Google hosts at the handle's URL.
                source = .url("https://tfhub.dev/\(key)?tf-hub-format=compressed")
            } else if asset.contains("://") {
                source = .url(asset)
            } else if let relative = entry.registryRelativePath(asset) {
                source = registry.isRemote ? .url(registry.resolve(relative)) : .file(registry.resolve(relative))
            } else {
                throw .registry(.invalidValue(source: key, key: "asset-path", value: asset,
                                              reason: "must be a relative path that stays inside the registry"))
            }
            return try acquire(key: key, source: source, expectedSize: entry.assetSize,
                               expectedSHA256: entry.assetSHA256, format: entry.format ?? "")
        }
    }

    /// Where an archive comes from.
    enum AssetSource {
        case url(String)
        case file(String)

        var text: String {
            switch self {
            case .url(let url): return url
            case .file(let path): return path
            }
        }
    }

    /// The ready entry for `key` as a fetch result, or nil. A ready row whose folder lost its
    /// `saved_model.pb` (temp cleaners, manual deletion) is marked broken instead of served.
    func cachedModule(_ key: String) throws(HubError) -> FetchedModule? {
        let entry: CacheEntry?
        do { entry = try index.readyEntry(handle: key) } catch { throw .store(error) }
        guard let entry else { return nil }
        guard Self.hasModuleFile(entry.path) else {
            _ = try? index.setState(handle: key, .broken)
            return nil
        }
        try? index.touch(handle: key)
        return FetchedModule(handle: key, path: entry.path, sha256: entry.sha256, size: entry.size,
                             resolvedURL: entry.resolvedURL, origin: .cache)
    }

    private func acquire(key: String, source: AssetSource, expectedSize: Int64?, expectedSHA256: String?,
                         format: String) throws(HubError) -> FetchedModule {
        if let hit = try cachedModule(key) { return hit }
        if case .url = source, configuration.offline { throw .offlineMiss(handle: key) }
        let slug = CacheLayout.key(for: key)
        let lock: FileLock
        do {
            try layout.prepare()
            lock = try FileLock(path: layout.lockPath(forKey: slug))
            if try !lock.tryLock() {
                notes?("waiting for another process that is fetching \(key)")
                try lock.lock(timeout: configuration.lockTimeout)
            }
        } catch {
            throw .store(error)
        }
        defer { lock.unlock() }
        // Another process may have finished the same fetch while we waited.
        if let hit = try cachedModule(key) { return hit }

        let moduleDirectory = layout.moduleDirectory(forKey: slug)
        let partial = layout.partialPath(forKey: slug)
        try reclaim(key: key, slug: slug)
        do {
            try index.upsert(CacheEntry(handle: key, resolvedURL: source.text, sha256: "", size: 0,
                                        path: moduleDirectory, state: .downloading, format: format))
        } catch {
            throw .store(error)
        }
        do {
            return try install(key: key, slug: slug, source: source, expectedSize: expectedSize,
                               expectedSHA256: expectedSHA256, format: format)
        } catch {
            // Leave no row and no half module. Keep the partial only for a resumable transfer error.
            try? FileManager.default.removeItem(atPath: moduleDirectory)
            _ = try? index.remove(handle: key)
            switch error {
            case .transport(_, let transportError) where Self.isResumable(transportError):
                break
            case .archive(_, .diskFull), .store(.diskFull), .store(.io), .io:
                break  // the download itself was good: keep it so the next try needs no network
            default:
                if case .url = source {
                    unlink(partial)
                    unlink(layout.metaPath(forKey: slug))
                }
            }
            throw error
        }
    }

    /// Download (or hash a local archive), unpack, check, rename, record, mark ready.
    private func install(key: String, slug: String, source: AssetSource, expectedSize: Int64?,
                         expectedSHA256: String?, format: String) throws(HubError) -> FetchedModule {
        let moduleDirectory = layout.moduleDirectory(forKey: slug)
        let archivePath: String
        var sha256: String
        let size: Int64
        let resolvedURL: String
        var resumedFrom: Int64 = 0
        var attempts = 0
        var downloadSeconds: Double?
        let clock = ContinuousClock()
        switch source {
        case .url(let url):
            archivePath = layout.partialPath(forKey: slug)
            let result: DownloadResult
            let label = key.split(separator: "/").suffix(2).joined(separator: "/")
            let reporter = progress ?? (configuration.showProgress ? TerminalProgressBar(label: label) : nil)
            let started = clock.now
            do {
                result = try FileDownloader(options: configuration.transferOptions).download(
                    from: url, to: archivePath, expectedSize: expectedSize, expectedSHA256: expectedSHA256,
                    progress: reporter)
            } catch {
                throw .transport(handle: key, error)
            }
            downloadSeconds = (clock.now - started).seconds
            (sha256, size, resolvedURL) = (result.sha256, result.bytes, result.finalURL)
            (resumedFrom, attempts) = (result.resumedFrom, result.attempts)
        case .file(let path):
            archivePath = path
            var info = stat()
            guard stat(path, &info) == 0 else { throw .localNotFound(path: path) }
            size = Int64(info.st_size)
            if let expectedSize, expectedSize != size {
                throw .io(path: path, message: "size \(size) does not match the registry's asset-size \(expectedSize)")
            }
            // Hashed while unpacking (one read of the file) and checked before anything is installed.
            sha256 = ""
            resolvedURL = path
        }
        do {
            try index.upsert(CacheEntry(handle: key, resolvedURL: resolvedURL, sha256: sha256, size: size,
                                        path: moduleDirectory, state: .unpacking, format: format))
        } catch {
            throw .store(error)
        }

        let unpackDirectory: String
        do { unpackDirectory = try layout.makeUnpackDirectory(forKey: slug) } catch { throw .store(error) }
        defer { try? FileManager.default.removeItem(atPath: unpackDirectory) }
        let report: ExtractionReport
        let unpackStarted = clock.now
        do {
            report = try ArchiveExtractor.extract(archive: archivePath, into: unpackDirectory, limits: .default,
                                                  hashArchive: !source.isURL)
        } catch {
            throw .archive(handle: key, error)
        }
        let unpackSeconds = (clock.now - unpackStarted).seconds
        if !source.isURL {
            if let digest = report.archiveSHA256 {
                sha256 = digest
            } else {
                do {
                    sha256 = try SHA256Hasher.hex(ofFileAt: archivePath).sha256
                } catch {
                    throw .io(path: archivePath, message: "cannot read: \(error.localizedDescription)")
                }
            }
            if let expectedSHA256, expectedSHA256 != sha256 {
                throw .io(path: archivePath,
                          message: "sha256 \(sha256) does not match the registry's asset-sha256 \(expectedSHA256)")
            }
        }

        // The module root is the archive root (tfhub.dev layout) or its single top-level folder.
        var root = unpackDirectory
        var prefix = ""
        if !Self.hasModuleFile(root) {
            let top = Set(report.files.map { String($0.relativePath.split(separator: "/").first ?? "") })
            if top.count == 1, let only = top.first, Self.hasModuleFile(unpackDirectory + "/" + only) {
                root = unpackDirectory + "/" + only
                prefix = only + "/"
            } else {
                throw .notAModule(handle: key, path: resolvedURL)
            }
        }
        let manifest = report.files.map {
            ManifestFile(relativePath: String($0.relativePath.dropFirst(prefix.count)), size: $0.size, sha256: $0.sha256)
        }
        _ = chmod(root, 0o755)
        guard rename(root, moduleDirectory) == 0 else {
            throw .io(path: moduleDirectory, message: "cannot move the unpacked module into place: "
                + String(cString: strerror(errno)))
        }
        Self.syncDirectory(layout.modulesDirectory)
        do {
            try index.recordFiles(handle: key, manifest)
            try index.upsert(CacheEntry(handle: key, resolvedURL: resolvedURL, sha256: sha256, size: size,
                                        path: moduleDirectory, state: .ready, format: format))
        } catch {
            throw .store(error)
        }
        if case .url = source {
            unlink(archivePath)
            unlink(layout.metaPath(forKey: slug))
        }
        return FetchedModule(handle: key, path: moduleDirectory, sha256: sha256, size: size, resolvedURL: resolvedURL,
                             origin: source.isURL ? .downloaded : .unpackedLocalArchive,
                             resumedFrom: resumedFrom, attempts: attempts, downloadSeconds: downloadSeconds,
                             unpackSeconds: unpackSeconds)
    }

    /// Removes what an earlier failed or killed attempt at `key` left (row, module folder, unpack
    /// folders). Called with the handle's lock held. The partial download is kept for resume.
    private func reclaim(key: String, slug: String) throws(HubError) {
        do {
            if try index.entry(handle: key) != nil { try index.remove(handle: key) }
        } catch {
            throw .store(error)
        }
        let fileManager = FileManager.default
        let moduleDirectory = layout.moduleDirectory(forKey: slug)
        if fileManager.fileExists(atPath: moduleDirectory) {
            do {
                try fileManager.removeItem(atPath: moduleDirectory)
            } catch {
                throw .io(path: moduleDirectory, message: "cannot remove a stale module folder: \(error.localizedDescription)")
            }
        }
        for folder in [layout.temporaryDirectory, layout.preparedDirectory] {
            for name in (try? fileManager.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(slug + ".") {
                try? fileManager.removeItem(atPath: folder + "/" + name)
            }
        }
    }

    /// Where the runtime may keep `module`'s prepared weights for `precision`, creating the folder;
    /// nil when the cache cannot hold it (the runtime then prepares the weights on every load).
    public func preparedWeightsPath(for module: FetchedModule, precision: String) -> String? {
        do {
            try CacheLayout.makeDirectory(layout.preparedDirectory)
        } catch {
            return nil
        }
        return layout.preparedWeightsPath(forKey: CacheLayout.key(for: module.handle), precision: precision)
    }

    // MARK: - list / remove / verify

    /// Every cache entry in any state, ordered by handle.
    public func list() throws(HubError) -> [CacheEntry] {
        do { return try index.all() } catch { throw .store(error) }
    }

    /// Deletes the cached module(s) for `handle` (every cached version when it has none), with
    /// their partial downloads, under each handle's lock. Returns the handles removed.
    @discardableResult
    public func remove(_ handle: ModuleHandle) throws(HubError) -> [String] {
        var keys = try cachedKeys(for: handle)
        if keys.isEmpty, !handle.needsVersionResolution {
            // No row, but a partial download or an orphaned folder may still be there.
            let slug = CacheLayout.key(for: handle.description)
            let leftovers = [layout.moduleDirectory(forKey: slug), layout.partialPath(forKey: slug)]
            if leftovers.contains(where: { FileManager.default.fileExists(atPath: $0) }) { keys = [handle.description] }
        }
        guard !keys.isEmpty else { throw .notCached(handle: handle.description) }
        for key in keys {
            let slug = CacheLayout.key(for: key)
            try withLock(slug: slug) { () throws(HubError) in
                try reclaim(key: key, slug: slug)
                unlink(layout.partialPath(forKey: slug))
                unlink(layout.metaPath(forKey: slug))
            }
        }
        return keys
    }

    /// Re-hashes every file of the cached module(s) for `handle` (all entries when nil) against the
    /// recorded manifest. Damaged entries are marked broken, so they are never served again and the
    /// next fetch refetches them. Rows left `downloading`/`unpacking` by a killed fetch are cleaned
    /// up (each check holds the handle's lock, so a live fetch is waited for, never disturbed).
    public func verify(_ handle: ModuleHandle?) throws(HubError) -> [VerificationReport] {
        let keys: [String]
        if let handle {
            keys = try cachedKeys(for: handle)
            guard !keys.isEmpty else { throw .notCached(handle: handle.description) }
        } else {
            do { keys = try index.all().map(\.handle) } catch { throw .store(error) }
        }
        var reports: [VerificationReport] = []
        for key in keys {
            let slug = CacheLayout.key(for: key)
            let report = try withLock(slug: slug) { () throws(HubError) -> VerificationReport? in
                try verifyEntry(key: key)
            }
            if let report { reports.append(report) }
        }
        return reports
    }

    private func verifyEntry(key: String) throws(HubError) -> VerificationReport? {
        let entry: CacheEntry?
        let manifest: [ManifestFile]
        do {
            entry = try index.entry(handle: key)
            manifest = try index.files(handle: key)
        } catch {
            throw .store(error)
        }
        guard let entry else { return nil }  // removed while we waited for the lock
        switch entry.state {
        case .ready:
            break
        case .broken:
            return VerificationReport(handle: key, path: entry.path, status: .broken, missing: [], altered: [],
                                      extra: [], checkedFiles: 0, checkedBytes: 0, state: .broken)
        case .downloading, .unpacking:
            // We hold the handle's lock, so no fetch is running: a dead process left this row.
            try reclaim(key: key, slug: CacheLayout.key(for: key))
            return VerificationReport(handle: key, path: entry.path, status: .stale, missing: [], altered: [],
                                      extra: [], checkedFiles: 0, checkedBytes: 0, state: entry.state)
        }
        var missing: [String] = []
        var altered: [String] = []
        var bytes: Int64 = 0
        for file in manifest {
            let path = entry.path + "/" + file.relativePath
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                missing.append(file.relativePath)
                continue
            }
            guard Int64(info.st_size) == file.size, let hashed = try? SHA256Hasher.hex(ofFileAt: path),
                  hashed.sha256 == file.sha256 else {
                altered.append(file.relativePath)
                continue
            }
            bytes += hashed.size
        }
        let recorded = Set(manifest.map(\.relativePath))
        let extra = Self.regularFiles(under: entry.path).filter { !recorded.contains($0) }.sorted()
        let damaged = !missing.isEmpty || !altered.isEmpty || !extra.isEmpty || manifest.isEmpty
        if damaged {
            do { try index.setState(handle: key, .broken) } catch { throw .store(error) }
        }
        return VerificationReport(handle: key, path: entry.path, status: damaged ? .damaged : .ok, missing: missing,
                                  altered: altered, extra: extra, checkedFiles: manifest.count, checkedBytes: bytes,
                                  state: damaged ? .broken : .ready)
    }

    // MARK: - Helpers

    /// Index keys that `handle` names: itself, or every cached version of an unversioned handle.
    func cachedKeys(for handle: ModuleHandle) throws(HubError) -> [String] {
        if handle.needsVersionResolution { return try cachedVersions(of: handle).map(\.description) }
        do {
            return try index.entry(handle: handle.description) == nil ? [] : [handle.description]
        } catch {
            throw .store(error)
        }
    }

    /// Versioned handles of `handle`'s name that have a row, lowest version first.
    func cachedVersions(of handle: ModuleHandle) throws(HubError) -> [ModuleHandle] {
        guard let parts = handle.registryParts else { return [] }
        let all: [CacheEntry]
        do { all = try index.all() } catch { throw .store(error) }
        return all.compactMap { try? ModuleHandle(parsing: $0.handle) }
            .filter { $0.registryParts == parts && $0.version != nil }
            .sorted { ($0.version ?? 0) < ($1.version ?? 0) }
    }

    private func withLock<T>(slug: String, _ body: () throws(HubError) -> T) throws(HubError) -> T {
        let lock: FileLock
        do {
            try layout.prepare()
            lock = try FileLock(path: layout.lockPath(forKey: slug))
            try lock.lock(timeout: configuration.lockTimeout)
        } catch {
            throw .store(error)
        }
        defer { lock.unlock() }
        return try body()
    }

    /// True when `directory` holds `saved_model.pb` (or `.pbtxt`) as a regular file.
    public static func hasModuleFile(_ directory: String) -> Bool {
        for name in ["saved_model.pb", "saved_model.pbtxt"] {
            var info = stat()
            if stat(directory + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFREG { return true }
        }
        return false
    }

    /// Relative paths of everything under `root` that is not a directory (links and devices count,
    /// so they show up as extra files).
    static func regularFiles(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            var info = stat()
            guard lstat(root + "/" + relative, &info) == 0 else { continue }
            if info.st_mode & S_IFMT != S_IFDIR { files.append(relative) }
        }
        return files
    }

    private static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    private static func isResumable(_ error: TransportError) -> Bool {
        switch error {
        case .checksumMismatch, .sizeMismatch, .notAnArchive, .notFound: return false
        default: return true
        }
    }
}

extension ModuleCache.AssetSource {
    var isURL: Bool {
        if case .url = self { return true }
        return false
    }
}
