import AmoebaNet
import HubClient
import HubCore

/// The public entry point: `Hub.module(handle)` gives a verified, cached module that can be inspected
/// and run, the same thing `hubctl fetch`/`info`/`run` do from the command line.
///
/// ```swift
/// let module = try Hub.module("hubctl/digits/amoebanet_a_n6_f24/classification/1")
/// let results = module.classify(files: ["digit.png"], top: 3)
/// ```
public enum Hub {
    /// Where to look and how to run. Every field left nil falls back to the environment, exactly as
    /// the CLI does (`HUBCTL_CACHE_DIR`, `HUBCTL_REGISTRY`, `HUBCTL_OFFLINE`, the bundled `Registry/`).
    public struct Options: Sendable {
        public var cacheDirectory: String?
        public var registry: String?
        public var offline: Bool
        /// Draw a download progress bar on stderr when it is a terminal.
        public var showProgress: Bool
        /// Threads for the runtime (default: all cores).
        public var threads: Int?
        public var precision: RuntimeOptions.Precision

        public init(cacheDirectory: String? = nil, registry: String? = nil, offline: Bool = false,
                    showProgress: Bool = false, threads: Int? = nil, precision: RuntimeOptions.Precision = .fp32) {
            self.cacheDirectory = cacheDirectory
            self.registry = registry
            self.offline = offline
            self.showProgress = showProgress
            self.threads = threads
            self.precision = precision
        }

        /// The hub configuration these options describe.
        public var configuration: HubConfiguration {
            HubConfiguration.resolve(cacheDirectory: cacheDirectory, registry: registry, offline: offline,
                                     quiet: !showProgress)
        }
    }

    /// Resolves `handle`, fetches it into the cache if needed (verified), and reads its description.
    /// The weights are loaded on the first call, not here.
    public static func module(_ handle: String, options: Options = Options()) throws(HubKitError) -> HubModule {
        let cache: ModuleCache
        do {
            cache = try ModuleCache(configuration: options.configuration)
        } catch {
            throw .hub(error)
        }
        return try module(handle, cache: cache, options: options)
    }

    /// As `module(_:options:)`, with a cache the caller already opened (the CLI shares one per command).
    public static func module(_ handle: String, cache: ModuleCache, options: Options = Options())
        throws(HubKitError) -> HubModule
    {
        let parsed: ModuleHandle
        let fetched: FetchedModule
        do {
            parsed = try ModuleHandle(parsing: handle)
            fetched = try cache.fetch(parsed)
        } catch let error as HandleError {
            throw .hub(.handle(error))
        } catch let error as HubError {
            throw .hub(error)
        } catch {
            throw .hub(.io(path: handle, message: "\(error)"))
        }
        var entry: RegistryEntry?
        if parsed.registryParts != nil, let versioned = try? ModuleHandle(parsing: fetched.handle) {
            entry = try? cache.registryEntry(for: versioned)
        }
        let labels = entry.flatMap { LabelSet.load(for: $0, module: fetched, cache: cache) }
        let prepared = cache.preparedWeightsPath(for: fetched, precision: options.precision.rawValue)
        return try HubModule(fetched: fetched, registryEntry: entry, labels: labels, options: options,
                             preparedWeightsPath: prepared)
    }
}
