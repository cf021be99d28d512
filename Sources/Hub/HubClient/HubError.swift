import HubArchive
import HubCore
import HubStore
import HubTransport

/// Everything the fetch pipeline can report. Each case names the handle, URL or path at fault and
/// prints as one line; lower-layer errors are wrapped with the handle they happened for.
public enum HubError: Error, CustomStringConvertible, Sendable {
    case handle(HandleError)
    case registry(RegistryError)
    /// No registry root was configured or found next to the executable / current directory.
    case noRegistry
    /// The registry root (folder or URL) could not be read.
    case registryUnreadable(location: String, message: String)
    /// The registry has no document for this versioned handle.
    case notInRegistry(handle: String, registry: String)
    /// An unversioned handle for which the registry lists no version.
    case noVersions(handle: String, registry: String)
    /// The entry exists but has no downloadable asset (e.g. `# Placeholder`).
    case noAsset(handle: String, kind: String)
    /// Offline and the module is not in the cache.
    case offlineMiss(handle: String)
    /// Offline and the handle needs a remote registry to resolve.
    case offlineRegistry(handle: String, registry: String)
    case transport(handle: String, TransportError)
    case archive(handle: String, ArchiveError)
    case store(StoreError)
    /// The unpacked archive or local folder is not a module (no saved_model.pb).
    case notAModule(handle: String, path: String)
    /// A local path in a handle that does not exist.
    case localNotFound(path: String)
    /// `rm` / `verify` of a handle the cache does not hold.
    case notCached(handle: String)
    /// A file-system operation of the pipeline itself failed.
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .handle(let error): return error.description
        case .registry(let error): return error.description
        case .noRegistry:
            return "no registry found: pass --registry PATH|URL or set HUBCTL_REGISTRY"
        case .registryUnreadable(let location, let message):
            return "registry \(location) cannot be read: \(message)"
        case .notInRegistry(let handle, let registry):
            return "\(handle) is not in the registry \(registry)"
        case .noVersions(let handle, let registry):
            return "registry \(registry) lists no version of \(handle)"
        case .noAsset(let handle, let kind):
            return "\(handle) is a \(kind) entry with no downloadable asset"
        case .offlineMiss(let handle):
            return "\(handle) is not in the cache and --offline/HUBCTL_OFFLINE forbids downloading it"
        case .offlineRegistry(let handle, let registry):
            return "\(handle) has no version and none is cached; resolving it needs the registry \(registry), "
                + "but offline mode is on"
        case .transport(let handle, let error): return "\(handle): \(error.description)"
        case .archive(let handle, let error): return "\(handle): \(error.description)"
        case .store(let error): return error.description
        case .notAModule(let handle, let path):
            return "\(handle): \(path) is not a module (no saved_model.pb at its root)"
        case .localNotFound(let path): return "no such file or directory: \(path)"
        case .notCached(let handle): return "\(handle) is not in the cache"
        case .io(let path, let message): return "\(path): \(message)"
        }
    }

    /// True when the error is the user's input rather than a failure (the CLI exits 64).
    public var isUsageError: Bool {
        if case .handle = self { return true }
        return false
    }
}
